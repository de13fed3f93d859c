import Columnar

#if _endian(big)
#error("The RNTuple page decoder assumes a little-endian host (RNTuple pages are little-endian).")
#endif

/// Decodes one uncompressed RNTuple page into host values.
///
/// | encoding            | page bytes for n elements        | decoding                                          |
/// |---------------------|----------------------------------|---------------------------------------------------|
/// | plain               | n * width                        | copy (little-endian host)                         |
/// | Bit                 | ceil(n / 8)                      | bit i of the page (LSB first) -> bool             |
/// | split (2, 4, 8 B)   | n * width                        | byte k of element i is at k * n + i               |
/// | split + zigzag      | n * width                        | unsplit, then (v >> 1) ^ -(v & 1)                 |
/// | split + delta       | n * width                        | unsplit, then running sum within the page         |
/// | Real16              | n * 2                            | IEEE half -> float32                              |
/// | Real32Trunc (N bit) | ceil(n * N / 8)                  | N-bit groups LSB first, << (32 - N) -> float bits |
/// | Real32Quant (N bit) | ceil(n * N / 8)                  | q -> min + q * (max - min) / (2^N - 1)            |
/// Index32 / SplitIndex32 widen to Int64.
struct RNTuplePageDecoder {
    let type: RNTupleColumnType
    /// Bits per element on storage.
    let bits: Int
    let valueRange: (min: Double, max: Double)?

    init(column: RNTupleColumnDescriptor) throws {
        guard let t = column.type else {
            throw ROOTError(.unsupported, "column \(column.id) has unknown column type 0x\(String(column.rawType, radix: 16))")
        }
        type = t
        if let b = t.fixedBits {
            bits = b
        } else {
            bits = column.bitsOnStorage
            let allowed = t == .real32Trunc ? 10...31 : 1...32
            guard allowed.contains(bits) else {
                throw ROOTError(.malformed, "column \(column.id) (\(t.name)) has \(bits) bits on storage; allowed \(allowed)")
            }
            if t == .real32Quant {
                guard let r = column.valueRange, r.min.isFinite, r.max.isFinite, r.min <= r.max else {
                    throw ROOTError(.malformed, "column \(column.id) (Real32Quant) has no valid value range")
                }
            }
        }
        valueRange = column.valueRange
        guard t.decodedType != nil else {
            throw ROOTError(.unsupported, "column \(column.id) is a \(t.name) column, which is not decoded into numbers")
        }
    }

    /// Pages of this type are the host values byte for byte (no transformation after decompression).
    var isPlain: Bool {
        switch type {
        case .byte, .char, .int8, .uint8, .int16, .uint16, .int32, .uint32, .int64, .uint64, .real32, .real64, .index64: return true
        default: return false
        }
    }

    /// The decoded element type.
    var decodedType: DType { type.decodedType! }

    /// Bytes of an uncompressed page of `n` elements (nil when it would overflow).
    func pageBytes(_ n: Int) -> Int? {
        let (product, overflow) = n.multipliedReportingOverflow(by: bits)
        return overflow ? nil : (product + 7) / 8
    }

    /// Decodes all `n` elements of `page` into `dst` (room for n elements of `decodedType`).
    func decode(_ page: UnsafeRawPointer, count n: Int, into dst: UnsafeMutableRawPointer) {
        guard n > 0 else { return }
        switch type {
        case .byte, .char, .int8, .uint8, .int16, .uint16, .int32, .uint32, .int64, .uint64, .real32, .real64, .index64:
            dst.copyMemory(from: page, byteCount: n * bits / 8)
        case .index32:
            widen32(page, n, dst)
        case .bit:
            unpackBits(page, n, dst.assumingMemoryBound(to: UInt8.self))
        case .real16:
            halfToFloat(page, n, dst)
        case .splitReal16:
            unsplit(page, n, 2, dst)
            halfToFloatInPlace(n, dst)
        case .splitUInt16, .splitUInt32, .splitUInt64, .splitReal32, .splitReal64:
            unsplit(page, n, bits / 8, dst)
        case .splitInt16:
            unsplit(page, n, 2, dst)
            unzigzag(dst.assumingMemoryBound(to: UInt16.self), n)
        case .splitInt32:
            unsplit(page, n, 4, dst)
            unzigzag(dst.assumingMemoryBound(to: UInt32.self), n)
        case .splitInt64:
            unsplit(page, n, 8, dst)
            unzigzag(dst.assumingMemoryBound(to: UInt64.self), n)
        case .splitIndex64:
            unsplit(page, n, 8, dst)
            runningSum(dst.assumingMemoryBound(to: Int64.self), n)
        case .splitIndex32:
            // Unsplit into the lower half of the Int64 buffer, then widen in place back to front.
            unsplit(page, n, 4, dst)
            widen32(UnsafeRawPointer(dst), n, dst)
            runningSum(dst.assumingMemoryBound(to: Int64.self), n)
        case .real32Trunc:
            let out = dst.assumingMemoryBound(to: UInt32.self)
            unpackGroups(page, n, bits, out)
            let shift = UInt32(32 - bits)
            for i in 0..<n { out[i] <<= shift }
        case .real32Quant:
            let q = dst.assumingMemoryBound(to: UInt32.self)
            unpackGroups(page, n, bits, q)
            let r = valueRange!
            let scale = bits == 0 ? 0 : (r.max - r.min) / Double((UInt64(1) << UInt64(bits)) - 1)
            let f = dst.assumingMemoryBound(to: Float.self)
            for i in 0..<n { f[i] = Float(r.min + Double(q[i]) * scale) }
        case .switchType:
            return
        }
    }

