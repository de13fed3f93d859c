import Columnar
import ROOTCompression

/// One basket ready to be written: compressed object bytes and the TBasket header fields.
///
/// Uncompressed basket object (fObjlen bytes):
/// | bytes            | field                                                                  |
/// |------------------|------------------------------------------------------------------------|
/// | fLast - fKeylen  | big-endian values of the basket's entries                              |
/// | 4                | (jagged only) n = fNevBuf + 1                                           |
/// | 4 n              | (jagged only) entry start offsets measured from the key start, then 0  |
struct EncodedBasket {
    var compressed: [UInt8]
    var objectLength: Int
    var entryCount: Int
    /// Bytes of values (fLast - fKeylen).
    var dataLength: Int
    /// fNevBufSize: bytes per entry for fixed-size branches, offset slots for jagged ones.
    var nevBufSize: Int
    /// Largest count (counters only, for the counter leaf's fMaximum).
    var maxValue: Int
}

enum BasketEncoder {
    /// Encodes entries `rows` of branch `plan` from `table`, then compresses them.
    static func encode(_ plan: BranchPlan, schema: TreeSchema, table: EventTable, rows: Range<Int>, keyLength: Int,
                       compression: CompressionSettings, blockSize: Int) throws -> EncodedBasket {
        var payload: [UInt8]
        var maxValue = 0
        var nevBufSize = plan.dtype.byteWidth * plan.width
        let n = rows.count
        switch plan.kind {
        case .flat, .fixed:
            let col = table[plan.column!]!
            let w = plan.width
            payload = bigEndian(col.content, rows.lowerBound * w ..< rows.upperBound * w, extra: 0)
        case .counter:
            let offsets = try counterOffsets(plan, table: table)
            if let own = plan.column {
                payload = bigEndian(table[own]!.content, rows, extra: 0)
            } else {
                var counts = [Int32](repeating: 0, count: n)
                for i in 0..<n { counts[i] = Int32(truncatingIfNeeded: offsets[rows.lowerBound + i + 1] - offsets[rows.lowerBound + i]) }
                payload = bigEndian(.int32(counts), 0..<n, extra: 0)
            }
            for i in rows { maxValue = max(maxValue, offsets[i + 1] - offsets[i]) }
        case .jagged:
            let col = table[plan.column!]!
            guard case .jagged(let offsets) = col.layout else { preconditionFailure("schema checked the layout") }
            let lo = offsets[rows.lowerBound], hi = offsets[rows.upperBound]
            let size = plan.dtype.byteWidth
            let dataLength = (hi - lo) * size
            payload = bigEndian(col.content, lo..<hi, extra: 4 * (n + 2))
            payload.withUnsafeMutableBytes { p in
                var at = dataLength
                func put(_ v: Int32) { p.storeBytes(of: v.bigEndian, toByteOffset: at, as: Int32.self); at += 4 }
                put(Int32(n + 1))
                for i in rows { put(Int32(truncatingIfNeeded: keyLength + (offsets[i] - lo) * size)) }
                put(0)
            }
            nevBufSize = n + 1
            let compressed = try ROOTCompressor.compress(payload, settings: compression, blockSize: blockSize)
            return EncodedBasket(compressed: compressed, objectLength: payload.count, entryCount: n, dataLength: dataLength,
                                 nevBufSize: nevBufSize, maxValue: 0)
        }
        let compressed = try ROOTCompressor.compress(payload, settings: compression, blockSize: blockSize)
        return EncodedBasket(compressed: compressed, objectLength: payload.count, entryCount: n, dataLength: payload.count,
                             nevBufSize: nevBufSize, maxValue: maxValue)
    }

    /// The offsets that define a counter's counts (its first member's).
    static func counterOffsets(_ plan: BranchPlan, table: EventTable) throws -> [Int] {
        guard let m = plan.members.first, case .jagged(let o)? = table[m]?.layout else {
            return Array(0...table.rowCount)
        }
        return o
    }

    /// `content[range]` as big-endian bytes, followed by `extra` zero bytes.
    static func bigEndian(_ content: NumericArray, _ range: Range<Int>, extra: Int) -> [UInt8] {
        switch content {
        case .bool(let a): return bytes(a, range, extra) { $0 ? 1 : 0 as UInt8 }
        case .int8(let a): return bytes(a, range, extra) { UInt8(bitPattern: $0) }
        case .uint8(let a): return bytes(a, range, extra) { $0 }
        case .int16(let a): return bytes(a, range, extra) { $0.bigEndian }
        case .uint16(let a): return bytes(a, range, extra) { $0.bigEndian }
        case .int32(let a): return bytes(a, range, extra) { $0.bigEndian }
        case .uint32(let a): return bytes(a, range, extra) { $0.bigEndian }
        case .int64(let a): return bytes(a, range, extra) { $0.bigEndian }
        case .uint64(let a): return bytes(a, range, extra) { $0.bigEndian }
        case .float32(let a): return bytes(a, range, extra) { $0.bitPattern.bigEndian }
        case .float64(let a): return bytes(a, range, extra) { $0.bitPattern.bigEndian }
        }
    }

    @inline(__always)
    private static func bytes<T, U>(_ a: [T], _ range: Range<Int>, _ extra: Int, _ f: (T) -> U) -> [UInt8] {
        let w = MemoryLayout<U>.size
        let n = range.count
        return [UInt8](unsafeUninitializedCapacity: n * w + extra) { buf, initialized in
            let raw = UnsafeMutableRawBufferPointer(buf)
            a.withUnsafeBufferPointer { src in
                var at = 0
                for i in range {
                    raw.storeBytes(of: f(src[i]), toByteOffset: at, as: U.self)
                    at += w
                }
            }
            if extra > 0 { raw.baseAddress!.advanced(by: n * w).initializeMemory(as: UInt8.self, repeating: 0, count: extra) }
            initialized = n * w + extra
        }
    }
}
