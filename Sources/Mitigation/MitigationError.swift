/// Errors of the mitigation tools (detector, robustness scan, adversarial mixing), each saying what is wrong.
public enum MitigationError: Error, CustomStringConvertible, Equatable {
    /// Two inputs that must describe the same events do not (`what`: which, and the two sizes).
    case shapeMismatch(what: String, expected: Int, got: Int)
    /// A setting outside its allowed range.
    case invalidSetting(String)
    /// The data cannot support the requested computation (e.g. no fooling events to train on).
    case insufficientData(String)

    public var description: String {
        switch self {
        case let .shapeMismatch(what, expected, got): return "\(what): expected \(expected), got \(got)"
        case let .invalidSetting(s): return s
        case let .insufficientData(s): return s
        }
    }
}
