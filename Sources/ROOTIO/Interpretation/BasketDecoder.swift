import Columnar

/// One basket's payload after decompression: data bytes and, when present, per-entry byte offsets.
///
/// On disk, the uncompressed object holds `data` (fLast - fKeylen bytes) followed, for branches with
/// variable-size entries, by an int32 count and the entries' start offsets (measured from the key start,
/// so fKeylen is subtracted).
struct BasketPayload {
    var entryCount: Int
    var data: [UInt8]
    var entryOffsets: [Int]?
}

/// Turns basket payloads into typed column pieces: bulk byte swap for contiguous data, no per-entry work
/// unless entries carry headers.
enum BasketDecoder {
    /// A decoded basket: content and per-entry counts (nil for flat/fixed).
    struct Piece {
        var content: NumericArray
        var counts: [Int]?
        var entryCount: Int
    }

    static func decode(_ p: BasketPayload, as interpretation: Interpretation, what: String) throws -> Piece {
        switch interpretation {
        case .flat(let codec):
            let bytes = try contiguous(p, codec: codec, width: 1, what: what)
            return Piece(content: try convert(bytes, codec: codec, count: p.entryCount), counts: nil, entryCount: p.entryCount)
        case .fixed(let codec, let shape):
            let width = shape.reduce(1, *)
            let bytes = try contiguous(p, codec: codec, width: width, what: what)
            return Piece(content: try convert(bytes, codec: codec, count: p.entryCount * width), counts: nil, entryCount: p.entryCount)
        case .jagged(let codec, let header):
            return try decodeJagged(p, codec: codec, header: header, what: what)
        case .container, .unsupported:
            throw ROOTError(.unsupported, "\(what): no numeric interpretation")
        }
    }

    /// The leading `entries × width` elements' bytes of a fixed-size basket.
    private static func contiguous(_ p: BasketPayload, codec: ElementCodec, width: Int, what: String) throws -> ArraySlice<UInt8> {
        let (need, overflow) = p.entryCount.multipliedReportingOverflow(by: width * codec.storedSize)
        guard !overflow, need <= p.data.count else {
            throw ROOTError(.malformed, "\(what): basket holds \(p.data.count) bytes, \(p.entryCount) entries need \(need)")
        }
        return p.data[0..<need]
    }

    private static func decodeJagged(_ p: BasketPayload, codec: ElementCodec, header: Int, what: String) throws -> Piece {
        guard let offsets = p.entryOffsets, offsets.count == p.entryCount + 1 else {
            throw ROOTError(.malformed, "\(what): variable-length basket without entry offsets")
        }
        // Offsets must lie inside the data; the loop below then checks they increase by at least `header`.
        guard offsets[0] >= 0, offsets[p.entryCount] <= p.data.count else {
            throw ROOTError(.malformed, "\(what): entry offsets \(offsets[0])..<\(offsets[p.entryCount]) outside the basket's \(p.data.count) bytes")
        }
        if codec == .objectBits { return try decodeObjectBits(p, offsets: offsets, what: what) }
        let size = codec.storedSize
        var counts = [Int](repeating: 0, count: p.entryCount)
        var total = 0
        for e in 0..<p.entryCount {
            let len = offsets[e + 1] - offsets[e] - header
            guard len >= 0, len % size == 0 else {
                throw ROOTError(.malformed, "\(what): entry \(e) has \(len + header) bytes, not a whole number of \(size)-byte items")
            }
            counts[e] = len / size
            total += counts[e]
        }
        if header == 0 {
            let bytes = p.data[offsets[0]..<offsets[p.entryCount]]
            return Piece(content: try convert(bytes, codec: codec, count: total), counts: counts, entryCount: p.entryCount)
        }
        var packed = [UInt8]()
        packed.reserveCapacity(total * size)
        for e in 0..<p.entryCount where counts[e] > 0 {
            let start = offsets[e] + header
            if header == 10 {
                // std::vector: byte count, version, then the element count, which must agree.
                let n = Int(UInt32(p.data[start - 4]) << 24 | UInt32(p.data[start - 3]) << 16
                            | UInt32(p.data[start - 2]) << 8 | UInt32(p.data[start - 1]))
                guard n == counts[e] else {
                    throw ROOTError(.malformed, "\(what): entry \(e) declares \(n) items but holds \(counts[e])")
                }
            }
            packed.append(contentsOf: p.data[start..<offsets[e + 1]])
        }
        return Piece(content: try convert(packed[...], codec: codec, count: total), counts: counts, entryCount: p.entryCount)
    }

