/// Errors raised while writing a ROOT file; each names the file, tree, branch or column concerned.
public enum ROOTWriterError: Error, Equatable, CustomStringConvertible {
    /// A later chunk does not match the schema fixed by the first chunk.
    case schemaMismatch(tree: String, column: String, reason: String)
    /// Jagged columns assigned to one counter have different per-entry counts.
    case counterMismatch(tree: String, counter: String, column: String, entry: Int)
    /// A column that cannot be written as a ROOT leaf.
    case unsupportedColumn(tree: String, column: String, reason: String)
    /// A basket or object too large for ROOT's 32-bit object sizes.
    case objectTooLarge(tree: String, branch: String, bytes: Int)
    /// Writing after close, or closing twice.
    case closed(String)
    /// An I/O failure on the output file.
    case io(path: String, reason: String)
    case invalidOption(String)

    public var description: String {
        switch self {
        case let .schemaMismatch(t, c, r): return "tree '\(t)', column '\(c)': chunk does not match the first chunk: \(r)"
        case let .counterMismatch(t, n, c, e): return "tree '\(t)': column '\(c)' disagrees with counter '\(n)' at entry \(e)"
        case let .unsupportedColumn(t, c, r): return "tree '\(t)', column '\(c)': \(r)"
        case let .objectTooLarge(t, b, n): return "tree '\(t)', branch '\(b)': basket of \(n) bytes exceeds ROOT's 1 GB object limit (use a smaller basket size)"
        case let .closed(w): return "\(w): the writer is already closed"
        case let .io(p, r): return "\(p): \(r)"
        case let .invalidOption(r): return "invalid option: \(r)"
        }
    }
}
