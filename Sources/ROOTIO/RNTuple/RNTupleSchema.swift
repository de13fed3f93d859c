/// The RNTuple schema description: fields, columns, alias columns (header, then footer extension).
///
/// Field record frame (little-endian):
/// | UInt32 field version | UInt32 type version | UInt32 parent field ID | UInt16 structural role | UInt16 flags |
/// | string name | string type name | string type alias | string description |
/// | UInt64 array size (flag 0x01) | UInt32 source field ID (flag 0x02) | UInt32 type checksum (flag 0x04) |
///
/// Column record frame:
/// | UInt16 type | UInt16 bits on storage | UInt32 field ID | UInt16 flags | UInt16 representation index |
/// | Int64 first element index (flag 0x01) | Double min, Double max (flag 0x02) |
///
/// Alias column record frame: | UInt32 physical column ID | UInt32 field ID |
/// Extra type information record frames are skipped.

/// One field of the schema. Its ID is its position in the (header + extension) list.
public struct RNTupleFieldDescriptor: Sendable {
    public enum Role: UInt16, Sendable { case leaf = 0, collection = 1, record = 2, variant = 3, streamer = 4 }

    public var id: Int
    public var fieldVersion: UInt32
    public var typeVersion: UInt32
    public var parentId: Int
    /// nil for a structural role this reader does not know.
    public var role: Role?
    public var rawRole: UInt16
    public var flags: UInt16
    public var name: String
    public var typeName: String
    public var typeAlias: String
    public var description: String
    /// Repetition count of a fixed-size array field (flag 0x01), else 0.
    public var arraySize: Int
    /// The field this one is projected from (flag 0x02).
    public var sourceFieldId: Int?

    public var isTopLevel: Bool { parentId == id }
}

/// One physical column of the schema. Its ID is its position in the (header + extension) list.
public struct RNTupleColumnDescriptor: Sendable {
    public var id: Int
    public var type: RNTupleColumnType?
    public var rawType: UInt16
    public var bitsOnStorage: Int
    public var fieldId: Int
    public var flags: UInt16
    public var representationIndex: Int
    /// Index of the first stored element (deferred columns); 0 otherwise. Negative: deferred and suppressed.
    public var firstElementIndex: Int64
    /// Value range (flag 0x02), used by Real32Quant.
    public var valueRange: (min: Double, max: Double)?
}

/// The schema: fields and columns with their IDs, and the alias columns of projected fields.
struct RNTupleSchema {
    var fields: [RNTupleFieldDescriptor] = []
    var columns: [RNTupleColumnDescriptor] = []
    /// (physical column ID, projected field ID), in serialization order.
    var aliases: [(column: Int, field: Int)] = []

    /// Reads the four list frames of a schema description (header tail or footer extension) and appends them.
    mutating func append(from c: inout EnvelopeCursor) throws {
        let fieldBase = fields.count
        fields += try c.readRecordList { c, i in
            let id = fieldBase + i
            let fieldVersion = try c.read(UInt32.self)
            let typeVersion = try c.read(UInt32.self)
            let parent = Int(try c.read(UInt32.self))
            let role = try c.read(UInt16.self)
            let flags = try c.read(UInt16.self)
            var f = RNTupleFieldDescriptor(id: id, fieldVersion: fieldVersion, typeVersion: typeVersion, parentId: parent,
                                           role: .init(rawValue: role), rawRole: role, flags: flags,
                                           name: try c.readString(), typeName: try c.readString(),
                                           typeAlias: try c.readString(), description: try c.readString(),
                                           arraySize: 0, sourceFieldId: nil)
            if flags & 0x01 != 0 {
                let n = try c.read(UInt64.self)
                guard n <= UInt64(Int32.max) else { throw c.fail(.malformed, "field '\(f.name)': array size \(n) invalid") }
                f.arraySize = Int(n)
            }
            if flags & 0x02 != 0 { f.sourceFieldId = Int(try c.read(UInt32.self)) }
            if flags & 0x04 != 0 { _ = try c.read(UInt32.self) }
            return f
        }
        let columnBase = columns.count
        columns += try c.readRecordList { c, i in
            let raw = try c.read(UInt16.self)
            let bits = Int(try c.read(UInt16.self))
            let field = Int(try c.read(UInt32.self))
            let flags = try c.read(UInt16.self)
            let repr = Int(try c.read(UInt16.self))
            var col = RNTupleColumnDescriptor(id: columnBase + i, type: RNTupleColumnType(rawValue: raw), rawType: raw,
                                              bitsOnStorage: bits, fieldId: field, flags: flags, representationIndex: repr,
                                              firstElementIndex: 0, valueRange: nil)
            if flags & 0x01 != 0 { col.firstElementIndex = try c.read(Int64.self) }
            if flags & 0x02 != 0 { col.valueRange = (try c.readDouble(), try c.readDouble()) }
            return col
        }
        aliases += try c.readRecordList { c, _ in
            (column: Int(try c.read(UInt32.self)), field: Int(try c.read(UInt32.self)))
        }
        _ = try c.readRecordList { _, _ in () }                  // extra type information: not needed to read data
        try validate(c)
    }

    /// Checks that every reference points at an existing field or column.
    func validate(_ c: EnvelopeCursor) throws {
        for f in fields {
            guard f.parentId >= 0, f.parentId < fields.count else {
                throw c.fail(.malformed, "field \(f.id) '\(f.name)' has parent \(f.parentId), but there are \(fields.count) fields")
            }
            if let s = f.sourceFieldId, s < 0 || s >= fields.count {
                throw c.fail(.malformed, "field \(f.id) '\(f.name)' is projected from field \(s), which does not exist")
            }
        }
        for col in columns where col.fieldId < 0 || col.fieldId >= fields.count {
            throw c.fail(.malformed, "column \(col.id) belongs to field \(col.fieldId), which does not exist")
        }
        for a in aliases where a.column < 0 || a.column >= columns.count || a.field < 0 || a.field >= fields.count {
            throw c.fail(.malformed, "alias column of field \(a.field) points at column \(a.column), which does not exist")
        }
    }

    /// Direct subfields of every field (top-level fields are their own parents and are not listed).
    func children() -> [[Int]] {
        var out = [[Int]](repeating: [], count: fields.count)
        for f in fields where !f.isTopLevel { out[f.parentId].append(f.id) }
        return out
    }

    /// The physical columns of every field (its own, then those reached through alias columns), in ID order.
    func columnsByField() -> [[Int]] {
        var out = [[Int]](repeating: [], count: fields.count)
        for col in columns { out[col.fieldId].append(col.id) }
        for a in aliases { out[a.field].append(a.column) }
        return out
    }
}
