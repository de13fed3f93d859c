import Columnar
import Selection
import XCTest

/// Vectorised evaluation on hand-built tables: jagged semantics, broadcasting, missing elements, IEEE results,
/// and the type / branch / shape errors.
final class EvaluatorTests: XCTestCase {
    /// 4 events. Jets per event: 3, 0, 1, 2. Muons per event: 1, 2, 0, 1.
    private func table() throws -> EventTable {
        try EventTable(rowCount: 4, columns: [
            ("nJet", Column(.int32([3, 0, 1, 2]))),
            ("MET_pt", Column(.float32([10, 60, 35.5, 0]))),
            ("HLT", Column(.bool([true, false, true, true]))),
            ("weight", Column(.float64([0.5, 2, 1, -1]))),
            ("Jet_pt", Column(jagged: .float32([50, 40, 20, 25, 100, 5]), offsets: [0, 3, 3, 4, 6])),
            ("Jet_eta", Column(jagged: .float32([0.5, -3, 1, 2.6, -0.1, 0]), offsets: [0, 3, 3, 4, 6])),
            ("Jet_id", Column(jagged: .bool([true, false, true, true, true, false]), offsets: [0, 3, 3, 4, 6])),
            ("Muon_pt", Column(jagged: .float64([30, 12, 8, 45]), offsets: [0, 1, 3, 3, 4])),
            ("Muon_charge", Column(jagged: .int32([1, -1, 1, -1]), offsets: [0, 1, 3, 3, 4])),
            ("p3", Column(.float32([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]), layout: .fixed(shape: [3]))),
        ])
    }

    private func mask(_ s: String) throws -> [Bool] { try CutExpression(parsing: s).evaluateMask(on: table()) }
    private func numbers(_ s: String) throws -> [Double] { try CutExpression(parsing: s).evaluateNumbers(on: table()) }

    private func evaluationError(_ s: String, file: StaticString = #filePath, line: UInt = #line) -> CutExpressionError? {
        do {
            _ = try CutExpression(parsing: s).evaluateMask(on: table())
            XCTFail("'\(s)' evaluated but should not", file: file, line: line)
        } catch let e as CutExpressionError {
            return e
        } catch {
            XCTFail("unexpected error \(error)", file: file, line: line)
        }
        return nil
    }

    func testFlatCuts() throws {
        XCTAssertEqual(try mask("nJet >= 2 && MET_pt < 50"), [true, false, false, true])
        XCTAssertEqual(try mask("HLT"), [true, false, true, true])
        XCTAssertEqual(try mask("!HLT || MET_pt == 35.5"), [false, true, true, false])
        XCTAssertEqual(try mask("HLT == (nJet > 0)"), [true, true, true, true])
        XCTAssertEqual(try mask("HLT != true"), [false, true, false, false])
        XCTAssertEqual(try mask("true"), [true, true, true, true])
        XCTAssertEqual(try mask("1 > 2"), [false, false, false, false])
    }

    func testArithmeticFunctionsAndIEEE() throws {
        XCTAssertEqual(try numbers("MET_pt * 2 - nJet"), [17, 120, 70, -2])
        XCTAssertEqual(try numbers("nJet % 2"), [1, 0, 1, 0])
        XCTAssertEqual(try numbers("-7 % 3 + MET_pt * 0"), [-1, -1, -1, -1])     // sign of the dividend, as C
        XCTAssertEqual(try numbers("7.9 % 3.9 + nJet * 0"), [1, 1, 1, 1])        // operands truncated first
        XCTAssertTrue(try numbers("nJet % 0").allSatisfy(\.isNaN))
        let quotient = try numbers("nJet / 0")
        XCTAssertEqual([quotient[0], quotient[2], quotient[3]], [.infinity, .infinity, .infinity])
        XCTAssertTrue(quotient[1].isNaN)                                          // 0/0
        XCTAssertEqual(try numbers("-MET_pt / 0")[0], -.infinity)
        XCTAssertEqual(try mask("MET_pt / 0 > 1e308"), [true, true, true, false])  // 0/0 is NaN: every comparison false
        XCTAssertEqual(try mask("MET_pt / 0 != MET_pt / 0"), [false, false, false, true])
        XCTAssertEqual(try numbers("sqrt(-1) + nJet")[0].isNaN, true)
        XCTAssertEqual(try numbers("pow(nJet, 2) + hypot(3, 4) + abs(-MET_pt)"), [24, 65, 41.5, 9])
        XCTAssertEqual(try numbers("max(nJet, 2) * min(nJet, 1)"), [3, 0, 2, 2])
        for (got, want) in zip(try numbers("log(exp(nJet)) + log10(1000)"), [6.0, 3, 4, 5]) {
            XCTAssertEqual(got, want, accuracy: 1e-14)
        }
        XCTAssertEqual(try numbers("atan2(0, -1) + nJet * 0")[0], Double.pi, accuracy: 1e-15)
    }

