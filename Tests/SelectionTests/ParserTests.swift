import Columnar
import Selection
import XCTest

/// Parsing, free variables, precedence and the syntax errors (each bad-expression category).
final class ParserTests: XCTestCase {
    private func parseError(_ source: String, file: StaticString = #filePath, line: UInt = #line) -> CutExpressionError? {
        do {
            _ = try CutExpression(parsing: source)
            XCTFail("'\(source)' parsed but should not", file: file, line: line)
            return nil
        } catch let e as CutExpressionError {
            return e
        } catch {
            XCTFail("unexpected error type \(error)", file: file, line: line)
            return nil
        }
    }

    func testFreeVariablesAreTheBranchesOnly() throws {
        let e = try CutExpression(parsing: "Sum$(Jet_pt > 30 && abs(Jet_eta) < 2.4) >= 2 && TMath::Abs(MET_pt) < 50 && true")
        XCTAssertEqual(e.freeVariables, ["Jet_pt", "Jet_eta", "MET_pt"])
        XCTAssertEqual(try CutExpression(parsing: "fTracks.fPx[0] > 1").freeVariables, ["fTracks.fPx"])
        XCTAssertEqual(try CutExpression(parsing: "1 < 2").freeVariables, [])
    }

    func testNumberSpellings() throws {
        let t = try EventTable(rowCount: 1, columns: [])
        for (source, value) in [("1", 1.0), ("2.5", 2.5), ("1e3", 1000), (".5", 0.5), ("1.", 1), ("1.5E-2", 0.015), ("3e+2", 300)] {
            XCTAssertEqual(try CutExpression(parsing: source).evaluateNumbers(on: t), [value], source)
        }
    }

    func testPrecedenceFollowsCpp() throws {
        let t = try EventTable(rowCount: 1, columns: [])
        func number(_ s: String) throws -> Double { try CutExpression(parsing: s).evaluateNumbers(on: t)[0] }
        func truth(_ s: String) throws -> Bool { try CutExpression(parsing: s).evaluateMask(on: t)[0] }
        XCTAssertEqual(try number("1 + 2 * 3"), 7)
        XCTAssertEqual(try number("(1 + 2) * 3"), 9)
        XCTAssertEqual(try number("10 - 4 - 3"), 3)           // left associative
        XCTAssertEqual(try number("12 / 3 / 2"), 2)
        XCTAssertEqual(try number("-2 * -3"), 6)
        XCTAssertEqual(try number("7 % 4 * 2"), 6)
        XCTAssertEqual(try number("2 - -1"), 3)
        XCTAssertTrue(try truth("true || false && false"))    // && binds tighter than ||
        XCTAssertFalse(try truth("(true || false) && false"))
        XCTAssertTrue(try truth("1 < 2 == 3 < 4"))            // relational before equality
        XCTAssertTrue(try truth("!false && true"))
        XCTAssertEqual(try number("true ? 1 : false ? 2 : 3"), 1)  // ternary is right associative
        XCTAssertEqual(try number("false ? 1 : false ? 2 : 3"), 3)
        XCTAssertEqual(try number("1 + 2 > 2 ? 10 : 20"), 10)
    }

    func testConjunctionTermsSplitTopLevelAndOnly() throws {
        let e = try CutExpression(parsing: "a > 1 && (b > 2 && c > 3) && (d > 4 || e > 5) && f")
        XCTAssertEqual(e.conjunctionTerms.map(\.source), ["a > 1", "(b > 2 && c > 3)", "(d > 4 || e > 5)", "f"])
        XCTAssertEqual(try CutExpression(parsing: "a > 1 || b > 2 && c").conjunctionTerms.map(\.source), ["a > 1 || b > 2 && c"])
    }

    func testEmptyExpression() {
        for s in ["", "   "] {
            let e = parseError(s)
            XCTAssertEqual(e?.kind, .syntax)
            XCTAssertEqual(e?.message, "empty expression")
        }
    }

    func testUnbalancedParentheses() {
        let open = parseError("(nJet > 2 && MET_pt < 50")
        XCTAssertEqual(open?.kind, .syntax)
        XCTAssertEqual(open?.range, 0..<1)
        XCTAssertTrue(open?.message.contains("missing ')'") == true)
        let close = parseError("nJet > 2) && MET_pt < 50")
        XCTAssertEqual(close?.range, 8..<9)
        XCTAssertTrue(close?.message.contains("unbalanced ')'") == true)
        let bracket = parseError("Jet_pt[0 > 3")
        XCTAssertTrue(bracket?.message.contains("']'") == true)
        XCTAssertEqual(parseError("abs(x")?.range, 3..<4)
        XCTAssertEqual(parseError("()")?.message, "empty parentheses '()'")
        XCTAssertNotNil(parseError("Jet_pt[] > 1"))
    }

