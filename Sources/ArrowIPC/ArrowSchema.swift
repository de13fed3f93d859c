import Columnar

/// Arrow's Schema.fbs / Message.fbs / File.fbs, as far as we use them.
///
/// | table         | fields (index: name type)                                                        |
/// |---------------|-----------------------------------------------------------------------------------|
/// | Message       | 0 version i16 (V5=4), 1 header_type u8 (Schema=1, RecordBatch=3), 2 header, 3 bodyLength i64, 4 custom_metadata |
/// | Schema        | 0 endianness i16 (Little=0), 1 fields [Field], 2 custom_metadata [KeyValue], 3 features [i64] |
/// | Field         | 0 name str, 1 nullable bool, 2 type_type u8, 3 type table, 4 dictionary, 5 children [Field], 6 custom_metadata |
/// | KeyValue      | 0 key str, 1 value str                                                            |
/// | Int           | 0 bitWidth i32, 1 is_signed bool                                                  |
/// | FloatingPoint | 0 precision i16 (HALF=0, SINGLE=1, DOUBLE=2)                                      |
/// | FixedSizeList | 0 listSize i32                                                                    |
/// | Bool, List, LargeList | (no fields)                                                               |
/// | RecordBatch   | 0 length i64, 1 nodes [FieldNode{length i64, null_count i64}], 2 buffers [Buffer{offset i64, length i64}], 3 compression |
/// | Footer        | 0 version i16, 1 schema, 2 dictionaries [Block], 3 recordBatches [Block{offset i64, metaDataLength i32, pad, bodyLength i64}], 4 custom_metadata |
enum ArrowTypeID: UInt8 {
    case none = 0, null, int, floatingPoint, binary, utf8, bool, decimal, date, time, timestamp, interval,
         list, structType, union, fixedSizeBinary, fixedSizeList, map, duration, largeBinary, largeUtf8,
         largeList, runEndEncoded, binaryView, utf8View, listView, largeListView

    var name: String {
        switch self {
        case .none: return "NONE"
        case .null: return "Null"
        case .int: return "Int"
        case .floatingPoint: return "FloatingPoint"
        case .binary: return "Binary"
        case .utf8: return "Utf8 (string)"
        case .bool: return "Bool"
        case .decimal: return "Decimal"
        case .date: return "Date"
        case .time: return "Time"
        case .timestamp: return "Timestamp"
        case .interval: return "Interval"
        case .list: return "List"
        case .structType: return "Struct"
        case .union: return "Union"
        case .fixedSizeBinary: return "FixedSizeBinary"
        case .fixedSizeList: return "FixedSizeList"
        case .map: return "Map"
        case .duration: return "Duration"
        case .largeBinary: return "LargeBinary"
        case .largeUtf8: return "LargeUtf8 (string)"
        case .largeList: return "LargeList"
        case .runEndEncoded: return "RunEndEncoded"
        case .binaryView: return "BinaryView"
        case .utf8View: return "Utf8View"
        case .listView: return "ListView"
        case .largeListView: return "LargeListView"
        }
    }
}

/// The Arrow types we map onto Columns.
indirect enum ArrowType: Equatable {
    case primitive(DType)
    case list(ArrowField)
    case largeList(ArrowField)
    case fixedSizeList(ArrowField, size: Int)
}

/// A schema field: name, type, children are inside the type.
struct ArrowField: Equatable {
    var name: String
    var nullable: Bool
    var type: ArrowType
}

/// Arrow metadata version V5.
let arrowMetadataVersion: Int16 = 4

enum MessageHeaderType: UInt8 {
    case schema = 1, dictionaryBatch = 2, recordBatch = 3
}

// MARK: - Encoding

extension ArrowField {
    /// The FlatBuffer Field table for this field.
    func flatBuffer() -> FlatBufferBuilder.Table {
        typealias T = FlatBufferBuilder.Table
        let typeID: ArrowTypeID
        let typeTable: T
        var children: [T] = []
        switch type {
        case .primitive(let d):
            switch d {
            case .bool:
                typeID = .bool; typeTable = T()
            case .float32, .float64:
                typeID = .floatingPoint
                typeTable = T([(0, .int16(d == .float32 ? 1 : 2))])
            default:
                typeID = .int
                let signed = [.int8, .int16, .int32, .int64].contains(d)
                typeTable = T([(0, .int32(Int32(d.byteWidth * 8))), (1, .bool(signed))])
            }
        case .list(let child):
            typeID = .list; typeTable = T(); children = [child.flatBuffer()]
        case .largeList(let child):
            typeID = .largeList; typeTable = T(); children = [child.flatBuffer()]
        case .fixedSizeList(let child, let size):
            typeID = .fixedSizeList; typeTable = T([(0, .int32(Int32(size)))]); children = [child.flatBuffer()]
        }
        return T([
            (0, .object(.string(name))),
            (1, .bool(nullable)),
            (2, .uint8(typeID.rawValue)),
            (3, .object(.table(typeTable))),
            (5, .object(.tables(children))),
        ])
    }
}