    func testAggregatesOverJaggedBranches() throws {
        XCTAssertEqual(try numbers("Sum$(Jet_pt)"), [110, 0, 25, 105])
        XCTAssertEqual(try numbers("Sum$(Jet_pt > 30)"), [2, 0, 0, 1])
        XCTAssertEqual(try numbers("Max$(Jet_pt)"), [50, 0, 25, 100])            // empty list: 0, as ROOT
        XCTAssertEqual(try numbers("Min$(Jet_pt)"), [20, 0, 25, 5])
        XCTAssertEqual(try numbers("Length$(Jet_pt)"), [3, 0, 1, 2])
        XCTAssertEqual(try numbers("Sum$(Jet_id)"), [2, 0, 1, 1])
        XCTAssertEqual(try numbers("MaxIf$(Jet_pt, abs(Jet_eta) < 2.4)"), [50, 0, 0, 100])
        XCTAssertEqual(try numbers("MinIf$(Jet_pt, Jet_id)"), [20, 0, 25, 100])
        XCTAssertEqual(try mask("Sum$(Jet_pt > 30 && abs(Jet_eta) < 2.4) >= 1"), [true, false, false, true])
        XCTAssertEqual(try mask("Sum$(Jet_pt > 10) == Length$(Jet_pt)"), [true, true, true, false])  // "all"
        XCTAssertEqual(try numbers("Sum$(MET_pt)"), [10, 60, 35.5, 0])          // a per-event value is a list of one
        XCTAssertEqual(try numbers("Length$(MET_pt)"), [1, 1, 1, 1])
        XCTAssertEqual(try numbers("Sum$(Muon_charge)"), [1, 0, 0, -1])
    }

    func testBroadcastingPerEventValuesIntoElements() throws {
        XCTAssertEqual(try numbers("Sum$(Jet_pt > MET_pt)"), [3, 0, 0, 2])
        XCTAssertEqual(try numbers("Sum$(Jet_pt * nJet)"), [330, 0, 25, 210])
        XCTAssertEqual(try numbers("Sum$(HLT ? Jet_pt : 0)"), [110, 0, 25, 105])
        XCTAssertEqual(try numbers("Sum$(Jet_pt > Max$(Muon_pt))"), [2, 0, 1, 1])
        XCTAssertEqual(try numbers("Sum$(Jet_pt > 30 ? 1 : 0)"), [2, 0, 0, 1])
        XCTAssertEqual(try numbers("Sum$(Jet_pt * Jet_pt)"), [4500, 0, 625, 10025])
    }

