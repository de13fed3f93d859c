import Columnar

/// What the expression language needs to know about a branch: its element kind and whether it holds one value
/// per event (flat) or a list per event (jagged or fixed-size array).
public struct BranchKind: Sendable, Equatable {
    /// Holds booleans (dtype `bool`) rather than numbers.
    public var isBoolean: Bool
    /// Holds a list of values per event (jagged, or a fixed-size array).
    public var isPerElement: Bool

    public init(isBoolean: Bool, isPerElement: Bool) {
        self.isBoolean = isBoolean
        self.isPerElement = isPerElement
    }

    /// The kind of a column.
    public init(_ column: Column) {
        self.init(isBoolean: column.dtype == .bool, isPerElement: !column.isFlat)
    }
}

/// The type of a (sub)expression: boolean or number, one value per event or one per element.
public struct ExpressionType: Sendable, Equatable, CustomStringConvertible {
    public var isBoolean: Bool
    public var isPerElement: Bool

    public init(isBoolean: Bool, isPerElement: Bool) {
        self.isBoolean = isBoolean
        self.isPerElement = isPerElement
    }

    public var description: String {
        (isBoolean ? "boolean" : "number") + (isPerElement ? " per element" : " per event")
    }
}

/// Checks an expression against the branch kinds: booleans vs numbers, per-element vs per-event.
struct TypeChecker {
    let expression: String
    let branches: [String: BranchKind]
    /// Branch names in a stable order, for suggestions.
    let branchNames: [String]

    private func error(_ kind: CutExpressionError.Kind, _ message: String, _ node: ExpressionNode,
                       suggestions: [String] = []) -> CutExpressionError {
        CutExpressionError(kind: kind, message: message, expression: expression, range: node.range, suggestions: suggestions)
    }

    private func text(_ node: ExpressionNode) -> String {
        let s = Array(expression.unicodeScalars)
        let r = max(0, node.range.lowerBound)..<min(s.count, node.range.upperBound)
        return String(String.UnicodeScalarView(s[r]))
    }

    /// The unknown-branch error for `name` at `node`.
    func unknownBranch(_ name: String, at node: ExpressionNode) -> CutExpressionError {
        let close = EditDistance.suggestions(for: name, among: branchNames)
        let hint = close.isEmpty ? "" : " (did you mean: \(close.joined(separator: ", "))?)"
        return error(.unknownBranch, "unknown branch '\(name)'\(hint)", node, suggestions: close)
    }

    private func requireNumber(_ t: ExpressionType, _ node: ExpressionNode, _ context: String) throws {
        guard !t.isBoolean else {
            throw error(.type, "\(context) needs a number, but '\(text(node))' is a boolean (a comparison or a bool branch)", node)
        }
    }

    private func requireBoolean(_ t: ExpressionType, _ node: ExpressionNode, _ context: String) throws {
        guard t.isBoolean else {
            throw error(.type, "\(context) needs a boolean, but '\(text(node))' is a number: compare it, e.g. (\(text(node))) != 0", node)
        }
    }

