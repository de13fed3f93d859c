/// Unary operators.
enum UnaryOperator: String, Sendable {
    case negate = "-", plus = "+", not = "!"
}

/// Binary operators, in C++ spelling.
enum BinaryOperator: String, Sendable {
    case add = "+", subtract = "-", multiply = "*", divide = "/", modulo = "%"
    case less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">=", equal = "==", notEqual = "!="
    case and = "&&", or = "||"

    var isArithmetic: Bool { [.add, .subtract, .multiply, .divide, .modulo].contains(self) }
    var isOrdering: Bool { [.less, .lessEqual, .greater, .greaterEqual].contains(self) }
    var isEquality: Bool { self == .equal || self == .notEqual }
    var isLogical: Bool { self == .and || self == .or }
}

/// One node of a parsed expression, with the columns of the expression it came from.
struct ExpressionNode: Sendable {
    indirect enum Kind: Sendable {
        case number(Double)
        case boolean(Bool)
        case variable(String)
        case unary(UnaryOperator, ExpressionNode)
        case binary(BinaryOperator, ExpressionNode, ExpressionNode)
        case ternary(ExpressionNode, ExpressionNode, ExpressionNode)
        case call(BuiltinFunction, [ExpressionNode])
        case index(ExpressionNode, ExpressionNode)
    }

    var kind: Kind
    /// Offsets in the expression's unicode scalars (includes the parentheses when `parenthesized`).
    var range: Range<Int>
    /// Whether the source wrote this node inside its own parentheses.
    var parenthesized = false
    /// Levels of nodes from this one down to its deepest leaf (set by the parser, which bounds it so that
    /// the recursive walks over the tree cannot overflow the stack).
    var height = 1

    /// Branch names this node reads.
    var freeVariables: Set<String> {
        switch kind {
        case .number, .boolean: return []
        case .variable(let name): return [name]
        case .unary(_, let a): return a.freeVariables
        case .binary(_, let a, let b), .index(let a, let b): return a.freeVariables.union(b.freeVariables)
        case .ternary(let a, let b, let c): return a.freeVariables.union(b.freeVariables).union(c.freeVariables)
        case .call(_, let args): return args.reduce(into: Set<String>()) { $0.formUnion($1.freeVariables) }
        }
    }

    /// The operands of the top-level `&&` chain (parenthesised groups are not split).
    var conjunctionTerms: [ExpressionNode] {
        if !parenthesized, case .binary(.and, let a, let b) = kind {
            return a.conjunctionTerms + b.conjunctionTerms
        }
        return [self]
    }

    /// The first occurrence of a variable in this subtree (for error positions).
    func firstVariable(where predicate: (String) -> Bool) -> ExpressionNode? {
        switch kind {
        case .number, .boolean: return nil
        case .variable(let name): return predicate(name) ? self : nil
        case .unary(_, let a): return a.firstVariable(where: predicate)
        case .binary(_, let a, let b), .index(let a, let b):
            return a.firstVariable(where: predicate) ?? b.firstVariable(where: predicate)
        case .ternary(let a, let b, let c):
            return a.firstVariable(where: predicate) ?? b.firstVariable(where: predicate) ?? c.firstVariable(where: predicate)
        case .call(_, let args):
            for a in args { if let v = a.firstVariable(where: predicate) { return v } }
            return nil
        }
    }
}