    func testMissingOperandsAndBadTokens() {
        XCTAssertEqual(parseError("nJet >")?.range, 5..<6)
        XCTAssertEqual(parseError("nJet > > 3")?.range, 7..<8)
        XCTAssertEqual(parseError("nJet 3")?.range, 5..<6)
        XCTAssertTrue(parseError("a & b")?.message.contains("'&&'") == true)
        XCTAssertTrue(parseError("a | b")?.message.contains("'||'") == true)
        XCTAssertTrue(parseError("a = 1")?.message.contains("'=='") == true)
        XCTAssertTrue(parseError("a ^ 2")?.message.contains("pow") == true)
        XCTAssertEqual(parseError("a > 1 # comment")?.range, 6..<7)
        XCTAssertEqual(parseError("30GeV < pt")?.kind, .syntax)
        XCTAssertEqual(parseError("1e+ > x")?.kind, .syntax)
        XCTAssertEqual(parseError("a. > 1")?.kind, .syntax)
        XCTAssertTrue(parseError("a ? b")?.message.contains("':'") == true)
        XCTAssertNotNil(parseError("a > 1,"))
        XCTAssertNotNil(parseError("\"Jet_pt\" > 1"))
    }

    func testUnknownFunctionSuggestsCloseNames() {
        let e = parseError("sqr(x) > 1")
        XCTAssertEqual(e?.kind, .unknownFunction)
        XCTAssertEqual(e?.range, 0..<3)
        XCTAssertEqual(e?.suggestions.first, "sqrt")
        XCTAssertEqual(parseError("TMath::Sqr(x) > 1")?.suggestions.first, "TMath::Sqrt")
        XCTAssertEqual(parseError("Summ$(x) > 1")?.suggestions.first, "Sum$")
        XCTAssertEqual(parseError("Foo$ > 1")?.kind, .unknownFunction)
        XCTAssertEqual(parseError("sqrt > 1")?.kind, .syntax)
    }

    func testWrongArity() {
        for s in ["sqrt(x, y) > 1", "pow(x) > 1", "Sum$() > 1", "atan2(x) > 0", "Alt$(x) > 0", "MaxIf$(x) > 1", "abs() > 1"] {
            XCTAssertEqual(parseError(s)?.kind, .arity, s)
        }
        XCTAssertEqual(parseError("pow(x) > 1")?.message, "pow takes 2 arguments, got 1")
        XCTAssertEqual(parseError("pow(x) > 1")?.range, 0..<6)
    }

    func testDeepNestingIsAnErrorNotACrash() {
        let deep = String(repeating: "(", count: 100_000) + "1" + String(repeating: ")", count: 100_000)
        XCTAssertTrue(parseError(deep)?.message.contains("nested too deeply") == true)
        let unary = String(repeating: "!", count: 100_000) + "true"
        XCTAssertNotNil(parseError(unary))
        let moderate = String(repeating: "(", count: 50) + "1" + String(repeating: ")", count: 50) + " > 0"
        XCTAssertNoThrow(try CutExpression(parsing: moderate))
    }

    func testErrorDescriptionHasCaretUnderTheColumn() {
        let e = parseError("nJet >= 4 && sqr(MET_pt) < 50")
        XCTAssertEqual(e?.column, 14)
        XCTAssertEqual(e?.description, """
            unknown function 'sqr' (did you mean: sqrt, TMath::Sqrt?)
              nJet >= 4 && sqr(MET_pt) < 50
                           ^~~
            """)
    }

    func testSuggestionsRankByEditDistance() throws {
        func suggestions(_ name: String, _ available: [String]) -> [String] {
            do {
                try CutExpression(parsing: "\(name) > 1").checkBranches(available: available)
                return ["<no error>"]
            } catch let e as CutExpressionError {
                return e.suggestions
            } catch { return ["<other error>"] }
        }
        XCTAssertEqual(suggestions("Jet_PT", ["Muon_pt", "Jet_pt", "Jet_eta"]), ["Jet_pt", "Jet_eta"])
        XCTAssertEqual(suggestions("Jet_ptt", ["Jet_eta", "Jet_pt"]), ["Jet_pt", "Jet_eta"])
        XCTAssertEqual(suggestions("zzzzzz", ["Jet_pt"]), [])
        XCTAssertEqual(suggestions("MET", ["nMuon", "MET_pt", "MET_phi"]), ["MET_pt", "MET_phi"])  // containment
        XCTAssertEqual(suggestions("nJet", ["nJet"]), ["<no error>"])
    }
}