    // MARK: kernels (simple loops the optimiser vectorises)

    private func widen32(_ src: UnsafeRawPointer, _ n: Int, _ dst: UnsafeMutableRawPointer) {
        let out = dst.assumingMemoryBound(to: Int64.self)
        // Back to front: works when src aliases the lower half of dst (element i is read before out[i] is written,
        // and out[i] only overwrites source elements 2i and 2i + 1, already read).
        var i = n - 1
        while i >= 0 {
            out[i] = Int64(src.loadUnaligned(fromByteOffset: i &* 4, as: UInt32.self))
            i -= 1
        }
    }

    private func unpackBits(_ src: UnsafeRawPointer, _ n: Int, _ out: UnsafeMutablePointer<UInt8>) {
        let bytes = src.assumingMemoryBound(to: UInt8.self)
        for i in 0..<n { out[i] = (bytes[i >> 3] >> UInt8(i & 7)) & 1 }
    }

    /// Byte-stream unsplit: element i's byte k is at src[k * n + i].
    private func unsplit(_ src: UnsafeRawPointer, _ n: Int, _ width: Int, _ dst: UnsafeMutableRawPointer) {
        let s = src.assumingMemoryBound(to: UInt8.self)
        switch width {
        case 2:
            let o = dst.assumingMemoryBound(to: UInt16.self)
            let b1 = s + n
            for i in 0..<n { o[i] = UInt16(s[i]) | UInt16(b1[i]) << 8 }
        case 4:
            let o = dst.assumingMemoryBound(to: UInt32.self)
            let b1 = s + n, b2 = s + 2 * n, b3 = s + 3 * n
            for i in 0..<n { o[i] = UInt32(s[i]) | UInt32(b1[i]) << 8 | UInt32(b2[i]) << 16 | UInt32(b3[i]) << 24 }
        default:
            let o = dst.assumingMemoryBound(to: UInt64.self)
            let b1 = s + n, b2 = s + 2 * n, b3 = s + 3 * n, b4 = s + 4 * n, b5 = s + 5 * n, b6 = s + 6 * n, b7 = s + 7 * n
            for i in 0..<n {
                let lo = UInt64(s[i]) | UInt64(b1[i]) << 8 | UInt64(b2[i]) << 16 | UInt64(b3[i]) << 24
                let hi = UInt64(b4[i]) | UInt64(b5[i]) << 8 | UInt64(b6[i]) << 16 | UInt64(b7[i]) << 24
                o[i] = lo | hi << 32
            }
        }
    }

    private func unzigzag<T: FixedWidthInteger & UnsignedInteger>(_ p: UnsafeMutablePointer<T>, _ n: Int) {
        for i in 0..<n { let v = p[i]; p[i] = (v >> 1) ^ (0 &- (v & 1)) }
    }

    private func runningSum(_ p: UnsafeMutablePointer<Int64>, _ n: Int) {
        var acc: Int64 = 0
        for i in 0..<n { acc &+= p[i]; p[i] = acc }
    }

    private func halfToFloat(_ src: UnsafeRawPointer, _ n: Int, _ dst: UnsafeMutableRawPointer) {
        let o = dst.assumingMemoryBound(to: Float.self)
        for i in 0..<n { o[i] = Self.half(src.loadUnaligned(fromByteOffset: i &* 2, as: UInt16.self)) }
    }

    /// The first 2n bytes of dst hold halves; expand to floats back to front.
    private func halfToFloatInPlace(_ n: Int, _ dst: UnsafeMutableRawPointer) {
        let o = dst.assumingMemoryBound(to: Float.self)
        var i = n - 1
        while i >= 0 {
            o[i] = Self.half(dst.loadUnaligned(fromByteOffset: i &* 2, as: UInt16.self))
            i -= 1
        }
    }

    /// IEEE 754 binary16 to binary32 (exact: subnormals, infinities and NaN payloads kept).
    @inline(__always)
    static func half(_ h: UInt16) -> Float {
        let sign = UInt32(h & 0x8000) << 16
        let exponent = UInt32(h >> 10) & 0x1f
        let mantissa = UInt32(h & 0x3ff)
        if exponent == 0 {
            let magnitude = Float(mantissa) * Float(bitPattern: 0x3380_0000)    // mantissa * 2^-24
            return Float(bitPattern: sign | magnitude.bitPattern)
        }
        if exponent == 0x1f { return Float(bitPattern: sign | 0x7f80_0000 | mantissa << 13) }
        return Float(bitPattern: sign | (exponent + 112) << 23 | mantissa << 13)
    }