/// KeyValue tables for custom metadata, sorted by key so files are reproducible.
func keyValueTables(_ metadata: [String: String]) -> [FlatBufferBuilder.Table] {
    metadata.keys.sorted().map { k in
        FlatBufferBuilder.Table([(0, .object(.string(k))), (1, .object(.string(metadata[k]!)))])
    }
}

/// The Schema table.
func schemaTable(fields: [ArrowField], metadata: [String: String]) -> FlatBufferBuilder.Table {
    FlatBufferBuilder.Table([
        (0, .int16(0)),
        (1, .object(.tables(fields.map { $0.flatBuffer() }))),
        (2, metadata.isEmpty ? nil : .object(.tables(keyValueTables(metadata)))),
    ])
}

// MARK: - Decoding

/// Decoded schema: fields plus custom metadata.
struct DecodedSchema {
    var fields: [ArrowField]
    var metadata: [String: String]
}

/// One schema field as a record batch lays it out, whether or not we can decode it.
struct SchemaEntry {
    var name: String
    /// The field, when we map it onto a Column.
    var field: ArrowField?
    /// Why we cannot read it (nil when `field` is set).
    var error: ArrowError?
    /// Field nodes and buffers it occupies in every record batch (depth-first), nil when that is not
    /// fixed by the schema (view types, whose buffer counts vary per batch).
    var span: (nodes: Int, buffers: Int)?
}

/// Every field of the schema, readable or not, in order, plus the custom metadata.
func decodeSchemaEntries(_ schema: FlatBufferReader.Table) throws -> (entries: [SchemaEntry], metadata: [String: String]) {
    let endianness = try schema.scalar(0, default: Int16(0), "Schema.endianness")
    if endianness != 0 {
        throw ArrowError.unsupportedFeature(field: nil, feature: "big-endian data",
                                            offset: schema.reader.fileOffset + schema.position)
    }
    let entries = try schema.tables(1, "Schema.fields").enumerated().map { i, f -> SchemaEntry in
        let name = try f.string(0, "Field.name") ?? "#\(i)"
        let span = try fieldSpan(f, depth: 0)
        do {
            let field = try decodeField(f, fallbackName: "#\(i)", depth: 0)
            _ = try ArrowFileReader.emptyColumn(for: field)
            return SchemaEntry(name: name, field: field, error: nil, span: span)
        } catch let e as ArrowError {
            return SchemaEntry(name: name, field: nil, error: e, span: span)
        }
    }
    return (entries, try decodeKeyValues(schema, slot: 2))
}

/// (field nodes, buffers) a field of any type occupies in a record batch (Arrow's columnar format, V5),
/// nil for layouts whose buffer count is not fixed by the schema.
///
/// | type                                                   | buffers (+ children)            |
/// |--------------------------------------------------------|---------------------------------|
/// | Null                                                   | 0                               |
/// | Int, FloatingPoint, Bool, Decimal, Date, Time, Timestamp, Interval, Duration, FixedSizeBinary, dictionary indices | 2 |
/// | Binary, Utf8, LargeBinary, LargeUtf8                   | 3                               |
/// | List, LargeList, Map                                   | 2 + child                       |
/// | FixedSizeList, Struct                                  | 1 + children                    |
/// | Union (sparse / dense)                                 | 1 / 2 + children                |
/// | RunEndEncoded                                          | 0 + 2 children                  |
/// | ListView, LargeListView                                | 3 + child                       |
func fieldSpan(_ f: FlatBufferReader.Table, depth: Int) throws -> (nodes: Int, buffers: Int)? {
    guard depth < 32 else { return nil }
    if try f.fieldPosition(4) != nil { return (1, 2) }            // dictionary-encoded: the indices
    let raw = try f.scalar(2, default: UInt8(0), "Field.type_type")
    guard let id = ArrowTypeID(rawValue: raw) else { return nil }
    let own: Int
    switch id {
    case .none, .binaryView, .utf8View: return nil
    case .null, .runEndEncoded: own = 0
    case .int, .floatingPoint, .bool, .decimal, .date, .time, .timestamp, .interval, .duration, .fixedSizeBinary: own = 2
    case .binary, .utf8, .largeBinary, .largeUtf8: own = 3
    case .list, .largeList, .map: own = 2
    case .fixedSizeList, .structType: own = 1
    case .listView, .largeListView: own = 3
    case .union:
        let mode = try f.table(3, "Field.type")?.scalar(0, default: Int16(0), "Union.mode") ?? 0
        own = mode == 1 ? 2 : 1
    }
    var span = (nodes: 1, buffers: own)
    for child in try f.tables(5, "Field.children") {
        guard let s = try fieldSpan(child, depth: depth + 1) else { return nil }
        span.nodes += s.nodes
        span.buffers += s.buffers
    }
    return span
}

