import Columnar

/// Writes an `EventTable` as an Arrow IPC file (Feather v2), readable by pyarrow, pandas, polars, R arrow.
///
/// | bytes                       | content                                                            |
/// |-----------------------------|--------------------------------------------------------------------|
/// | 0 ..< 8                     | "ARROW1\0\0"                                                       |
/// | message (Schema)            | 0xFFFFFFFF, int32 metadata size, Message flatbuffer (padded), no body |
/// | message (RecordBatch) × k   | 0xFFFFFFFF, int32 metadata size, Message flatbuffer, body (buffers, each padded to 64) |
/// | 8 bytes                     | end-of-stream marker 0xFFFFFFFF 0x00000000                         |
/// | footer                      | Footer flatbuffer (schema + blocks locating every record batch)    |
/// | 4 + 6 bytes                 | int32 footer size, "ARROW1"                                        |
///
/// Column mapping: flat → primitive field; jagged → List<T> (LargeList<T> when a column's content exceeds
/// Int32.max items); fixed shape [a, b, ...] → FixedSizeList<FixedSizeList<T>[b]>[a]; bool → bit-packed Bool.
/// No validity bitmaps are written (null_count 0); data is little-endian. With `compression` LZ4 or zstd,
/// every non-empty buffer is stored as Arrow's BodyCompression wants it (int64 uncompressed length + frame,
/// or −1 + raw bytes when the frame would not be smaller; see ArrowCompression.swift).
public enum ArrowFileWriter {
    /// Writes `table` to `path` atomically (temporary file + rename), with `metadata` as the schema's
    /// custom key-value metadata, in record batches of at most `rowsPerBatch` rows, each buffer compressed
    /// with `compression` (none by default here; the command line defaults to LZ4, see docs/arrow.md).
    public static func write(_ table: EventTable, to path: String, metadata: [String: String] = [:],
                             rowsPerBatch: Int = 65536, compression: ArrowCompression = .none) throws {
        try write(table, to: path, metadata: metadata, rowsPerBatch: rowsPerBatch, largeListThreshold: Int(Int32.max),
                  compression: compression)
    }

    /// As `write`, with the content size above which jagged columns become LargeList (tests lower it).
    static func write(_ table: EventTable, to path: String, metadata: [String: String], rowsPerBatch: Int,
                      largeListThreshold: Int, compression: ArrowCompression = .none) throws {
        guard rowsPerBatch > 0 else {
            throw ArrowError.cannotWrite(column: "*", reason: "rowsPerBatch must be positive, got \(rowsPerBatch)")
        }
        var columns: [(name: String, column: Column, field: ArrowField)] = []
        for name in table.names {
            let column = try table.column(name)
            columns.append((name, column, try field(for: column, name: name, largeListThreshold: largeListThreshold)))
        }
        let fields = columns.map(\.field)
        try AtomicFileWriter.write(to: path) { out in
            try out.write(Array("ARROW1".utf8) + [0, 0])
            let schemaMessage = FlatBufferBuilder.Table([
                (0, .int16(arrowMetadataVersion)),
                (1, .uint8(MessageHeaderType.schema.rawValue)),
                (2, .object(.table(schemaTable(fields: fields, metadata: metadata)))),
                (3, .int64(0)),
            ])
            _ = try writeMessage(schemaMessage, to: out)

            var blocks: [UInt8] = []
            var batchCount = 0
            var start = 0
            while start < table.rowCount {
                let end = min(table.rowCount, start + rowsPerBatch)
                var nodes: [(length: Int, nulls: Int)] = []
                var parts: [BodyPart] = []
                for c in columns {
                    collect(c.column, field: c.field, rows: start..<end, nodes: &nodes, parts: &parts)
                }
                let offset = out.bytesWritten
                if compression != .none { parts = try compressed(parts, with: compression) }
                let (metaSize, bodySize) = try writeRecordBatch(rows: end - start, nodes: nodes, parts: parts,
                                                                compression: compression, to: out)
                appendLE(Int64(offset), to: &blocks)
                appendLE(Int32(metaSize), to: &blocks)
                appendLE(Int32(0), to: &blocks)
                appendLE(Int64(bodySize), to: &blocks)
                batchCount += 1
                start = end
            }
            try out.write([0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0])

            let footer = FlatBufferBuilder.Table([
                (0, .int16(arrowMetadataVersion)),
                (1, .object(.table(schemaTable(fields: fields, metadata: metadata)))),
                (2, .object(.structs(bytes: [], count: 0, alignment: 8))),
                (3, .object(.structs(bytes: blocks, count: batchCount, alignment: 8))),
            ])
            let footerBytes = FlatBufferBuilder.serialize(root: footer)
            try out.write(footerBytes)
            var tail: [UInt8] = []
            appendLE(Int32(footerBytes.count), to: &tail)
            tail += Array("ARROW1".utf8)
            try out.write(tail)
        }
    }

