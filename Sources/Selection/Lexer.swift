/// Splits a cut expression into tokens.
///
/// | token       | spelling                                                                  |
/// |-------------|---------------------------------------------------------------------------|
/// | number      | `1`, `2.5`, `.5`, `1e3`, `1.5E-2` (always a Double)                        |
/// | identifier  | `[A-Za-z_][A-Za-z0-9_.]*`, `::`-joined parts (`TMath::Abs`), optional `$`  |
/// | operator    | `+ - * / % ! < <= > >= == != && \|\|`                                       |
/// | punctuation | `( ) [ ] , ? :`                                                            |
/// Whitespace separates tokens. Positions are offsets in the expression's unicode scalars.
struct Token: Equatable {
    enum Kind: Equatable {
        case number(Double)
        case identifier(String)
        case symbol(String)
        case end
    }
    let kind: Kind
    let range: Range<Int>
}

struct Lexer {
    let expression: String
    private let scalars: [Unicode.Scalar]

    init(_ expression: String) {
        self.expression = expression
        self.scalars = Array(expression.unicodeScalars)
    }

    private func error(_ message: String, _ range: Range<Int>) -> CutExpressionError {
        CutExpressionError(kind: .syntax, message: message, expression: expression, range: range)
    }

    private static func isLetter(_ c: Unicode.Scalar) -> Bool {
        (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c == "_"
    }
    private static func isDigit(_ c: Unicode.Scalar) -> Bool { c >= "0" && c <= "9" }

    /// All tokens, ending with `.end`.
    func tokens() throws -> [Token] {
        var out: [Token] = []
        var i = 0
        let n = scalars.count
        func at(_ k: Int) -> Unicode.Scalar? { k < n ? scalars[k] : nil }
        while i < n {
            let c = scalars[i]
            if c == " " || c == "\t" || c == "\n" || c == "\r" { i += 1; continue }
            let start = i
            if Lexer.isDigit(c) || (c == "." && at(i + 1).map(Lexer.isDigit) == true) {
                while let d = at(i), Lexer.isDigit(d) { i += 1 }
                if at(i) == "." { i += 1; while let d = at(i), Lexer.isDigit(d) { i += 1 } }
                if let e = at(i), e == "e" || e == "E" {
                    var j = i + 1
                    if let s = at(j), s == "+" || s == "-" { j += 1 }
                    guard let d = at(j), Lexer.isDigit(d) else {
                        throw error("malformed number: exponent needs digits", start..<(j + 1))
                    }
                    i = j
                    while let d = at(i), Lexer.isDigit(d) { i += 1 }
                }
                if let next = at(i), Lexer.isLetter(next) || next == "." {
                    var j = i
                    while let d = at(j), Lexer.isLetter(d) || Lexer.isDigit(d) || d == "." { j += 1 }
                    throw error("malformed number '\(text(start..<j))'", start..<j)
                }
                guard let value = Double(text(start..<i)) else {
                    throw error("malformed number '\(text(start..<i))'", start..<i)
                }
                out.append(Token(kind: .number(value), range: start..<i))
                continue
            }
            if Lexer.isLetter(c) {
                while true {
                    while let d = at(i), Lexer.isLetter(d) || Lexer.isDigit(d) || d == "." { i += 1 }
                    if at(i) == ":" && at(i + 1) == ":", let d = at(i + 2), Lexer.isLetter(d) { i += 2; continue }
                    break
                }
                if at(i) == "$" { i += 1 }
                let name = text(start..<i)
                if name.hasSuffix(".") || name.contains("..") {
                    throw error("malformed name '\(name)': a '.' must join two parts of a branch name", start..<i)
                }
                out.append(Token(kind: .identifier(name), range: start..<i))
                continue
            }
            let two = i + 1 < n ? text(i..<(i + 2)) : ""
            if ["&&", "||", "==", "!=", "<=", ">="].contains(two) {
                out.append(Token(kind: .symbol(two), range: i..<(i + 2)))
                i += 2
                continue
            }
            switch c {
            case "+", "-", "*", "/", "%", "!", "<", ">", "(", ")", "[", "]", ",", "?", ":":
                out.append(Token(kind: .symbol(String(c)), range: i..<(i + 1)))
                i += 1
            case "&": throw error("unexpected '&': use '&&' for a logical and", i..<(i + 1))
            case "|": throw error("unexpected '|': use '||' for a logical or", i..<(i + 1))
            case "=": throw error("unexpected '=': use '==' to compare", i..<(i + 1))
            case "^": throw error("unexpected '^': use pow(a, b) for powers", i..<(i + 1))
            case "\"", "'": throw error("strings are not supported in cut expressions", i..<(i + 1))
            default: throw error("unexpected character '\(c)'", i..<(i + 1))
            }
        }
        out.append(Token(kind: .end, range: n..<n))
        return out
    }

    private func text(_ r: Range<Int>) -> String {
        String(String.UnicodeScalarView(scalars[r]))
    }
}
