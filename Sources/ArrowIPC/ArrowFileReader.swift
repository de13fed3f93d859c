#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Columnar

/// Reads Arrow IPC files (Feather v2) written by `ArrowFileWriter` or by pyarrow / pandas with the types we
/// map: Bool, Int 8–64 (signed/unsigned), Float32/64, List / LargeList of those, and (nested) FixedSizeList.
///
/// | bytes                         | content                                                   |
/// |-------------------------------|-----------------------------------------------------------|
/// | 0 ..< 6                       | "ARROW1" (+ 2 bytes padding)                              |
/// | 8 ..< footerStart             | stream: encapsulated messages (0xFFFFFFFF, int32 size, flatbuffer, body) |
/// | footerStart ..< size − 10     | Footer flatbuffer: schema, record batch Blocks (offset, metaDataLength, bodyLength) |
/// | size − 10 ..< size − 6        | int32 footer size                                         |
/// | size − 6 ..< size             | "ARROW1"                                                  |
///
/// Compressed bodies, dictionary-encoded fields, null values, big-endian files and other types raise
/// `ArrowError` naming the field; every read is bounds-checked, so a truncated or corrupt file raises an
/// error with a byte offset instead of trapping.
public enum ArrowFileReader {
    /// Reads the file at `path`: all record batches concatenated into one table, plus the schema's metadata.
    public static func read(path: String) throws -> (table: EventTable, metadata: [String: String]) {
        let r = try read(path: path, skippingUnreadable: false)
        return (r.table, r.metadata)
    }

    /// Reads the file at `path`; with `skippingUnreadable`, columns we cannot map onto a Column (strings,
    /// pandas categoricals, timestamps, ...) are left out instead of failing the read, as a ROOT read keeps
    /// only numeric branches. `skipped`: column name → why it was left out.
    public static func read(path: String, skippingUnreadable: Bool) throws
        -> (table: EventTable, metadata: [String: String], skipped: [String: String]) {
        try withMappedFile(path: path) { try read(bytes: $0, skippingUnreadable: skippingUnreadable) }
    }

