import Columnar

/// How one element is stored in a basket and what it becomes in a column.
public enum ElementCodec: Sendable, Equatable {
    /// Big-endian numbers of the output type.
    case plain(DType)
    /// Double32_t without a range: stored as float32, read as float64.
    case float32AsFloat64
    /// Double32_t / Float16_t with [low, high, bits]: a 4-byte unsigned integer scaled into the range.
    case scaled(low: Double, high: Double, bits: Int, output: DType)
    /// Double32_t / Float16_t with a zero range: 1-byte exponent + 2-byte mantissa holding `bits` bits.
    case truncated(bits: Int, output: DType)
    /// TObject::fBits of the objects of a split collection: a uint32, followed by a uint16 process id
    /// when the object is referenced (bit kIsReferenced, 1 << 4), so items are 4 or 6 bytes.
    case objectBits

    /// Bytes per stored element.
    public var storedSize: Int {
        switch self {
        case .plain(let t): return t.byteWidth
        case .float32AsFloat64, .scaled, .objectBits: return 4
        case .truncated: return 3
        }
    }

    /// The column's element type.
    public var dtype: DType {
        switch self {
        case .plain(let t): return t
        case .float32AsFloat64: return .float64
        case .objectBits: return .uint32
        case .scaled(_, _, _, let o), .truncated(_, let o): return o
        }
    }
}

/// What a branch's bytes mean, decided once per branch by `Interpretation.identify`.
public enum Interpretation: Sendable, Equatable {
    /// One element per entry.
    case flat(ElementCodec)
    /// A fixed-shape array per entry.
    case fixed(ElementCodec, shape: [Int])
    /// A variable number of elements per entry, found from the basket's entry offsets; each entry's bytes
    /// begin with `headerBytes` bytes to skip (10 for std::vector: byte count, version, size; 1 for `T* x //[n]`).
    case jagged(ElementCodec, headerBytes: Int)
    /// No data of its own (a branch that only groups sub-branches).
    case container
    /// Data we do not decode (strings, objects, nested containers), with the reason.
    case unsupported(String)

    public var codec: ElementCodec? {
        switch self {
        case .flat(let c), .fixed(let c, _), .jagged(let c, _): return c
        default: return nil
        }
    }

    /// Short human description, as `inspect` prints it.
    public var summary: String {
        switch self {
        case .flat(let c): return c.dtype.rawValue
        case .fixed(let c, let shape): return "\(c.dtype.rawValue)\(shape.map { "[\($0)]" }.joined())"
        case .jagged(let c, let h): return "var * \(c.dtype.rawValue)" + (h > 0 ? " (header \(h))" : "")
        case .container: return "(group)"
        case .unsupported(let why): return "unsupported: \(why)"
        }
    }
}
