import Columnar
import Foundation
import Selection
import XCTest

/// Regions (overlapping, signal flag, weights), cutflows and the CLI's JSON summary.
final class RegionCutflowTests: XCTestCase {
    /// 6 events.
    private func table() throws -> EventTable {
        try EventTable(rowCount: 6, columns: [
            ("nJet", Column(.int32([0, 1, 2, 3, 4, 5]))),
            ("MET_pt", Column(.float32([10, 80, 30, 60, 20, 100]))),
            ("genWeight", Column(.float32([1, 2, -1, 0.5, 1, 2]))),
            ("puWeight", Column(.float64([1, 0.5, 2, 2, 1, 1]))),
            ("Jet_pt", Column(jagged: .float32([40, 35, 20, 50, 45, 10, 31, 32, 33, 34, 60, 61, 62, 63, 64]),
                              offsets: [0, 0, 1, 3, 6, 10, 15])),
        ])
    }

    func testRegionsMayOverlapAndCarryWeights() throws {
        let t = try table()
        let set = try RegionSet([
            Region(name: "SR", cut: "nJet >= 4 && MET_pt < 50"),
            Region(name: "CR_highMET", cut: "MET_pt >= 50"),
            Region(name: "CR_jets", cut: "Sum$(Jet_pt > 30) >= 2"),
        ], signal: "SR")
        XCTAssertEqual(set.signalRegion?.name, "SR")
        XCTAssertEqual(set.freeVariables, ["nJet", "MET_pt", "Jet_pt"])
        let results = try set.evaluate(on: t, weight: CutExpression(parsing: "genWeight * puWeight"))
        XCTAssertEqual(results.map(\.name), ["SR", "CR_highMET", "CR_jets"])
        XCTAssertEqual(results.map(\.isSignal), [true, false, false])
        XCTAssertEqual(results[0].mask, [false, false, false, false, true, false])
        XCTAssertEqual(results[1].mask, [false, true, false, true, false, true])
        XCTAssertEqual(results[2].mask, [false, false, false, true, true, true])     // overlaps both
        XCTAssertEqual(results.map(\.selected), [1, 3, 3])
        XCTAssertEqual(results[1].sumWeights, 1 + 1 + 2)                             // 2*0.5 + 0.5*2 + 2*1
        XCTAssertEqual(results[1].sumWeights2, 1 + 1 + 4)
        XCTAssertEqual(results[2].sumWeights, 1 + 1 + 2)
        let unweighted = try set.evaluate(on: t)
        XCTAssertEqual(unweighted.map(\.sumWeights), [1, 3, 3])
        let masks = try set.masks(on: t)
        XCTAssertEqual(masks.map(\.mask), results.map(\.mask))
    }

    func testRegionSetRejectsDuplicatesAndUnknownSignal() throws {
        let a = try Region(name: "A", cut: "nJet > 1")
        XCTAssertThrowsError(try RegionSet([a, a])) { XCTAssertEqual($0 as? RegionError, .duplicateName("A")) }
        XCTAssertThrowsError(try RegionSet([a], signal: "B")) {
            XCTAssertEqual($0 as? RegionError, .unknownSignalRegion("B", available: ["A"]))
        }
        XCTAssertThrowsError(try Region(name: "bad", cut: "nJet >")) { XCTAssertTrue($0 is CutExpressionError) }
        XCTAssertThrowsError(try RegionSet([a]).evaluate(on: table(), weights: [1, 2])) {
            XCTAssertEqual($0 as? RegionError, .weightLengthMismatch(expected: 6, got: 2))
        }
    }

