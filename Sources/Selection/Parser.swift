/// Recursive-descent parser for cut expressions (C++ precedence, loosest first).
///
/// ```
/// expression := or ( '?' expression ':' expression )?
/// or         := and ( '||' and )*
/// and        := equality ( '&&' equality )*
/// equality   := relational ( ( '==' | '!=' ) relational )*
/// relational := additive ( ( '<' | '<=' | '>' | '>=' ) additive )*
/// additive   := product ( ( '+' | '-' ) product )*
/// product    := unary ( ( '*' | '/' | '%' ) unary )*
/// unary      := ( '-' | '+' | '!' ) unary | postfix
/// postfix    := primary ( '[' expression ']' )*
/// primary    := number | 'true' | 'false' | name | function '(' arguments ')' | '(' expression ')'
/// ```
struct Parser {
    /// Deeper nesting than this is refused (protects the stack from pathological input).
    static let maximumDepth = 256
    /// Taller trees than this are refused: a chain of N binary operators (`a || b || ...`) is a tree of
    /// height N, walked recursively by the type checker and the evaluator.
    static let maximumHeight = 1000

    private let expression: String
    private let tokens: [Token]
    private var position = 0
    private var depth = 0

    init(_ expression: String) throws {
        self.expression = expression
        self.tokens = try Lexer(expression).tokens()
    }

    /// Parses the whole expression; trailing tokens are an error.
    mutating func parse() throws -> ExpressionNode {
        if case .end = current.kind {
            throw error("empty expression", 0..<max(1, expression.unicodeScalars.count))
        }
        let node = try parseExpression()
        if case .end = current.kind { return node }
        if isSymbol(")") { throw error("unbalanced ')': no matching '('", current.range) }
        throw error("unexpected \(describe(current)) after a complete expression (missing operator?)", current.range)
    }

    // MARK: token helpers

    private var current: Token { tokens[position] }

    private func isSymbol(_ s: String) -> Bool {
        if case .symbol(let t) = current.kind { return t == s }
        return false
    }

    private mutating func advance() -> Token {
        let t = tokens[position]
        if position < tokens.count - 1 { position += 1 }
        return t
    }

    private func error(_ message: String, _ range: Range<Int>, kind: CutExpressionError.Kind = .syntax,
                       suggestions: [String] = []) -> CutExpressionError {
        CutExpressionError(kind: kind, message: message, expression: expression, range: range, suggestions: suggestions)
    }

    private func describe(_ t: Token) -> String {
        switch t.kind {
        case .number(let v): return "number \(v)"
        case .identifier(let s): return "name '\(s)'"
        case .symbol(let s): return "'\(s)'"
        case .end: return "end of expression"
        }
    }

