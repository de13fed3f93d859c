/// What `conservattack inspect` shows for an Arrow IPC / Feather v2 file: the schema (every field with its
/// type and nullability, including types our reader refuses), rows, record batches, body compression and
/// the schema's custom metadata. Reads metadata only (footer and record batch messages), bounds-checked.
///
/// | source            | facts                                                                   |
/// |-------------------|-------------------------------------------------------------------------|
/// | Footer.schema     | fields (name, nullable, type id + type table + children, dictionary)    |
/// | Footer.dictionaries | number of dictionary batches                                          |
/// | Footer.recordBatches → Message.RecordBatch | length (rows), compression.codec      |
public struct ArrowFileSummary: Equatable, Sendable {
    /// One schema field as Arrow describes it.
    public struct Field: Equatable, Sendable {
        public var name: String
        /// Arrow's spelling: `double`, `int32`, `list<float>`, `large_list<int64>`, `fixed_size_list<double>[3]`,
        /// `dictionary<values=utf8, indices=int8>`, `string`, ...
        public var type: String
        public var nullable: Bool
        /// Nil when our reader maps the field onto a column; otherwise why it refuses it.
        public var unreadable: String?
    }

    public var fields: [Field]
    public var rows: Int
    public var recordBatches: Int
    public var dictionaryBatches: Int
    /// Codec per record batch ("none", "LZ4_FRAME", "ZSTD").
    public var compression: [String]
    public var metadata: [String: String]
    public var fileSize: Int

    /// Reads the summary of the Arrow file at `path` (memory-mapped: only the metadata pages are touched).
    public init(path: String) throws {
        self = try ArrowFileReader.withMappedFile(path: path) { try ArrowFileSummary(bytes: $0) }
    }

    /// Reads the summary of an Arrow file held in memory.
    public init(bytes: [UInt8]) throws {
        self = try bytes.withUnsafeBytes { try ArrowFileSummary(bytes: $0) }
    }

    /// Reads the summary of an Arrow file held in memory (borrowed during the call).
    public init(bytes: UnsafeRawBufferPointer) throws {
        fileSize = bytes.count
        let magic = Array("ARROW1".utf8)
        guard bytes.count >= 18 else { throw ArrowError.truncated(what: "Arrow file", offset: 0, needed: 18, available: bytes.count) }
        guard bytes[0..<6].elementsEqual(magic) else { throw ArrowError.badMagic(offset: 0) }
        guard bytes[(bytes.count - 6)...].elementsEqual(magic) else { throw ArrowError.badMagic(offset: bytes.count - 6) }
        var fields: [Field] = [], metadata: [String: String] = [:], rows = 0, batches = 0, dictionaries = 0
        var codecs: [String] = []
        let scan = { () throws -> Void in
            let file = bytes
            let size = file.count
            let footerSize = Int(file.loadLE(size - 10, as: Int32.self))
            let footerStart = size - 10 - footerSize
            guard footerSize > 0, footerStart >= 8 else {
                throw ArrowError.invalidMetadata(what: "footer size", offset: size - 10, reason: "\(footerSize) does not fit in a \(size)-byte file")
            }
            let footer = try FlatBufferReader(bytes: Array(file[footerStart..<(size - 10)]), fileOffset: footerStart,
                                              what: "Footer").root()
            if let schema = try footer.table(1, "Footer.schema") {
                metadata = try decodeKeyValues(schema, slot: 2)
                fields = try schema.tables(1, "Schema.fields").enumerated().map { i, f in
                    let name = try f.string(0, "Field.name") ?? "#\(i)"
                    var unreadable: String? = nil
                    do { _ = try ArrowFileReader.emptyColumn(for: decodeField(f, fallbackName: "#\(i)", depth: 0)) } catch {
                        unreadable = "\(error)"
                    }
                    return Field(name: name, type: try Self.describe(f, depth: 0),
                                 nullable: try f.bool(1, default: false, "Field.nullable"), unreadable: unreadable)
                }
            }
            dictionaries = try footer.vector(2, elementSize: 24, "Footer.dictionaries")?.count ?? 0
            guard let (start, count) = try footer.vector(3, elementSize: 24, "Footer.recordBatches") else { return }
            batches = count
            for b in 0..<count {
                let offset = Int(try footer.reader.load(start + 24 * b, as: Int64.self, "Block.offset"))
                guard offset >= 8, offset <= footerStart - 8 else {
                    throw ArrowError.truncated(what: "record batch \(b) prefix", offset: offset, needed: 8, available: footerStart)
                }
                var metaStart = offset + 4
                var metaSize = Int(file.loadLE(offset, as: Int32.self))
                if file.loadLE(offset, as: UInt32.self) == 0xFFFF_FFFF {
                    metaStart = offset + 8
                    metaSize = Int(file.loadLE(offset + 4, as: Int32.self))
                }
                guard metaSize > 0, metaSize <= footerStart - metaStart else {
                    throw ArrowError.truncated(what: "record batch \(b) metadata", offset: metaStart, needed: metaSize, available: footerStart)
                }
                let message = try FlatBufferReader(bytes: Array(file[metaStart..<(metaStart + metaSize)]), fileOffset: metaStart,
                                                   what: "record batch \(b) Message").root()
                guard let batch = try message.table(2, "Message.header") else { continue }
                let length = try batch.scalar(0, default: Int64(0), "RecordBatch.length")
                guard length >= 0 else {
                    throw ArrowError.invalidMetadata(what: "record batch \(b)", offset: metaStart, reason: "negative length \(length)")
                }
                let (sum, overflow) = rows.addingReportingOverflow(Int(length))
                guard !overflow else { throw ArrowError.invalidMetadata(what: "record batch \(b)", offset: metaStart, reason: "row count overflows") }
                rows = sum
                if let c = try batch.table(3, "RecordBatch.compression") {
                    codecs.append(ArrowCompression.codecName(try c.scalar(0, default: Int8(0), "BodyCompression.codec")))
                } else {
                    codecs.append("none")
                }
            }
        }
        try scan()
        self.fields = fields
        self.metadata = metadata
        self.rows = rows
        self.recordBatches = batches
        self.dictionaryBatches = dictionaries
        self.compression = codecs
    }

