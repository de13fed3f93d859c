/// Errors of the attack library; each says which input, parameter or field is wrong.
public enum AttackError: Error, Equatable, CustomStringConvertible {
    case invalidParameter(name: String, value: String, reason: String)
    case shapeMismatch(what: String, expected: Int, got: Int)
    case nonFiniteValue(what: String, row: Int, column: Int)
    case classifierMismatch(expectedInputs: Int, got: Int)
    case checkpointMismatch(reason: String)

    public var description: String {
        switch self {
        case let .invalidParameter(name, value, reason): return "attack parameter \(name)=\(value): \(reason)"
        case let .shapeMismatch(what, expected, got): return "\(what): expected \(expected) entries, got \(got)"
        case let .nonFiniteValue(what, row, column): return "\(what): non-finite value at row \(row), column \(column)"
        case let .classifierMismatch(e, g): return "classifier expects \(e) inputs, the feature matrix has \(g) columns"
        case let .checkpointMismatch(reason): return "checkpoint does not match this attack: \(reason)"
        }
    }
}