func decodeKeyValues(_ table: FlatBufferReader.Table, slot: Int) throws -> [String: String] {
    var out: [String: String] = [:]
    for kv in try table.tables(slot, "custom_metadata") {
        let k = try kv.string(0, "metadata key") ?? ""
        out[k] = try kv.string(1, "metadata value") ?? ""
    }
    return out
}

func decodeSchema(_ schema: FlatBufferReader.Table) throws -> DecodedSchema {
    let endianness = try schema.scalar(0, default: Int16(0), "Schema.endianness")
    if endianness != 0 {
        throw ArrowError.unsupportedFeature(field: nil, feature: "big-endian data",
                                            offset: schema.reader.fileOffset + schema.position)
    }
    let fields = try schema.tables(1, "Schema.fields").enumerated().map { i, f in
        try decodeField(f, fallbackName: "#\(i)", depth: 0)
    }
    return DecodedSchema(fields: fields, metadata: try decodeKeyValues(schema, slot: 2))
}

func decodeField(_ f: FlatBufferReader.Table, fallbackName: String, depth: Int) throws -> ArrowField {
    let at = f.reader.fileOffset + f.position
    let name = try f.string(0, "Field.name") ?? fallbackName
    guard depth < 32 else { throw ArrowError.unsupportedType(field: name, type: "nesting deeper than 32 levels") }
    let nullable = try f.bool(1, default: false, "Field.nullable")
    let rawType = try f.scalar(2, default: UInt8(0), "Field.type_type")
    if try f.fieldPosition(4) != nil {
        throw ArrowError.unsupportedFeature(field: name, feature: "dictionary encoding (a pandas Categorical? store its codes: df[c] = df[c].cat.codes)", offset: at)
    }
    guard let typeID = ArrowTypeID(rawValue: rawType) else {
        throw ArrowError.unsupportedType(field: name, type: "unknown type id \(rawType)")
    }
    let typeTable = try f.table(3, "Field.type")
    let children = try f.tables(5, "Field.children")
    func onlyChild() throws -> ArrowField {
        guard children.count == 1 else {
            throw ArrowError.invalidMetadata(what: "Field '\(name)'", offset: at,
                                             reason: "\(typeID.name) needs 1 child field, has \(children.count)")
        }
        return try decodeField(children[0], fallbackName: "\(name).item", depth: depth + 1)
    }
    let type: ArrowType
    switch typeID {
    case .bool:
        type = .primitive(.bool)
    case .int:
        let bits = try typeTable?.scalar(0, default: Int32(0), "Int.bitWidth") ?? 0
        let signed = try typeTable?.bool(1, default: false, "Int.is_signed") ?? false
        let map: [Int32: (DType, DType)] = [8: (.int8, .uint8), 16: (.int16, .uint16), 32: (.int32, .uint32), 64: (.int64, .uint64)]
        guard let pair = map[bits] else { throw ArrowError.unsupportedType(field: name, type: "Int(bitWidth: \(bits))") }
        type = .primitive(signed ? pair.0 : pair.1)
    case .floatingPoint:
        let precision = try typeTable?.scalar(0, default: Int16(0), "FloatingPoint.precision") ?? 0
        switch precision {
        case 1: type = .primitive(.float32)
        case 2: type = .primitive(.float64)
        default: throw ArrowError.unsupportedType(field: name, type: precision == 0 ? "FloatingPoint(HALF)" : "FloatingPoint(\(precision))")
        }
    case .list:
        type = .list(try onlyChild())
    case .largeList:
        type = .largeList(try onlyChild())
    case .fixedSizeList:
        let size = try typeTable?.scalar(0, default: Int32(0), "FixedSizeList.listSize") ?? 0
        guard size >= 0 else {
            throw ArrowError.invalidMetadata(what: "Field '\(name)'", offset: at, reason: "negative listSize \(size)")
        }
        type = .fixedSizeList(try onlyChild(), size: Int(size))
    default:
        throw ArrowError.unsupportedType(field: name, type: typeID.name)
    }
    return ArrowField(name: name, nullable: nullable, type: type)
}