    func testIndexingAndMissingElements() throws {
        XCTAssertEqual(try mask("Jet_pt[0] > 30"), [true, false, false, true])
        XCTAssertEqual(try mask("Jet_pt[1] < 50"), [true, false, false, true])
        XCTAssertEqual(try mask("Jet_id[2]"), [true, false, false, false])
        XCTAssertEqual(try mask("Jet_pt[nJet - 1] >= 20"), [true, false, true, false])
        XCTAssertEqual(try mask("(Jet_pt * 2)[0] > 60"), [true, false, false, true])
        // A missing element fails the whole cut, whatever surrounds it (as TTree::Draw skips the entry).
        XCTAssertEqual(try mask("Jet_pt[1] > 30 || MET_pt > 50"), [true, false, false, false])
        XCTAssertEqual(try mask("!(Jet_pt[1] > 30)"), [false, false, false, true])
        XCTAssertEqual(try mask("nJet > 1 ? Jet_pt[1] > 30 : true"), [true, false, false, false])
        XCTAssertEqual(try mask("Sum$(Jet_pt >= Jet_pt[0]) >= 1"), [true, false, true, true])
        // ... unless Alt$ supplies a fallback.
        XCTAssertEqual(try mask("Alt$(Jet_pt[1], 0) > 30 || MET_pt > 50"), [true, true, false, false])
        XCTAssertEqual(try numbers("Alt$(Jet_pt[1], -1)"), [40, -1, -1, 5])
        // Per element: a list made missing by a missing per-event operand is replaced by the fallback.
        XCTAssertEqual(try numbers("Sum$(Alt$(Jet_pt * Muon_pt[0], -1))"), [3300, 0, -1, 4725])
        // A per-element fallback gives the result one value per element (x repeated where it exists).
        XCTAssertEqual(try numbers("Sum$(Alt$(MET_pt, Jet_pt))"), [30, 0, 35.5, 0])   // MET_pt per jet
        XCTAssertEqual(try numbers("Sum$(Alt$(Muon_pt[0], Jet_pt))"), [90, 0, 25, 90])
        // Negative, fractional and NaN indices.
        XCTAssertEqual(try mask("Jet_pt[-1] > 0"), [false, false, false, false])
        XCTAssertEqual(try mask("Jet_pt[0.9] == Jet_pt[0]"), [true, false, true, true])   // truncated toward zero
        XCTAssertEqual(try mask("Jet_pt[0/0] > 0"), [false, false, false, false])
        // Weights: missing gives NaN.
        let w = try numbers("Jet_pt[1]")
        XCTAssertEqual(w[0], 40); XCTAssertTrue(w[1].isNaN); XCTAssertTrue(w[2].isNaN); XCTAssertEqual(w[3], 5)
    }

    func testFixedSizeArraysActLikeLists() throws {
        XCTAssertEqual(try numbers("p3[2]"), [3, 6, 9, 12])
        XCTAssertEqual(try numbers("Sum$(p3)"), [6, 15, 24, 33])
        XCTAssertEqual(try numbers("Length$(p3)"), [3, 3, 3, 3])
        XCTAssertEqual(try mask("p3[3] > 0"), [false, false, false, false])
    }

    func testBareJaggedCutIsATypeErrorWithAHint() {
        let e = evaluationError("Jet_pt > 30")
        XCTAssertEqual(e?.kind, .type)
        XCTAssertEqual(e?.range, 0..<11)
        XCTAssertTrue(e?.message.contains("Sum$(Jet_pt > 30) > 0") == true, e?.message ?? "")
        XCTAssertTrue(e?.message.contains("Jet_pt[0]") == true)
        XCTAssertEqual(evaluationError("Sum$(Jet_pt) > 0 && Jet_eta < 1")?.kind, .type)
        XCTAssertThrowsError(try numbers("Jet_pt * 2"))
    }

    func testBooleanNumberMixUps() {
        let andNumber = evaluationError("nJet && HLT")
        XCTAssertEqual(andNumber?.kind, .type)
        XCTAssertEqual(andNumber?.range, 0..<4)
        XCTAssertTrue(andNumber?.message.contains("needs a boolean") == true)
        XCTAssertEqual(evaluationError("HLT + 1 > 0")?.range, 0..<3)
        XCTAssertEqual(evaluationError("HLT == 1")?.kind, .type)
        XCTAssertEqual(evaluationError("!nJet")?.range, 1..<5)
        XCTAssertEqual(evaluationError("-HLT")?.kind, .type)
        XCTAssertEqual(evaluationError("HLT < true")?.kind, .type)
        XCTAssertEqual(evaluationError("sqrt(HLT) > 1")?.kind, .type)
        XCTAssertEqual(evaluationError("nJet ? 1 > 0 : true")?.kind, .type)
        XCTAssertEqual(evaluationError("HLT ? 1 : true")?.kind, .type)
        XCTAssertEqual(evaluationError("MaxIf$(Jet_pt, Jet_eta) > 0")?.kind, .type)
        XCTAssertEqual(evaluationError("Alt$(Jet_pt[1], false) > 0")?.kind, .type)
        let numberCut = evaluationError("MET_pt * 2")
        XCTAssertTrue(numberCut?.message.contains("a cut must be a condition") == true)
        XCTAssertThrowsError(try numbers("MET_pt > 2")) { e in
            XCTAssertTrue((e as? CutExpressionError)?.message.contains("a weight must be a number") == true)
        }
    }

