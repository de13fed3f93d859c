import Columnar

/// The fields and physical columns an EventTable maps to, in serialization order (field and column IDs are
/// positions in these lists; a field's subfields follow it, depth first).
///
/// | table column              | fields (type name, role, flags)                                   | columns             |
/// |---------------------------|-------------------------------------------------------------------|---------------------|
/// | flat T                    | `x`: T, leaf                                                      | value               |
/// | jagged T                  | `x`: std::vector<T>, collection; `_0`: T, leaf                     | index, then value   |
/// | fixed T, shape [a, b]     | `x`: std::array<std::array<T,b>,a>, leaf, repetitive (a);         | value on the last   |
/// |                           | `_0`: std::array<T,b>, leaf, repetitive (b); `_0`: T, leaf         |                     |
///
/// Column types (split when compressed, as ROOT; plain when the file is uncompressed, as ROOT does too):
/// bool → Bit; int8/uint8 → Int8/UInt8; int16…uint64 → SplitInt*/SplitUInt* (zigzag for signed) or Int*/UInt*;
/// float32/float64 → SplitReal32/SplitReal64 or Real32/Real64; collection index → SplitIndex64 (delta) or Index64.
struct RNTupleSchema: Equatable {
    /// How a page's elements are laid out on disk.
    enum Encoding: Equatable { case bit, plain, split, zigzagSplit, deltaSplit }

    struct Field: Equatable {
        var name: String
        var typeName: String
        var parent: Int
        /// 0 leaf, 1 collection.
        var role: UInt16
        /// Repetition count of a std::array field (flag 0x01), nil otherwise.
        var arraySize: Int?
    }

    struct Column: Equatable {
        var type: UInt16
        var bits: Int
        var field: Int
        var encoding: Encoding
        /// The table column feeding it.
        var source: String
        /// True for a collection's index (offsets) column, false for values.
        var isIndex: Bool
        /// Values per entry of a fixed-shape column (1 otherwise).
        var width: Int
        var dtype: DType
    }

    /// Layout kind and dtype of each table column, to check later chunks against.
    struct Source: Equatable {
        var name: String
        var dtype: DType
        var layout: ColumnLayout
    }

    private(set) var fields: [Field] = []
    private(set) var columns: [Column] = []
    private(set) var sources: [Source] = []

    /// The schema of `table`'s columns (in table order); `split` chooses split encodings (compressed files).
    init(ntuple: String, table: EventTable, split: Bool) throws {
        try Self.checkName(ntuple, ntuple: ntuple)
        for name in table.names {
            guard let c = table[name] else { continue }
            try Self.checkName(name, ntuple: ntuple)
            try Self.validate(c, name: name, ntuple: ntuple)
            let top = fields.count
            switch c.layout {
            case .flat:
                fields.append(Field(name: name, typeName: Self.typeName(c.dtype), parent: top, role: 0, arraySize: nil))
                columns.append(Self.valueColumn(c.dtype, field: top, source: name, width: 1, split: split))
                sources.append(Source(name: name, dtype: c.dtype, layout: .flat))
            case .jagged:
                fields.append(Field(name: name, typeName: "std::vector<\(Self.typeName(c.dtype))>", parent: top, role: 1, arraySize: nil))
                columns.append(Column(type: split ? 0x1B : 0x0F, bits: 64, field: top, encoding: split ? .deltaSplit : .plain,
                                      source: name, isIndex: true, width: 1, dtype: .int64))
                fields.append(Field(name: "_0", typeName: Self.typeName(c.dtype), parent: top, role: 0, arraySize: nil))
                columns.append(Self.valueColumn(c.dtype, field: top + 1, source: name, width: 1, split: split))
                sources.append(Source(name: name, dtype: c.dtype, layout: .jagged(offsets: [])))
            case .fixed(let shape):
                var parent = top
                for (k, n) in shape.enumerated() {
                    let inner = shape[(k + 1)...].reversed().reduce(Self.typeName(c.dtype)) { "std::array<\($0),\($1)>" }
                    fields.append(Field(name: k == 0 ? name : "_0", typeName: "std::array<\(inner),\(n)>", parent: parent,
                                        role: 0, arraySize: n))
                    parent = fields.count - 1
                }
                fields.append(Field(name: "_0", typeName: Self.typeName(c.dtype), parent: parent, role: 0, arraySize: nil))
                columns.append(Self.valueColumn(c.dtype, field: fields.count - 1, source: name, width: c.fixedWidth, split: split))
                sources.append(Source(name: name, dtype: c.dtype, layout: .fixed(shape: shape)))
            }
        }
    }