    /// TObject::fBits of a split collection's objects, entry by entry: each item is a big-endian uint32,
    /// then 2 more bytes (the process id of a referenced object) when bit kIsReferenced (1 << 4) is set.
    private static func decodeObjectBits(_ p: BasketPayload, offsets: [Int], what: String) throws -> Piece {
        var counts = [Int](repeating: 0, count: p.entryCount)
        var values: [UInt32] = []
        values.reserveCapacity((offsets[p.entryCount] - offsets[0]) / 4)
        let d = p.data
        for e in 0..<p.entryCount {
            var at = offsets[e]
            let end = offsets[e + 1]
            guard at <= end else { throw ROOTError(.malformed, "\(what): entry \(e) offsets decrease") }
            while at < end {
                guard end - at >= 4 else {
                    throw ROOTError(.malformed, "\(what): entry \(e) ends inside an fBits item (\(end - at) bytes left)")
                }
                let bits = UInt32(d[at]) << 24 | UInt32(d[at + 1]) << 16 | UInt32(d[at + 2]) << 8 | UInt32(d[at + 3])
                at += bits & (1 << 4) != 0 ? 6 : 4
                guard at <= end else {
                    throw ROOTError(.malformed, "\(what): entry \(e): a referenced object's process id runs past the entry")
                }
                values.append(bits)
                counts[e] += 1
            }
        }
        return Piece(content: .uint32(values), counts: counts, entryCount: p.entryCount)
    }

    /// Big-endian bytes → typed array (bulk copy, then byte swap in place).
    static func convert(_ bytes: ArraySlice<UInt8>, codec: ElementCodec, count: Int) throws -> NumericArray {
        switch codec {
        case .plain(let t):
            // One pass: big-endian bytes → a fresh typed array (bools normalised to 0/1).
            let n = count * t.byteWidth
            precondition(n <= bytes.count)
            return try bytes.withUnsafeBytes { src in
                try BulkBytes.withUninitializedArrays([(t, count)]) { out in
                    BulkBytes.copySwapped(UnsafeRawBufferPointer(rebasing: src[0..<n]), into: out[0], elementSize: t.byteWidth)
                    if t == .bool { BulkBytes.normaliseBools(out[0]) }
                }[0]
            }
        case .float32AsFloat64:
            return .float64(swapped(bytes, count, UInt32.self).map { Double(Float(bitPattern: $0)) })
        case .objectBits:
            return .uint32(swapped(bytes, count, UInt32.self))
        case let .scaled(low, high, bits, output):
            let raw = swapped(bytes, count, UInt32.self)
            if output == .float32 {
                let scale = Float((high - low) / Double(UInt64(1) << bits)), lo = Float(low)
                return .float32(raw.map { Float($0) * scale + lo })
            }
            let scale = (high - low) / Double(UInt64(1) << bits)
            return .float64(raw.map { Double($0) * scale + low })
        case let .truncated(bits, output):
            var out = [Float](repeating: 0, count: count)
            let base = bytes.startIndex
            for i in 0..<count {
                let exponent = Int32(bytes[base + 3 * i])
                let mantissa = Int32(bytes[base + 3 * i + 1]) << 8 | Int32(bytes[base + 3 * i + 2])
                var v = exponent << 23
                v |= (mantissa & ((1 << (bits + 1)) - 1)) << (23 - bits)
                let sign: Float = (mantissa & (1 << (bits + 1))) != 0 ? -1 : 1
                out[i] = Float(bitPattern: UInt32(bitPattern: v)) * sign
            }
            return output == .float32 ? .float32(out) : .float64(out.map(Double.init))
        }
    }

    /// Copies `count` big-endian integers out of `bytes` and converts them to host order.
    @inline(__always)
    static func swapped<T: FixedWidthInteger>(_ bytes: ArraySlice<UInt8>, _ count: Int, _: T.Type) -> [T] {
        var out = [T](repeating: 0, count: count)
        let n = count * MemoryLayout<T>.size
        precondition(n <= bytes.count)
        out.withUnsafeMutableBytes { dst in
            bytes.withUnsafeBytes { src in dst.copyMemory(from: UnsafeRawBufferPointer(rebasing: src[0..<n])) }
        }
        if MemoryLayout<T>.size > 1 {
            for i in 0..<count { out[i] = T(bigEndian: out[i]) }
        }
        return out
    }
}
