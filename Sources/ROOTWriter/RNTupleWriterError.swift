/// Errors raised while writing an RNTuple; each names the ntuple and field concerned.
public enum RNTupleWriterError: Error, Equatable, CustomStringConvertible {
    /// A name ROOT does not accept for an ntuple or field (empty, or with '.', '/', '\', space or control characters).
    case invalidName(ntuple: String, name: String)
    /// A column that cannot be written as an RNTuple field (e.g. a zero-sized fixed array).
    case unsupportedColumn(ntuple: String, field: String, reason: String)
    /// A jagged or fixed column whose layout does not match its content.
    case inconsistentColumn(ntuple: String, field: String, reason: String)
    /// A later chunk does not match the schema fixed by the first chunk.
    case schemaMismatch(ntuple: String, field: String, reason: String)
    /// A page or envelope larger than a ROOT key can hold.
    case objectTooLarge(ntuple: String, what: String, bytes: Int)

    public var description: String {
        switch self {
        case let .invalidName(n, name):
            return "ntuple '\(n)': name '\(name)' is not allowed (empty, or contains '.', '/', '\\', space or a control character)"
        case let .unsupportedColumn(n, f, r): return "ntuple '\(n)', field '\(f)': \(r)"
        case let .inconsistentColumn(n, f, r): return "ntuple '\(n)', field '\(f)': inconsistent column: \(r)"
        case let .schemaMismatch(n, f, r): return "ntuple '\(n)', field '\(f)': chunk does not match the first chunk: \(r)"
        case let .objectTooLarge(n, w, b): return "ntuple '\(n)': \(w) of \(b) bytes exceeds ROOT's 1 GiB key limit (use smaller clusters)"
        }
    }
}