    private mutating func expect(_ s: String, opening: Token? = nil) throws {
        if isSymbol(s) { _ = advance(); return }
        if let open = opening, case .end = current.kind {
            throw error("unbalanced '\(open.kind == .symbol("(") ? "(" : "[")': missing '\(s)'", open.range)
        }
        throw error("expected '\(s)' but found \(describe(current))", current.range)
    }

    /// A node over `children`, refused when the tree would grow taller than `maximumHeight`.
    private func composite(_ kind: ExpressionNode.Kind, _ range: Range<Int>, _ children: [ExpressionNode]) throws -> ExpressionNode {
        var node = ExpressionNode(kind: kind, range: range)
        node.height = 1 + children.reduce(0) { max($0, $1.height) }
        guard node.height <= Parser.maximumHeight else {
            throw error("expression too long: more than \(Parser.maximumHeight) operators in one chain (group long chains in parentheses)", range)
        }
        return node
    }

    private mutating func enter() throws {
        depth += 1
        if depth > Parser.maximumDepth {
            throw error("expression nested too deeply (more than \(Parser.maximumDepth) levels)", current.range)
        }
    }

    // MARK: grammar

    private mutating func parseExpression() throws -> ExpressionNode {
        try enter(); defer { depth -= 1 }
        let condition = try parseBinary(level: 0)
        guard isSymbol("?") else { return condition }
        let question = advance()
        let whenTrue = try parseExpression()
        guard isSymbol(":") else {
            throw error("incomplete ternary: expected ':' (the '?' is at column \(question.range.lowerBound + 1))", current.range)
        }
        _ = advance()
        let whenFalse = try parseExpression()
        return try composite(.ternary(condition, whenTrue, whenFalse), condition.range.lowerBound..<whenFalse.range.upperBound,
                             [condition, whenTrue, whenFalse])
    }

    private static let levels: [[BinaryOperator]] = [
        [.or], [.and], [.equal, .notEqual], [.less, .lessEqual, .greater, .greaterEqual],
        [.add, .subtract], [.multiply, .divide, .modulo],
    ]

    private mutating func parseBinary(level: Int) throws -> ExpressionNode {
        if level == Parser.levels.count { return try parseUnary() }
        var left = try parseBinary(level: level + 1)
        while case .symbol(let s) = current.kind, let op = BinaryOperator(rawValue: s), Parser.levels[level].contains(op) {
            let opToken = advance()
            if case .end = current.kind {
                throw error("missing operand after '\(s)'", opToken.range)
            }
            let right = try parseBinary(level: level + 1)
            left = try composite(.binary(op, left, right), left.range.lowerBound..<right.range.upperBound, [left, right])
        }
        return left
    }

    private mutating func parseUnary() throws -> ExpressionNode {
        if case .symbol(let s) = current.kind, let op = UnaryOperator(rawValue: s) {
            try enter(); defer { depth -= 1 }
            let opToken = advance()
            if case .end = current.kind { throw error("missing operand after '\(s)'", opToken.range) }
            let operand = try parseUnary()
            return try composite(.unary(op, operand), opToken.range.lowerBound..<operand.range.upperBound, [operand])
        }
        return try parsePostfix()
    }

    private mutating func parsePostfix() throws -> ExpressionNode {
        var node = try parsePrimary()
        while isSymbol("[") {
            let open = advance()
            if isSymbol("]") { throw error("empty index '[]': write an element number, e.g. [0]", open.lowerBoundRange(to: current)) }
            let index = try parseExpression()
            guard isSymbol("]") else {
                if case .end = current.kind { throw error("unbalanced '[': missing ']'", open.range) }
                throw error("expected ']' but found \(describe(current))", current.range)
            }
            let close = advance()
            node = try composite(.index(node, index), node.range.lowerBound..<close.range.upperBound, [node, index])
        }
        return node
    }

    private mutating func parsePrimary() throws -> ExpressionNode {
        let token = current
        switch token.kind {
        case .number(let v):
            _ = advance()
            return ExpressionNode(kind: .number(v), range: token.range)
        case .identifier(let name):
            _ = advance()
            if isSymbol("(") { return try parseCall(name: name, nameToken: token) }
            switch name {
            case "true", "kTRUE": return ExpressionNode(kind: .boolean(true), range: token.range)
            case "false", "kFALSE": return ExpressionNode(kind: .boolean(false), range: token.range)
            default:
                if BuiltinFunction.spellings[name] != nil {
                    throw error("'\(name)' is a function: call it with parentheses, e.g. \(name)(x)", token.range)
                }
                if name.hasSuffix("$") || name.contains("::") {
                    throw error("unknown name '\(name)'", token.range, kind: .unknownFunction,
                                suggestions: EditDistance.suggestions(for: name, among: Parser.functionNames))
                }
                return ExpressionNode(kind: .variable(name), range: token.range)
            }
        case .symbol("("):
            try enter(); defer { depth -= 1 }
            let open = advance()
            if isSymbol(")") { throw error("empty parentheses '()'", open.lowerBoundRange(to: current)) }
            var inner = try parseExpression()
            guard isSymbol(")") else {
                if case .end = current.kind { throw error("unbalanced '(': missing ')'", open.range) }
                throw error("expected ')' but found \(describe(current))", current.range)
            }
            let close = advance()
            inner.range = open.range.lowerBound..<close.range.upperBound
            inner.parenthesized = true
            return inner
        case .end:
            throw error("expression ends where an operand was expected", token.range)
        case .symbol(let s):
            if s == ")" { throw error("unbalanced ')': no matching '('", token.range) }
            throw error("expected an operand but found '\(s)'", token.range)
        }
    }

    private static let functionNames = BuiltinFunction.spellings.keys.sorted()

    private mutating func parseCall(name: String, nameToken: Token) throws -> ExpressionNode {
        guard let function = BuiltinFunction.spellings[name] else {
            let close = EditDistance.suggestions(for: name, among: Parser.functionNames)
            let hint = close.isEmpty ? "" : " (did you mean: \(close.joined(separator: ", "))?)"
            throw error("unknown function '\(name)'\(hint)", nameToken.range, kind: .unknownFunction, suggestions: close)
        }
        try enter(); defer { depth -= 1 }
        let open = advance()
        var arguments: [ExpressionNode] = []
        if !isSymbol(")") {
            while true {
                arguments.append(try parseExpression())
                if isSymbol(",") { _ = advance(); continue }
                break
            }
        }
        guard isSymbol(")") else {
            if case .end = current.kind { throw error("unbalanced '(': missing ')' for \(name)(", open.range) }
            throw error("expected ',' or ')' in the arguments of \(name) but found \(describe(current))", current.range)
        }
        let close = advance()
        let range = nameToken.range.lowerBound..<close.range.upperBound
        guard arguments.count == function.arity else {
            let want = function.arity == 1 ? "1 argument" : "\(function.arity) arguments"
            throw error("\(name) takes \(want), got \(arguments.count)", range, kind: .arity)
        }
        return try composite(.call(function, arguments), range, arguments)
    }
}

private extension Token {
    func lowerBoundRange(to other: Token) -> Range<Int> { range.lowerBound..<max(range.upperBound, other.range.upperBound) }
}