    /// Checks that a later chunk has the same columns, dtypes and layouts as the first one, and valid layouts.
    func check(ntuple: String, _ chunk: EventTable) throws {
        guard chunk.names == sources.map(\.name) else {
            throw RNTupleWriterError.schemaMismatch(ntuple: ntuple, field: "*",
                                                    reason: "columns \(chunk.names) instead of \(sources.map(\.name))")
        }
        for s in sources {
            guard let c = chunk[s.name] else { continue }
            guard c.dtype == s.dtype else {
                throw RNTupleWriterError.schemaMismatch(ntuple: ntuple, field: s.name, reason: "dtype \(c.dtype.rawValue) instead of \(s.dtype.rawValue)")
            }
            switch (s.layout, c.layout) {
            case (.flat, .flat), (.jagged, .jagged): break
            case let (.fixed(a), .fixed(b)) where a == b: break
            default:
                throw RNTupleWriterError.schemaMismatch(ntuple: ntuple, field: s.name, reason: "layout \(c.layout) does not match")
            }
            try Self.validate(c, name: s.name, ntuple: ntuple)
        }
    }

    /// ROOT's naming rule: non-empty UTF-8 without control characters, '.', ' ', '\' or '/'.
    static func checkName(_ name: String, ntuple: String) throws {
        let bad = name.isEmpty || name.unicodeScalars.contains { s in
            s.value < 0x20 || s.value == 0x7f || s == "." || s == " " || s == "\\" || s == "/"
        }
        if bad { throw RNTupleWriterError.invalidName(ntuple: ntuple, name: name) }
    }

    private static func validate(_ c: Columnar.Column, name: String, ntuple: String) throws {
        if case .fixed(let shape) = c.layout, shape.isEmpty || shape.contains(where: { $0 < 1 }) {
            throw RNTupleWriterError.unsupportedColumn(ntuple: ntuple, field: name,
                                                      reason: "fixed shape \(shape) (std::array needs sizes >= 1)")
        }
        do { try c.validate(name: name) } catch {
            throw RNTupleWriterError.inconsistentColumn(ntuple: ntuple, field: name, reason: "\(error)")
        }
    }

    /// The normalized C++ type name of an element type.
    static func typeName(_ d: DType) -> String {
        switch d {
        case .bool: return "bool"
        case .int8: return "std::int8_t"
        case .int16: return "std::int16_t"
        case .int32: return "std::int32_t"
        case .int64: return "std::int64_t"
        case .uint8: return "std::uint8_t"
        case .uint16: return "std::uint16_t"
        case .uint32: return "std::uint32_t"
        case .uint64: return "std::uint64_t"
        case .float32: return "float"
        case .float64: return "double"
        }
    }

    /// The column holding values of `dtype` (split or plain).
    static func valueColumn(_ d: DType, field: Int, source: String, width: Int, split: Bool) -> Column {
        let bits = d == .bool ? 1 : d.byteWidth * 8
        let (plain, splitType): (UInt16, UInt16)
        switch d {
        case .bool: return Column(type: 0x00, bits: 1, field: field, encoding: .bit, source: source, isIndex: false, width: width, dtype: d)
        case .int8: (plain, splitType) = (0x03, 0x03)
        case .uint8: (plain, splitType) = (0x04, 0x04)
        case .int16: (plain, splitType) = (0x05, 0x11)
        case .uint16: (plain, splitType) = (0x06, 0x12)
        case .int32: (plain, splitType) = (0x07, 0x13)
        case .uint32: (plain, splitType) = (0x08, 0x14)
        case .int64: (plain, splitType) = (0x09, 0x15)
        case .uint64: (plain, splitType) = (0x0A, 0x16)
        case .float32: (plain, splitType) = (0x0C, 0x18)
        case .float64: (plain, splitType) = (0x0D, 0x19)
        }
        let oneByte = d.byteWidth == 1
        let encoding: Encoding = !split || oneByte ? .plain : (d.isInteger && d.rawValue.hasPrefix("int") ? .zigzagSplit : .split)
        return Column(type: split ? splitType : plain, bits: bits, field: field, encoding: encoding, source: source,
                      isIndex: false, width: width, dtype: d)
    }
}
