import Columnar
import Selection
import XCTest

/// Random token soups and random well-formed expressions: every one either evaluates to a mask of the right
/// length or throws a CutExpressionError — never a trap.
final class FuzzTests: XCTestCase {
    private let tokens = ["nJet", "MET_pt", "HLT", "Jet_pt", "Jet_id", "Muon_pt", "p3", "1", "0", "2.5", "-1", "1e3",
                          "true", "false", "+", "-", "*", "/", "%", "!", "<", "<=", ">", ">=", "==", "!=", "&&",
                          "||", "?", ":", "(", ")", "[", "]", ",", "abs(", "sqrt(", "pow(", "min(", "max(", "Sum$(",
                          "Max$(", "Min$(", "Length$(", "MaxIf$(", "MinIf$(", "Alt$(", "TMath::Hypot(", "atan2(", "x"]

    private func table() throws -> EventTable {
        try EventTable(rowCount: 3, columns: [
            ("nJet", Column(.int32([2, 0, 1]))),
            ("MET_pt", Column(.float32([10, 0, 35]))),
            ("HLT", Column(.bool([true, false, true]))),
            ("Jet_pt", Column(jagged: .float32([50, 40, 20]), offsets: [0, 2, 2, 3])),
            ("Jet_id", Column(jagged: .bool([true, false, true]), offsets: [0, 2, 2, 3])),
            ("Muon_pt", Column(jagged: .float64([30, 12]), offsets: [0, 0, 2, 2])),
            ("p3", Column(.float32([1, 2, 3, 4, 5, 6]), layout: .fixed(shape: [2]))),
        ])
    }

    private struct Generator {
        var state: UInt64
        mutating func next(_ n: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(n))
        }
    }

    private func check(_ source: String, _ t: EventTable, _ outcomes: inout (ok: Int, failed: Int)) {
        do {
            let e = try CutExpression(parsing: source)
            let mask = try e.evaluateMask(on: t)
            XCTAssertEqual(mask.count, 3, source)
            outcomes.ok += 1
        } catch is CutExpressionError {
            outcomes.failed += 1
        } catch {
            XCTFail("'\(source)' threw a non-expression error: \(error)")
        }
    }

    func testRandomTokenSoupsNeverTrap() throws {
        let t = try table()
        var g = Generator(state: 42)
        var outcomes = (ok: 0, failed: 0)
        for _ in 0..<3000 {
            let n = 1 + g.next(12)
            let source = (0..<n).map { _ in tokens[g.next(tokens.count)] }.joined(separator: " ")
            check(source, t, &outcomes)
        }
        XCTAssertGreaterThan(outcomes.failed, 0)
    }

    /// Random well-typed-or-not trees built from the grammar; many evaluate, the rest fail with typed errors.
    func testRandomExpressionTreesNeverTrap() throws {
        let t = try table()
        var g = Generator(state: 7)
        var outcomes = (ok: 0, failed: 0)
        func number(_ depth: Int) -> String {
            if depth == 0 { return ["nJet", "MET_pt", "2.5", "Jet_pt", "Muon_pt", "p3", "0", "Jet_pt[1]", "p3[nJet]"][g.next(9)] }
            switch g.next(9) {
            case 0: return "(\(number(depth - 1)) \(["+", "-", "*", "/", "%"][g.next(5)]) \(number(depth - 1)))"
            case 1: return "\(["abs", "sqrt", "exp", "log", "sin"][g.next(5)])(\(number(depth - 1)))"
            case 2: return "\(["pow", "min", "max", "atan2", "hypot"][g.next(5)])(\(number(depth - 1)), \(number(depth - 1)))"
            case 3: return "\(["Sum$", "Max$", "Min$", "Length$"][g.next(4)])(\(number(depth - 1)))"
            case 4: return "\(["MaxIf$", "MinIf$"][g.next(2)])(\(number(depth - 1)), \(condition(depth - 1)))"
            case 5: return "(\(condition(depth - 1)) ? \(number(depth - 1)) : \(number(depth - 1)))"
            case 6: return "Alt$(\(number(depth - 1)), \(number(depth - 1)))"
            case 7: return "-\(number(depth - 1))"
            default: return "(\(number(depth - 1)))[\(g.next(3))]"
            }
        }
        func condition(_ depth: Int) -> String {
            if depth == 0 { return ["HLT", "Jet_id", "true", "Jet_id[0]"][g.next(4)] }
            switch g.next(4) {
            case 0: return "(\(number(depth - 1)) \(["<", "<=", ">", ">=", "==", "!="][g.next(6)]) \(number(depth - 1)))"
            case 1: return "(\(condition(depth - 1)) \(["&&", "||", "==", "!="][g.next(4)]) \(condition(depth - 1)))"
            case 2: return "!\(condition(depth - 1))"
            default: return "(\(condition(depth - 1)) ? \(condition(depth - 1)) : \(condition(depth - 1)))"
            }
        }
        for _ in 0..<3000 { check(condition(1 + g.next(4)), t, &outcomes) }
        XCTAssertGreaterThan(outcomes.ok, 300, "too few random expressions evaluated: \(outcomes)")
        XCTAssertGreaterThan(outcomes.failed, 100, "type errors expected for bare per-element cuts and shape mixes")
    }
}