    func testCutflowCountsEachPrefixOfTheAndChain() throws {
        let t = try table()
        let cut = try CutExpression(parsing: "nJet >= 1 && (MET_pt > 25 || nJet == 4) && Sum$(Jet_pt > 30) >= 2 && MET_pt < 90")
        let flow = try Cutflow.compute(cut: cut, weight: CutExpression(parsing: "genWeight"), table: t)
        XCTAssertEqual(flow.entries, 6)
        XCTAssertEqual(flow.totalSumWeights, 5.5)
        XCTAssertEqual(flow.steps.map(\.term), ["nJet >= 1", "(MET_pt > 25 || nJet == 4)", "Sum$(Jet_pt > 30) >= 2", "MET_pt < 90"])
        XCTAssertEqual(flow.steps.map(\.events), [5, 5, 3, 2])
        XCTAssertEqual(flow.steps.map(\.sumWeights), [4.5, 4.5, 3.5, 1.5])
        XCTAssertEqual(flow.steps[2].efficiency, 0.6)
        XCTAssertEqual(flow.steps[3].cumulativeEfficiency, 2.0 / 6.0)
        XCTAssertEqual(flow.steps.last?.events, try cut.evaluateMask(on: t).filter { $0 }.count)
        let text = flow.textTable()
        XCTAssertTrue(text.contains("Sum$(Jet_pt > 30) >= 2"))
        XCTAssertTrue(text.contains("60.00%"))
        XCTAssertEqual(text.split(separator: "\n").count, 3 + 4)
        // Codable round trip.
        let data = try JSONEncoder().encode(flow)
        XCTAssertEqual(try JSONDecoder().decode(Cutflow.self, from: data), flow)
        let keys = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        XCTAssertEqual(Set(keys.keys), ["entries", "total_sum_weights", "steps"])
    }

    func testCutflowWithMissingElementsMatchesTheFullCut() throws {
        let t = try table()
        let cut = try CutExpression(parsing: "Jet_pt[1] > 30 && MET_pt > 25 || nJet > 100 && Jet_pt[2] > 0")
        XCTAssertEqual(cut.conjunctionTerms.count, 1)
        let chain = try CutExpression(parsing: "MET_pt > 25 && Jet_pt[1] > 30")
        let flow = try Cutflow.compute(cut: chain, table: t)
        XCTAssertEqual(flow.steps.map(\.events), [4, 2])
        XCTAssertEqual(flow.steps.last?.events, try chain.evaluateMask(on: t).filter { $0 }.count)
    }

    func testSelectionSummaryJSONForTheCLI() throws {
        let t = try table()
        let summary = try SelectionSummary.compute(cut: "nJet >= 2 && MET_pt > 25", weight: "genWeight * puWeight",
                                                   table: t, includeCutflow: true)
        XCTAssertEqual(summary.entries, 6)
        XCTAssertEqual(summary.selected, 3)
        XCTAssertEqual(summary.sumWeights, -2 + 1 + 2)
        XCTAssertEqual(summary.cutflow?.map(\.events), [4, 3])
        let json = try summary.json()
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        XCTAssertEqual(object["entries"] as? Int, 6)
        XCTAssertEqual(object["selected"] as? Int, 3)
        XCTAssertEqual(object["sum_weights"] as? Double, 1)
        XCTAssertEqual(object["total_sum_weights"] as? Double, 1 + 1 - 2 + 1 + 1 + 2)
        XCTAssertTrue(summary.text().contains("(all entries)"))
        XCTAssertEqual((object["cutflow"] as? [[String: Any]])?.count, 2)
        XCTAssertEqual(try SelectionSummary.decode(json: json), summary)
        XCTAssertTrue(summary.text().contains("selected: 3"))

        let plain = try SelectionSummary.compute(cut: "nJet >= 2", weight: nil, table: t)
        XCTAssertNil(plain.cutflow)
        XCTAssertEqual(plain.sumWeights, 4)
        XCTAssertFalse(try plain.json().contains("cutflow"))
        XCTAssertEqual(SelectionSummary.branchesNeeded(cut: try CutExpression(parsing: "Sum$(Jet_pt) > nJet"),
                                                       weight: try CutExpression(parsing: "genWeight")),
                       ["Jet_pt", "genWeight", "nJet"])
        // Non-finite sums stay valid JSON.
        let nan = try SelectionSummary.compute(cut: "true", weight: "Jet_pt[3]", table: t)
        XCTAssertTrue(nan.sumWeights.isNaN)
        XCTAssertTrue(try nan.json().contains("\"nan\""))
    }
}
