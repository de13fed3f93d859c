/// Errors of the table seam itself (the readers below it throw their own, located errors).
public enum TableError: Error, Equatable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case unknownFormat(path: String, head: [UInt8])
    case notFound(path: String, reason: String)
    case unsupportedOutput(path: String, reason: String)

    public var description: String {
        switch self {
        case let .unreadable(p, r): return "\(p): \(r)"
        case let .unknownFormat(p, head):
            let shown = head.isEmpty ? "an empty file" : "starts with " + head.map { b in
                (0x20...0x7e).contains(b) ? String(UnicodeScalar(b)) : "\\x" + String(b, radix: 16) }.joined()
            return "\(p): byte 0: neither a ROOT file ('root') nor an Arrow IPC file ('ARROW1'): \(shown)"
        case let .notFound(p, r): return "\(p): \(r)"
        case let .unsupportedOutput(p, r): return "\(p): \(r)"
        }
    }
}
