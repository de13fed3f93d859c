/// An error in a cut or weight expression, pointing at the place in the expression where it arose.
///
/// `description` renders the message, the expression and a caret line under the offending columns:
/// ```
/// unknown branch 'nJets' (did you mean: nJet, NJet?)
///   nJets >= 4 && MET_pt < 50
///   ^~~~~
/// ```
public struct CutExpressionError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What went wrong, broadly.
    public enum Kind: String, Sendable, Equatable {
        /// The text is not a well-formed expression (bad character, unbalanced parentheses, missing operand...).
        case syntax
        /// A call to a function that does not exist.
        case unknownFunction
        /// A function called with the wrong number of arguments.
        case arity
        /// Operands of the wrong type (boolean vs number, per-element vs per-event).
        case type
        /// A name that is not a branch of the table.
        case unknownBranch
        /// Two per-element (jagged) values of different lengths combined element by element.
        case shapeMismatch
        /// The table's data cannot be evaluated (e.g. inconsistent offsets).
        case data
    }

    public let kind: Kind
    /// Human-readable explanation, without the expression.
    public let message: String
    /// The full expression text.
    public let expression: String
    /// The offending columns, as offsets in `expression.unicodeScalars` (0-based, half-open).
    public let range: Range<Int>
    /// Close existing names, for unknown branches and functions (best first).
    public let suggestions: [String]

    public init(kind: Kind, message: String, expression: String, range: Range<Int>, suggestions: [String] = []) {
        self.kind = kind
        self.message = message
        self.expression = expression
        self.range = range
        self.suggestions = suggestions
    }

    /// 1-based column of the first offending character.
    public var column: Int { range.lowerBound + 1 }

    /// The message, the expression indented by two spaces, and a caret line under `range`.
    public var description: String {
        let scalars = Array(expression.unicodeScalars)
        // Render tabs and newlines as spaces so the caret line stays aligned.
        let shown = String(String.UnicodeScalarView(scalars.map { $0 == "\t" || $0 == "\n" || $0 == "\r" ? " " : $0 }))
        let start = min(max(0, range.lowerBound), scalars.count)
        let width = max(1, min(range.count, max(1, scalars.count - start)))
        let caret = String(repeating: " ", count: start) + "^" + String(repeating: "~", count: width - 1)
        return "\(message)\n  \(shown)\n  \(caret)"
    }
}