    func check(_ node: ExpressionNode) throws -> ExpressionType {
        switch node.kind {
        case .number: return ExpressionType(isBoolean: false, isPerElement: false)
        case .boolean: return ExpressionType(isBoolean: true, isPerElement: false)
        case .variable(let name):
            guard let kind = branches[name] else { throw unknownBranch(name, at: node) }
            return ExpressionType(isBoolean: kind.isBoolean, isPerElement: kind.isPerElement)
        case .unary(let op, let a):
            let t = try check(a)
            if op == .not { try requireBoolean(t, a, "'!'") } else { try requireNumber(t, a, "unary '\(op.rawValue)'") }
            return t
        case .binary(let op, let a, let b):
            let ta = try check(a), tb = try check(b)
            let perElement = ta.isPerElement || tb.isPerElement
            if op.isLogical {
                try requireBoolean(ta, a, "'\(op.rawValue)'"); try requireBoolean(tb, b, "'\(op.rawValue)'")
                return ExpressionType(isBoolean: true, isPerElement: perElement)
            }
            if op.isEquality {
                guard ta.isBoolean == tb.isBoolean else {
                    let (boolSide, numSide) = ta.isBoolean ? (a, b) : (b, a)
                    throw error(.type, "'\(op.rawValue)' compares a boolean ('\(text(boolSide))') with a number ('\(text(numSide))'): compare booleans with true/false or use them directly", node)
                }
                return ExpressionType(isBoolean: true, isPerElement: perElement)
            }
            try requireNumber(ta, a, "'\(op.rawValue)'"); try requireNumber(tb, b, "'\(op.rawValue)'")
            return ExpressionType(isBoolean: op.isOrdering, isPerElement: perElement)
        case .ternary(let c, let a, let b):
            let tc = try check(c), ta = try check(a), tb = try check(b)
            try requireBoolean(tc, c, "the condition of '?:'")
            guard ta.isBoolean == tb.isBoolean else {
                throw error(.type, "the two branches of '?:' must have the same type, got \(ta.isBoolean ? "boolean" : "number") and \(tb.isBoolean ? "boolean" : "number")", node)
            }
            return ExpressionType(isBoolean: ta.isBoolean, isPerElement: tc.isPerElement || ta.isPerElement || tb.isPerElement)
        case .call(let f, let args):
            let types = try args.map(check)
            let name = "\(f.rawValue)"
            switch f {
            case .sum, .maxOf, .minOf, .length:
                return ExpressionType(isBoolean: false, isPerElement: false)
            case .maxIf, .minIf:
                try requireNumber(types[0], args[0], "the first argument of \(name)")
                try requireBoolean(types[1], args[1], "the second argument (the condition) of \(name)")
                return ExpressionType(isBoolean: false, isPerElement: false)
            case .alt:
                guard types[0].isBoolean == types[1].isBoolean else {
                    throw error(.type, "both arguments of Alt$ must have the same type (boolean or number)", node)
                }
                return ExpressionType(isBoolean: types[0].isBoolean, isPerElement: types[0].isPerElement || types[1].isPerElement)
            default:
                for (t, a) in zip(types, args) { try requireNumber(t, a, "\(name)()") }
                return ExpressionType(isBoolean: false, isPerElement: types.contains { $0.isPerElement })
            }
        case .index(let base, let index):
            let tb = try check(base), ti = try check(index)
            guard tb.isPerElement else {
                throw error(.type, "'\(text(base))' has one value per event, not a list: it cannot be indexed", base)
            }
            try requireNumber(ti, index, "an index")
            guard !ti.isPerElement else {
                throw error(.type, "an index must have one value per event, but '\(text(index))' is per element", index)
            }
            return ExpressionType(isBoolean: tb.isBoolean, isPerElement: false)
        }
    }

    /// Checks that `node` gives one value per event of the wanted kind (boolean for cuts, number for weights).
    func checkTop(_ node: ExpressionNode, wantBoolean: Bool) throws -> ExpressionType {
        let t = try check(node)
        if t.isPerElement {
            let jagged = node.firstVariable { branches[$0]?.isPerElement == true }
            let name = jagged.map { text($0) } ?? "a per-element branch"
            let example = wantBoolean
                ? "wrap it in an aggregate, e.g. Sum$(\(text(node))) > 0 (any element) or Sum$(\(text(node))) == Length$(\(name)) (all elements), or pick one element, e.g. \(name)[0]"
                : "reduce it with Sum$, Max$, Min$ or Length$, or pick one element, e.g. \(name)[0]"
            throw error(.type, "'\(text(node))' has one value per element of \(name), not one per event: \(example)", node)
        }
        if wantBoolean && !t.isBoolean {
            throw error(.type, "a cut must be a condition (boolean), but '\(text(node))' is a number: compare it, e.g. (\(text(node))) > 0", node)
        }
        if !wantBoolean && t.isBoolean {
            throw error(.type, "a weight must be a number, but '\(text(node))' is a boolean: use a ternary, e.g. (\(text(node))) ? 1 : 0", node)
        }
        return t
    }
}
