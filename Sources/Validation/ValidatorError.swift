/// Errors raised by the validation stage; each names what is wrong and where.
public enum ValidatorError: Error, Equatable, CustomStringConvertible {
    case invalidBinning(String)
    case lengthMismatch(what: String, expected: Int, got: Int)
    case emptyHistogram(String)
    case unknownFeature(String, available: [String])
    case degenerateBin(test: String, bin: Int, reason: String)
    case invalidInput(String)

    public var description: String {
        switch self {
        case .invalidBinning(let r): return "invalid binning: \(r)"
        case let .lengthMismatch(w, e, g): return "\(w) has \(g) entries, expected \(e)"
        case .emptyHistogram(let w): return "histogram is empty: \(w)"
        case let .unknownFeature(f, a): return "no feature '\(f)' (available: \(a.joined(separator: ", ")))"
        case let .degenerateBin(t, b, r): return "\(t): bin \(b): \(r)"
        case .invalidInput(let r): return "invalid input: \(r)"
        }
    }
}
