import Columnar
import Selection
import XCTest

/// Hostile expressions: very long operator chains (which built trees too tall for the recursive walks:
/// a 100 000-term `+` chain overflowed the stack in `freeVariables`) and deep nesting end in a
/// CutExpressionError; long but reasonable chains (run lists) still work.
final class HostileExpressionTests: XCTestCase {
    func table() throws -> EventTable {
        try EventTable(rowCount: 4, columns: [
            ("nJet", Column(.int32([0, 1, 2, 3]))),
            ("HLT", Column(.bool([true, false, true, false]))),
        ])
    }

    func assertRefused(_ source: String, containing text: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try CutExpression(parsing: source), file: file, line: line) { e in
            guard let c = e as? CutExpressionError else { return XCTFail("not a CutExpressionError: \(e)", file: file, line: line) }
            XCTAssertTrue(c.description.contains(text), "\(c.description.prefix(300))", file: file, line: line)
        }
    }

    func testHundredThousandTermChainsAreRefused() {
        assertRefused(Array(repeating: "nJet", count: 100_000).joined(separator: "+") + " > 1", containing: "too long")
        assertRefused(Array(repeating: "HLT", count: 100_000).joined(separator: " && "), containing: "too long")
        assertRefused(Array(repeating: "nJet", count: 1_200).joined(separator: " * "), containing: "too long")
    }

    func testDeepNestingIsRefused() {
        assertRefused(String(repeating: "(", count: 100_000) + "nJet" + String(repeating: ")", count: 100_000), containing: "nested too deeply")
        assertRefused(String(repeating: "!", count: 100_000) + "HLT", containing: "nested too deeply")
        assertRefused(String(repeating: "abs(", count: 10_000) + "nJet" + String(repeating: ")", count: 10_000), containing: "nested too deeply")
    }

    /// A 990-run list, the kind of long chain real selections hold, parses and evaluates (in a debug build,
    /// on the test thread's stack); longer lists work when grouped in parentheses.
    func testLongRunListsStillEvaluate() throws {
        let source = (0..<990).map { "nJet == \($0 * 2 + 1)" }.joined(separator: " || ")
        XCTAssertEqual(try CutExpression(parsing: source).evaluateMask(on: try table()), [false, true, false, true])
        let groups = (0..<20).map { g in "(" + (0..<500).map { "nJet == \((g * 500 + $0) * 2 + 1)" }.joined(separator: " || ") + ")" }
        XCTAssertEqual(try CutExpression(parsing: groups.joined(separator: " || ")).evaluateMask(on: try table()), [false, true, false, true])
    }
}