    func testIndexErrors() {
        XCTAssertEqual(evaluationError("MET_pt[0] > 1")?.kind, .type)
        XCTAssertEqual(evaluationError("Jet_pt[Muon_pt] > 1")?.kind, .type)
        XCTAssertEqual(evaluationError("Jet_pt[HLT] > 1")?.kind, .type)
    }

    func testUnknownBranchNamesTheClosestOnes() throws {
        let e = evaluationError("nJet > 2 && Jet_PT[0] > 30")
        XCTAssertEqual(e?.kind, .unknownBranch)
        XCTAssertEqual(e?.range, 12..<18)
        XCTAssertEqual(e?.suggestions.first, "Jet_pt")
        XCTAssertTrue(e?.description.contains("did you mean: Jet_pt") == true)
        XCTAssertEqual(evaluationError("njets > 1")?.suggestions.first, "nJet")
        // Checking names before reading a file.
        let cut = try CutExpression(parsing: "Muon_pT[0] > 20")
        XCTAssertThrowsError(try cut.checkBranches(available: ["Muon_pt", "Muon_eta", "nMuon"])) { err in
            XCTAssertEqual((err as? CutExpressionError)?.suggestions.first, "Muon_pt")
        }
        XCTAssertNoThrow(try CutExpression(parsing: "Muon_pt[0] > 20").checkBranches(available: ["Muon_pt"]))
    }

    func testElementwiseOnDifferentCountersIsAShapeError() {
        let e = evaluationError("Sum$(Jet_pt > Muon_pt) > 0")
        XCTAssertEqual(e?.kind, .shapeMismatch)
        XCTAssertEqual(e?.range, 5..<21)
        XCTAssertTrue(e?.message.contains("entry 0 has 3 and 1 elements") == true, e?.message ?? "")
    }

    func testInconsistentOffsetsAreADataErrorNotACrash() throws {
        let bad = try EventTable(rowCount: 2, columns: [
            ("x", Column(jagged: .float32([1, 2]), offsets: [0, 5, 2])),
        ])
        XCTAssertThrowsError(try CutExpression(parsing: "Sum$(x) > 0").evaluateMask(on: bad)) { e in
            XCTAssertEqual((e as? CutExpressionError)?.kind, .data)
        }
    }

    func testTypeCheckAgainstDeclaredKinds() throws {
        let kinds: [String: BranchKind] = ["pt": BranchKind(isBoolean: false, isPerElement: true),
                                           "ok": BranchKind(isBoolean: true, isPerElement: false)]
        XCTAssertEqual(try CutExpression(parsing: "ok && Sum$(pt) > 1").typeCheck(branches: kinds),
                       ExpressionType(isBoolean: true, isPerElement: false))
        XCTAssertEqual(try CutExpression(parsing: "pt * 2").typeCheck(branches: kinds),
                       ExpressionType(isBoolean: false, isPerElement: true))
    }

    func testEmptyTable() throws {
        let empty = try EventTable(rowCount: 0, columns: [("x", Column(.float32([]))),
                                                          ("j", Column(jagged: .float32([]), offsets: [0]))])
        XCTAssertEqual(try CutExpression(parsing: "x > 1 && Sum$(j) > 0 && Alt$(j[0], 1) > 0").evaluateMask(on: empty), [])
    }
}