    /// Calls `body` with the file's bytes, memory-mapped read-only (empty for an empty file).
    static func withMappedFile<R>(path: String, _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw ArrowError.io(path: path, operation: "open", reason: AtomicFileWriter.errnoText()) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw ArrowError.io(path: path, operation: "stat", reason: AtomicFileWriter.errnoText()) }
        let size = Int(st.st_size)
        guard size > 0 else { return try body(UnsafeRawBufferPointer(start: nil, count: 0)) }
        guard let map = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), map != MAP_FAILED else {
            throw ArrowError.io(path: path, operation: "map", reason: AtomicFileWriter.errnoText())
        }
        defer { munmap(map, size) }
        return try body(UnsafeRawBufferPointer(start: map, count: size))
    }

    /// Reads an Arrow IPC file held in memory.
    public static func read(bytes: [UInt8]) throws -> (table: EventTable, metadata: [String: String]) {
        try bytes.withUnsafeBytes { try read(bytes: $0) }
    }

    /// Reads an Arrow IPC file held in memory (the bytes are only borrowed during the call).
    public static func read(bytes file: UnsafeRawBufferPointer) throws -> (table: EventTable, metadata: [String: String]) {
        let r = try read(bytes: file, skippingUnreadable: false)
        return (r.table, r.metadata)
    }

    /// Reads an Arrow IPC file held in memory, optionally leaving out the columns we cannot read.
    public static func read(bytes file: UnsafeRawBufferPointer, skippingUnreadable: Bool) throws
        -> (table: EventTable, metadata: [String: String], skipped: [String: String]) {
        let size = file.count
        let magic = Array("ARROW1".utf8)
        guard size >= 8 + 4 + 6 else { throw ArrowError.truncated(what: "Arrow file", offset: 0, needed: 18, available: size) }
        guard file[0..<6].elementsEqual(magic) else { throw ArrowError.badMagic(offset: 0) }
        guard file[(size - 6)..<size].elementsEqual(magic) else { throw ArrowError.badMagic(offset: size - 6) }
        let footerSize = Int(file.loadLE(size - 10, as: Int32.self))
        let footerStart = size - 10 - footerSize
        guard footerSize > 0, footerStart >= 8 else {
            throw ArrowError.invalidMetadata(what: "footer size", offset: size - 10,
                                             reason: "\(footerSize) does not fit in a \(size)-byte file")
        }
        let footer = try FlatBufferReader(bytes: Array(file[footerStart..<(size - 10)]), fileOffset: footerStart,
                                          what: "Footer").root()
        guard let schemaTable = try footer.table(1, "Footer.schema") else {
            throw ArrowError.invalidMetadata(what: "Footer", offset: footerStart, reason: "no schema")
        }
        let (entries, metadata) = try decodeSchemaEntries(schemaTable)
        var skipped: [String: String] = [:]
        var seen = Set<String>()
        for e in entries {
            if let error = e.error {
                guard skippingUnreadable, e.span != nil else { throw error }
                skipped[e.name] = "\(error)"
                continue
            }
            guard seen.insert(e.name).inserted else {
                throw ArrowError.unsupportedFeature(field: e.name, feature: "duplicate column name", offset: footerStart)
            }
        }
        if !skippingUnreadable, let (_, n) = try footer.vector(2, elementSize: 24, "Footer.dictionaries"), n > 0 {
            throw ArrowError.unsupportedFeature(field: nil, feature: "dictionary batches (\(n))", offset: footerStart)
        }
        let schema = DecodedSchema(fields: entries.compactMap(\.field), metadata: metadata)
        var perField = [[Column]](repeating: [], count: schema.fields.count)
        var rowCount = 0
        if let (start, count) = try footer.vector(3, elementSize: 24, "Footer.recordBatches") {
            for b in 0..<count {
                let at = start + 24 * b
                let block = BlockLocation(
                    offset: Int(try footer.reader.load(at, as: Int64.self, "Block.offset")),
                    metadataSize: Int(try footer.reader.load(at + 8, as: Int32.self, "Block.metaDataLength")),
                    bodySize: Int(try footer.reader.load(at + 16, as: Int64.self, "Block.bodyLength")),
                    fileOffsetOfBlock: footerStart + at)
                var batch = try RecordBatchDecoder(file: file, block: block, index: b, limit: footerStart)
                var i = 0
                for e in entries {
                    guard let f = e.field else {
                        if let span = e.span { try batch.skip(e.name, nodes: span.nodes, buffers: span.buffers) }
                        continue
                    }
                    perField[i].append(try batch.column(for: f, batchLength: batch.length))
                    i += 1
                }
                let (sum, overflow) = rowCount.addingReportingOverflow(batch.length)
                guard !overflow else {
                    throw ArrowError.invalidMetadata(what: "record batch \(b)", offset: block.offset, reason: "row count overflows")
                }
                rowCount = sum
            }
        }
        var table = EventTable(rowCount: rowCount)
        for (i, f) in schema.fields.enumerated() {
            let parts = perField[i]
            let column: Column?
            if parts.isEmpty { column = try emptyColumn(for: f) }
            else if parts.count == 1 { column = parts[0] }
            else { column = Column.concatenate(parts) }
            guard let column else {
                throw ArrowError.invalidData(field: f.name, batch: 0, offset: footerStart, reason: "record batches disagree on type")
            }
            do { try table.add(f.name, column) } catch {
                throw ArrowError.invalidData(field: f.name, batch: 0, offset: footerStart, reason: "\(error)")
            }
        }
        return (table, schema.metadata, skipped)
    }

    /// A zero-entry column for `field`; throws for fields we cannot map onto a Column.
    static func emptyColumn(for field: ArrowField) throws -> Column {
        switch field.type {
        case .primitive(let d):
            return Column(.empty(d))
        case .list(let child), .largeList(let child):
            guard case .primitive(let d) = child.type else {
                throw ArrowError.unsupportedType(field: field.name, type: "list of \(describe(child.type)) (only lists of numbers)")
            }
            return Column(jagged: .empty(d), offsets: [0])
        case .fixedSizeList:
            var shape: [Int] = []
            var t = field.type
            while case .fixedSizeList(let child, let size) = t { shape.append(size); t = child.type }
            guard case .primitive(let d) = t else {
                throw ArrowError.unsupportedType(field: field.name, type: "fixed-size list of \(describe(t)) (only numbers)")
            }
            guard checkedProduct(shape) != nil else {
                throw ArrowError.unsupportedType(field: field.name, type: "fixed-size list of shape \(shape) (more than 2^31 values per entry)")
            }
            return Column(.empty(d), layout: .fixed(shape: shape))
        }
    }

    static func describe(_ t: ArrowType) -> String {
        switch t {
        case .primitive(let d): return d.rawValue
        case .list(let c): return "list<\(describe(c.type))>"
        case .largeList(let c): return "large_list<\(describe(c.type))>"
        case .fixedSizeList(let c, let n): return "fixed_size_list<\(describe(c.type))>[\(n)]"
        }
    }
}

/// The product of `dims` if it stays within 2^31 (nil otherwise, or for a negative dimension).
func checkedProduct(_ dims: [Int]) -> Int? {
    var p = 1
    for d in dims {
        guard d >= 0 else { return nil }
        let (q, overflow) = p.multipliedReportingOverflow(by: d)
        guard !overflow, q <= Int(Int32.max) else { return nil }
        p = q
    }
    return p
}

/// Where a record batch lives, from the footer.
struct BlockLocation {
    var offset: Int
    var metadataSize: Int
    var bodySize: Int
    var fileOffsetOfBlock: Int
}

extension UnsafeRawBufferPointer {
    /// A little-endian integer at `offset`; the caller has bounds-checked.
    func loadLE<T: FixedWidthInteger>(_ offset: Int, as: T.Type) -> T {
        T(littleEndian: loadUnaligned(fromByteOffset: offset, as: T.self))
    }
}
