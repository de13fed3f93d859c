import Columnar

/// Encodes a page's elements into their on-disk bytes (before compression). Every page is encoded on its own:
/// a delta-encoded page restarts from its first element, a Bit page starts a new byte.
///
/// | encoding     | bytes of n elements of w bytes                                                         |
/// |--------------|----------------------------------------------------------------------------------------|
/// | plain        | n × w little-endian                                                                    |
/// | split        | byte plane 0 of all elements, then plane 1, … (plane k = byte k of the LE value)       |
/// | zigzag+split | x → (x << 1) ^ (x >> (bits − 1)) (2x for x ≥ 0, −2x − 1 below), then split             |
/// | delta+split  | first element as is, then each element minus its predecessor, then split (indices)     |
/// | bit          | ceil(n / 8) bytes, element i in bit i % 8 of byte i / 8 (least significant bit first)  |
enum RNTuplePageEncoder {
    /// Elements `range` of `content` in `encoding`.
    static func encode(_ content: NumericArray, _ range: Range<Int>, _ encoding: RNTupleSchema.Encoding) -> [UInt8] {
        let zigzag = encoding == .zigzagSplit
        let split = encoding != .plain
        switch content {
        case .bool(let a): return a.withUnsafeBufferPointer { bits(UnsafeBufferPointer(rebasing: $0[range])) }
        case .int8(let a): return a.withUnsafeBufferPointer { integers(UnsafeBufferPointer(rebasing: $0[range]), split: split, zigzag: zigzag) }
        case .int16(let a): return a.withUnsafeBufferPointer { integers(UnsafeBufferPointer(rebasing: $0[range]), split: split, zigzag: zigzag) }
        case .int32(let a): return a.withUnsafeBufferPointer { integers(UnsafeBufferPointer(rebasing: $0[range]), split: split, zigzag: zigzag) }
        case .int64(let a): return a.withUnsafeBufferPointer { integers(UnsafeBufferPointer(rebasing: $0[range]), split: split, zigzag: zigzag) }
        case .uint8(let a): return a.withUnsafeBufferPointer { integers(UnsafeBufferPointer(rebasing: $0[range]), split: split, zigzag: false) }
        case .uint16(let a): return a.withUnsafeBufferPointer { integers(UnsafeBufferPointer(rebasing: $0[range]), split: split, zigzag: false) }
        case .uint32(let a): return a.withUnsafeBufferPointer { integers(UnsafeBufferPointer(rebasing: $0[range]), split: split, zigzag: false) }
        case .uint64(let a): return a.withUnsafeBufferPointer { integers(UnsafeBufferPointer(rebasing: $0[range]), split: split, zigzag: false) }
        case .float32(let a):
            return a.withUnsafeBufferPointer { p in
                p.withMemoryRebound(to: UInt32.self) { integers(UnsafeBufferPointer(rebasing: $0[range]), split: split, zigzag: false) }
            }
        case .float64(let a):
            return a.withUnsafeBufferPointer { p in
                p.withMemoryRebound(to: UInt64.self) { integers(UnsafeBufferPointer(rebasing: $0[range]), split: split, zigzag: false) }
            }
        }
    }

    /// Collection index elements (cluster-relative end offsets) in `encoding` (.deltaSplit or .plain).
    static func encodeIndex(_ ends: UnsafeBufferPointer<UInt64>, _ encoding: RNTupleSchema.Encoding) -> [UInt8] {
        guard encoding == .deltaSplit, !ends.isEmpty else { return integers(ends, split: false, zigzag: false) }
        var deltas = [UInt64](repeating: 0, count: ends.count)
        var previous: UInt64 = 0
        for i in 0..<ends.count { deltas[i] = ends[i] &- previous; previous = ends[i] }
        return deltas.withUnsafeBufferPointer { integers($0, split: true, zigzag: false) }
    }

    /// Integers as little-endian bytes, optionally zigzag-mapped (signed types) and byte-split.
    static func integers<T: FixedWidthInteger>(_ v: UnsafeBufferPointer<T>, split: Bool, zigzag: Bool) -> [UInt8] {
        let n = v.count, w = MemoryLayout<T>.size
        if !split || w == 1 { return [UInt8](UnsafeRawBufferPointer(v)) }
        return splitBytes(v, zigzag: zigzag, n: n, w: w)
    }

    private static func splitBytes<T: FixedWidthInteger>(_ v: UnsafeBufferPointer<T>, zigzag: Bool, n: Int, w: Int) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: n * w) { out, count in
            if zigzag {
                let shift = T.bitWidth - 1
                for i in 0..<n {
                    let x = v[i]
                    let z = (x << 1) ^ (x >> shift)
                    for k in 0..<w { out[k * n + i] = UInt8(truncatingIfNeeded: z >> (8 * k)) }
                }
            } else {
                for k in 0..<w {
                    let plane = k * n, s = 8 * k
                    for i in 0..<n { out[plane + i] = UInt8(truncatingIfNeeded: v[i] >> s) }
                }
            }
            count = n * w
        }
    }

    /// Booleans packed 8 per byte, least significant bit first.
    static func bits(_ v: UnsafeBufferPointer<Bool>) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: (v.count + 7) / 8)
        for i in 0..<v.count where v[i] { out[i >> 3] |= 1 << UInt8(i & 7) }
        return out
    }
}