    // MARK: - Schema

    /// The Arrow field a column is written as.
    static func field(for column: Column, name: String, largeListThreshold: Int) throws -> ArrowField {
        do { try column.validate(name: name) } catch {
            throw ArrowError.cannotWrite(column: name, reason: "\(error)")
        }
        let leaf = ArrowType.primitive(column.dtype)
        switch column.layout {
        case .flat:
            return ArrowField(name: name, nullable: true, type: leaf)
        case .jagged:
            let item = ArrowField(name: "item", nullable: true, type: leaf)
            let large = column.content.count > largeListThreshold
            return ArrowField(name: name, nullable: true, type: large ? .largeList(item) : .list(item))
        case .fixed(let shape):
            guard shape.allSatisfy({ $0 >= 0 && $0 <= Int(Int32.max) }) else {
                throw ArrowError.cannotWrite(column: name, reason: "fixed shape \(shape) has a negative or too large dimension")
            }
            var type = leaf
            for dim in shape.reversed() {
                type = .fixedSizeList(ArrowField(name: "item", nullable: true, type: type), size: dim)
            }
            return ArrowField(name: name, nullable: true, type: type)
        }
    }

    // MARK: - Record batches

    /// One buffer of a record batch body.
    enum BodyPart {
        /// An omitted buffer (validity bitmap): length 0.
        case empty
        /// Bytes computed here (offsets, bit-packed bools).
        case bytes([UInt8])
        /// Elements `range` of a non-bool content array, copied straight from its memory.
        case content(NumericArray, Range<Int>)

        var byteCount: Int {
            switch self {
            case .empty: return 0
            case .bytes(let b): return b.count
            case .content(let a, let r): return r.count * a.dtype.byteWidth
            }
        }
    }

    /// Appends the field nodes and buffers of `rows` of `column` (depth-first, Arrow's order).
    static func collect(_ column: Column, field: ArrowField, rows: Range<Int>,
                        nodes: inout [(length: Int, nulls: Int)], parts: inout [BodyPart]) {
        let n = rows.count
        switch column.layout {
        case .flat:
            nodes.append((n, 0))
            parts += [.empty, data(column.content, rows)]
        case .jagged(let offsets):
            let lo = offsets[rows.lowerBound], hi = offsets[rows.upperBound]
            var bytes: [UInt8] = []
            if case .largeList = field.type {
                bytes.reserveCapacity(8 * (n + 1))
                for o in offsets[rows.lowerBound...rows.upperBound] { appendLE(Int64(o - lo), to: &bytes) }
            } else {
                bytes.reserveCapacity(4 * (n + 1))
                for o in offsets[rows.lowerBound...rows.upperBound] { appendLE(Int32(truncatingIfNeeded: o - lo), to: &bytes) }
            }
            nodes.append((n, 0))
            parts += [.empty, .bytes(bytes)]
            nodes.append((hi - lo, 0))
            parts += [.empty, data(column.content, lo..<hi)]
        case .fixed(let shape):
            var length = n
            for dim in shape {
                nodes.append((length, 0))
                parts.append(.empty)
                length *= dim
            }
            let w = column.fixedWidth
            nodes.append((length, 0))
            parts += [.empty, data(column.content, rows.lowerBound * w ..< rows.upperBound * w)]
        }
    }

    /// The data buffer for elements `range`: bools bit-packed (LSB first), everything else by reference.
    static func data(_ content: NumericArray, _ range: Range<Int>) -> BodyPart {
        guard case .bool(let values) = content else { return .content(content, range) }
        var bits = [UInt8](repeating: 0, count: (range.count + 7) / 8)
        var k = 0
        for i in range {
            if values[i] { bits[k >> 3] |= UInt8(1) << UInt8(k & 7) }
            k += 1
        }
        return .bytes(bits)
    }

    static func padded(_ n: Int, to a: Int = 64) -> Int { (n + a - 1) / a * a }

