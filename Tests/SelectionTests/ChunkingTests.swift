import Columnar
import Selection
import XCTest

/// Tables longer than `CutExpression.chunkSize` are evaluated chunk by chunk; results must not depend on it.
final class ChunkingTests: XCTestCase {
    /// n events; event i has i % 4 jets with pt = 10 * (k + 1) + i % 7, and a muon list of (i % 3) entries.
    private func table(_ n: Int) throws -> EventTable {
        var jetPt: [Float] = [], jetOffsets = [0], muPt: [Double] = [], muOffsets = [0]
        for i in 0..<n {
            for k in 0..<(i % 4) { jetPt.append(Float(10 * (k + 1) + i % 7)) }
            jetOffsets.append(jetPt.count)
            for k in 0..<(i % 3) { muPt.append(Double(5 * k + i % 11)) }
            muOffsets.append(muPt.count)
        }
        return try EventTable(rowCount: n, columns: [
            ("met", Column(.float32((0..<n).map { Float($0 % 100) }))),
            ("fixed", Column(.int16((0..<(2 * n)).map { Int16($0 % 5) }), layout: .fixed(shape: [2]))),
            ("Jet_pt", Column(jagged: .float32(jetPt), offsets: jetOffsets)),
            ("Mu_pt", Column(jagged: .float64(muPt), offsets: muOffsets)),
        ])
    }

    func testChunkedEvaluationEqualsAScalarLoop() throws {
        let n = 2 * CutExpression.chunkSize + 1234
        let t = try table(n)
        let mask = try CutExpression(parsing: "Sum$(Jet_pt > 25) >= 1 && Jet_pt[1] > met * 0.3 || Alt$(Mu_pt[1], 0) > 12 && fixed[1] != 2")
            .evaluateMask(on: t)
        let weights = try CutExpression(parsing: "Max$(Jet_pt) + Length$(Mu_pt) * fixed[0]").evaluateNumbers(on: t)
        XCTAssertEqual(mask.count, n)
        XCTAssertEqual(weights.count, n)
        var mismatches = 0
        for i in 0..<n {
            let jets = (0..<(i % 4)).map { Double(10 * ($0 + 1) + i % 7) }
            let mus = (0..<(i % 3)).map { Double(5 * $0 + i % 11) }
            let met = Double(i % 100), f0 = Double((2 * i) % 5), f1 = Double((2 * i + 1) % 5)
            // Jet_pt[1] missing fails the whole expression, even the || branch.
            let anyHard = jets.contains { $0 > 25 }
            let mu1: Double = mus.count > 1 ? mus[1] : 0
            let left = jets.count > 1 && anyHard && jets[1] > met * 0.3
            let right = mu1 > 12 && f1 != 2
            let want = jets.count > 1 && (left || right)
            if mask[i] != want { mismatches += 1 }
            let w = (jets.max() ?? 0) + Double(mus.count) * f0
            if weights[i] != w { mismatches += 1 }
        }
        XCTAssertEqual(mismatches, 0)
        // Cutflow terms across chunks.
        let flow = try Cutflow.compute(cut: CutExpression(parsing: "met > 10 && Sum$(Jet_pt) > 30 && Length$(Mu_pt) == 2"), table: t)
        var last = 0
        for i in 0..<n {
            var ht = 0.0
            for k in 0..<(i % 4) { ht += Double(10 * (k + 1) + i % 7) }
            if i % 100 > 10 && ht > 30 && i % 3 == 2 { last += 1 }
        }
        XCTAssertEqual(flow.steps.last?.events, last)
    }

    func testShapeErrorNamesTheGlobalEntry() throws {
        let n = CutExpression.chunkSize + 10
        var a: [Float] = [], b: [Float] = [], oa = [0], ob = [0]
        for i in 0..<n {
            a.append(1); oa.append(a.count)
            if i != CutExpression.chunkSize + 3 { b.append(1) }
            ob.append(b.count)
        }
        let t = try EventTable(rowCount: n, columns: [("a", Column(jagged: .float32(a), offsets: oa)),
                                                      ("b", Column(jagged: .float32(b), offsets: ob))])
        XCTAssertThrowsError(try CutExpression(parsing: "Sum$(a + b) > 0").evaluateMask(on: t)) { e in
            let err = e as? CutExpressionError
            XCTAssertEqual(err?.kind, .shapeMismatch)
            XCTAssertTrue(err?.message.contains("entry \(CutExpression.chunkSize + 3) has 1 and 0") == true, err?.message ?? "")
        }
    }
}