    /// n groups of `width` bits (1...32), LSB first, into UInt32s.
    private func unpackGroups(_ src: UnsafeRawPointer, _ n: Int, _ width: Int, _ out: UnsafeMutablePointer<UInt32>) {
        let bytes = src.assumingMemoryBound(to: UInt8.self)
        let totalBytes = (n * width + 7) / 8
        let mask: UInt64 = width == 32 ? 0xffff_ffff : (UInt64(1) << UInt64(width)) - 1
        for i in 0..<n {
            let bit = i &* width
            let first = bit >> 3
            // Gather up to 5 bytes (width <= 32 plus a 7-bit shift) without reading past the page.
            var word: UInt64 = 0
            let last = Swift.min(first + 5, totalBytes)
            var k = first
            while k < last { word |= UInt64(bytes[k]) << UInt64((k - first) * 8); k += 1 }
            out[i] = UInt32(truncatingIfNeeded: (word >> UInt64(bit & 7)) & mask)
        }
    }
}

/// Converts `count` values of one type into another (used when a field's representations differ in type).
enum RNTupleValueConversion {
    static func convert(_ src: UnsafeRawPointer, from s: DType, into dst: UnsafeMutableRawPointer, as d: DType, count: Int) {
        if s == d {
            dst.copyMemory(from: src, byteCount: count * s.byteWidth)
            return
        }
        for i in 0..<count {
            if s.isFloatingPoint || d.isFloatingPoint {
                store(load(src, s, i), dst, d, i)
            } else {
                storeInt(loadInt(src, s, i), dst, d, i)
            }
        }
    }

    private static func load(_ p: UnsafeRawPointer, _ t: DType, _ i: Int) -> Double {
        switch t {
        case .float32: return Double(p.load(fromByteOffset: i * 4, as: Float.self))
        case .float64: return p.load(fromByteOffset: i * 8, as: Double.self)
        case .uint64: return Double(p.load(fromByteOffset: i * 8, as: UInt64.self))
        default: return Double(loadInt(p, t, i))
        }
    }

    private static func loadInt(_ p: UnsafeRawPointer, _ t: DType, _ i: Int) -> Int64 {
        switch t {
        case .bool, .uint8: return Int64(p.load(fromByteOffset: i, as: UInt8.self))
        case .int8: return Int64(p.load(fromByteOffset: i, as: Int8.self))
        case .int16: return Int64(p.load(fromByteOffset: i * 2, as: Int16.self))
        case .uint16: return Int64(p.load(fromByteOffset: i * 2, as: UInt16.self))
        case .int32: return Int64(p.load(fromByteOffset: i * 4, as: Int32.self))
        case .uint32: return Int64(p.load(fromByteOffset: i * 4, as: UInt32.self))
        case .int64: return p.load(fromByteOffset: i * 8, as: Int64.self)
        case .uint64: return Int64(bitPattern: p.load(fromByteOffset: i * 8, as: UInt64.self))
        case .float32: return Int64(p.load(fromByteOffset: i * 4, as: Float.self))
        case .float64: return Int64(p.load(fromByteOffset: i * 8, as: Double.self))
        }
    }

    private static func store(_ v: Double, _ p: UnsafeMutableRawPointer, _ t: DType, _ i: Int) {
        switch t {
        case .float32: p.storeBytes(of: Float(v), toByteOffset: i * 4, as: Float.self)
        case .float64: p.storeBytes(of: v, toByteOffset: i * 8, as: Double.self)
        case .bool: p.storeBytes(of: v != 0 ? 1 : 0, toByteOffset: i, as: UInt8.self)
        default: storeInt(v.isFinite ? Int64(Swift.max(-9.2e18, Swift.min(9.2e18, v))) : 0, p, t, i)
        }
    }

    private static func storeInt(_ v: Int64, _ p: UnsafeMutableRawPointer, _ t: DType, _ i: Int) {
        switch t {
        case .bool: p.storeBytes(of: v != 0 ? 1 : 0, toByteOffset: i, as: UInt8.self)
        case .int8, .uint8: p.storeBytes(of: UInt8(truncatingIfNeeded: v), toByteOffset: i, as: UInt8.self)
        case .int16, .uint16: p.storeBytes(of: UInt16(truncatingIfNeeded: v), toByteOffset: i * 2, as: UInt16.self)
        case .int32, .uint32: p.storeBytes(of: UInt32(truncatingIfNeeded: v), toByteOffset: i * 4, as: UInt32.self)
        case .int64, .uint64: p.storeBytes(of: UInt64(bitPattern: v), toByteOffset: i * 8, as: UInt64.self)
        case .float32: p.storeBytes(of: Float(v), toByteOffset: i * 4, as: Float.self)
        case .float64: p.storeBytes(of: Double(v), toByteOffset: i * 8, as: Double.self)
        }
    }
}