    /// Writes one RecordBatch message and its body; returns (metadata size incl. prefix, body size).
    static func writeRecordBatch(rows: Int, nodes: [(length: Int, nulls: Int)], parts: [BodyPart],
                                 compression: ArrowCompression = .none, to out: AtomicFileWriter) throws -> (Int, Int) {
        var nodeBytes: [UInt8] = [], bufferBytes: [UInt8] = []
        nodeBytes.reserveCapacity(16 * nodes.count)
        bufferBytes.reserveCapacity(16 * parts.count)
        for node in nodes { appendLE(Int64(node.length), to: &nodeBytes); appendLE(Int64(node.nulls), to: &nodeBytes) }
        var offset = 0
        for p in parts {
            appendLE(Int64(offset), to: &bufferBytes)
            appendLE(Int64(p.byteCount), to: &bufferBytes)
            offset += padded(p.byteCount)
        }
        let bodySize = offset
        let batch = FlatBufferBuilder.Table([
            (0, .int64(Int64(rows))),
            (1, .object(.structs(bytes: nodeBytes, count: nodes.count, alignment: 8))),
            (2, .object(.structs(bytes: bufferBytes, count: parts.count, alignment: 8))),
            (3, compression.codecID.map { .object(.table(FlatBufferBuilder.Table([(0, .uint8(UInt8(bitPattern: $0))), (1, .uint8(0))]))) }),
        ])
        let message = FlatBufferBuilder.Table([
            (0, .int16(arrowMetadataVersion)),
            (1, .uint8(MessageHeaderType.recordBatch.rawValue)),
            (2, .object(.table(batch))),
            (3, .int64(Int64(bodySize))),
        ])
        let metaSize = try writeMessage(message, to: out)
        for p in parts {
            switch p {
            case .empty: break
            case .bytes(let b): try out.write(b)
            case .content(let a, let r): try withRawBytes(a, r) { try out.write($0) }
            }
            try out.writeZeros(padded(p.byteCount) - p.byteCount)
        }
        return (metaSize, bodySize)
    }

    /// The body parts in Arrow's compressed form (each buffer compressed on its own; empty ones stay empty).
    static func compressed(_ parts: [BodyPart], with compression: ArrowCompression) throws -> [BodyPart] {
        try parts.map { part in
            switch part {
            case .empty: return .empty
            case .bytes(let b): return .bytes(try b.withUnsafeBytes { try compression.compress($0) })
            case .content(let a, let r):
                var out: [UInt8] = []
                try withRawBytes(a, r) { out = try compression.compress($0) }
                return .bytes(out)
            }
        }
    }

    /// Writes the encapsulated message prefix and metadata, padded so the body starts 64-byte aligned.
    /// Returns the metadata size including the 8-byte prefix.
    static func writeMessage(_ message: FlatBufferBuilder.Table, to out: AtomicFileWriter) throws -> Int {
        var meta = FlatBufferBuilder.serialize(root: message, paddingTo: 8)
        while (out.bytesWritten + 8 + meta.count) % 64 != 0 { meta += [0, 0, 0, 0, 0, 0, 0, 0] }
        var prefix: [UInt8] = [0xFF, 0xFF, 0xFF, 0xFF]
        appendLE(Int32(meta.count), to: &prefix)
        try out.write(prefix)
        try out.write(meta)
        return 8 + meta.count
    }

    /// Calls `body` with the raw little-endian bytes of elements `range` (no copy).
    static func withRawBytes(_ a: NumericArray, _ range: Range<Int>, _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        func go<T>(_ values: [T]) throws {
            let w = MemoryLayout<T>.stride
            try values.withUnsafeBytes { raw in
                try body(UnsafeRawBufferPointer(rebasing: raw[(range.lowerBound * w)..<(range.upperBound * w)]))
            }
        }
        switch a {
        case .bool(let v): try go(v)
        case .int8(let v): try go(v)
        case .int16(let v): try go(v)
        case .int32(let v): try go(v)
        case .int64(let v): try go(v)
        case .uint8(let v): try go(v)
        case .uint16(let v): try go(v)
        case .uint32(let v): try go(v)
        case .uint64(let v): try go(v)
        case .float32(let v): try go(v)
        case .float64(let v): try go(v)
        }
    }
}

/// Appends a little-endian integer.
@inline(__always)
func appendLE<T: FixedWidthInteger>(_ v: T, to bytes: inout [UInt8]) {
    withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) }
}