    /// Arrow's (pyarrow's) spelling of a field's type, for any type id, without refusing anything.
    static func describe(_ f: FlatBufferReader.Table, depth: Int) throws -> String {
        guard depth < 32 else { return "…" }
        let raw = try f.scalar(2, default: UInt8(0), "Field.type_type")
        let t = try f.table(3, "Field.type")
        let children = try f.tables(5, "Field.children")
        let child = { (i: Int) throws -> String in i < children.count ? try describe(children[i], depth: depth + 1) : "?" }
        var text: String
        switch ArrowTypeID(rawValue: raw) {
        case .int?:
            let bits = try t?.scalar(0, default: Int32(0), "Int.bitWidth") ?? 0
            text = (try t?.bool(1, default: false, "Int.is_signed") ?? false ? "int" : "uint") + "\(bits)"
        case .floatingPoint?:
            let p = try t?.scalar(0, default: Int16(0), "FloatingPoint.precision") ?? 0
            text = p == 0 ? "halffloat" : p == 1 ? "float" : p == 2 ? "double" : "float(precision \(p))"
        case .bool?: text = "bool"
        case .utf8?: text = "string"
        case .largeUtf8?: text = "large_string"
        case .binary?: text = "binary"
        case .largeBinary?: text = "large_binary"
        case .list?: text = "list<\(try child(0))>"
        case .largeList?: text = "large_list<\(try child(0))>"
        case .fixedSizeList?:
            text = "fixed_size_list<\(try child(0))>[\(try t?.scalar(0, default: Int32(0), "FixedSizeList.listSize") ?? 0)]"
        case .structType?:
            text = "struct<" + (try (0..<children.count).map { i in
                "\(try children[i].string(0, "Field.name") ?? "#\(i)"): \(try child(i))" }.joined(separator: ", ")) + ">"
        case let id?: text = id.name
        case nil: text = "type id \(raw)"
        }
        if let dictionary = try f.table(4, "Field.dictionary") {
            var index = "int32"
            if let it = try dictionary.table(1, "DictionaryEncoding.indexType") {
                let bits = try it.scalar(0, default: Int32(0), "Int.bitWidth")
                index = (try it.bool(1, default: false, "Int.is_signed") ? "int" : "uint") + "\(bits)"
            }
            text = "dictionary<values=\(text), indices=\(index)>"
        }
        return text
    }
}
