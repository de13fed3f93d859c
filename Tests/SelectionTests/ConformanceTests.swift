import Columnar
import Foundation
import Selection
import XCTest

/// Our masks, weights and cutflows against numpy/awkward evaluations of the same cuts on real ROOT files
/// (columns dumped by fixtures/selection/make_expectations.py).
final class ConformanceTests: XCTestCase {
    static let tables: [String: EventTable]? = try? FixtureColumns.tables()

    private func table(_ tag: String) throws -> EventTable {
        let tables = try XCTUnwrap(Self.tables, "fixtures/selection/columns.{json,bin} failed to load")
        return try XCTUnwrap(tables[tag], "no fixture table \(tag)")
    }

    func testFixturesCoverAtLeastFortyExpressionsOnThreeFiles() throws {
        let e = try Expectations.load()
        XCTAssertGreaterThanOrEqual(e.cuts.count, 40)
        XCTAssertEqual(Set(e.cuts.map(\.tree)), ["HZZ", "Zmumu", "NanoAOD"])
        XCTAssertEqual(try table("HZZ").rowCount, 2421)
        XCTAssertEqual(try table("Zmumu").rowCount, 2304)
        XCTAssertEqual(try table("NanoAOD").rowCount, 200)
    }

    func testEveryOperatorFunctionAndAggregateIsCovered() throws {
        let all = try Expectations.load().cuts.map(\.expression).joined(separator: " ")
        for token in ["+", "-", "*", "/", "%", "!", "==", "!=", "<", "<=", ">", ">=", "&&", "||", "?", ":", "[",
                      "abs(", "fabs(", "sqrt(", "exp(", "log(", "log10(", "pow(", "min(", "max(", "atan2(",
                      "sin(", "cos(", "tan(", "hypot(", "TMath::Abs", "TMath::Sqrt", "TMath::Exp", "TMath::Log(",
                      "TMath::Log10", "TMath::Power", "TMath::Min", "TMath::Max", "TMath::ATan2", "TMath::Sin",
                      "TMath::Cos", "TMath::Tan", "TMath::Hypot", "Sum$", "Max$", "Min$", "Length$", "MaxIf$",
                      "MinIf$", "Alt$", "true", "1e3", "2.5E1", ".5"] {
            XCTAssertTrue(all.contains(token), "no conformance expression uses \(token)")
        }
    }

    func testMasksMatchNumpy() throws {
        let expectations = try Expectations.load()
        var failures: [String] = []
        for e in expectations.cuts {
            let t = try table(e.tree)
            do {
                let cut = try CutExpression(parsing: e.expression)
                let mask = try cut.evaluateMask(on: t)
                let want = Expectations.mask(hex: e.mask_hex, count: t.rowCount)
                let got = mask.filter { $0 }.count
                if got != e.selected || mask != want {
                    let diff = (0..<t.rowCount).filter { mask[$0] != want[$0] }.prefix(5)
                    failures.append("[\(e.tree)] \(e.expression): selected \(got), numpy \(e.selected); differ at \(Array(diff))")
                }
                let firsts = Array(mask.indices.filter { mask[$0] }.prefix(10))
                XCTAssertEqual(firsts, e.first_selected, e.expression)
            } catch {
                failures.append("[\(e.tree)] \(e.expression): threw \(error)")
            }
        }
        XCTAssertTrue(failures.isEmpty, failures.joined(separator: "\n"))
    }

    func testWeightsMatchNumpy() throws {
        for w in try Expectations.load().weights {
            let t = try table(w.tree)
            let cut = try CutExpression(parsing: w.cut), weight = try CutExpression(parsing: w.weight)
            let values = try weight.evaluateNumbers(on: t)
            for (i, x) in w.first_weights.enumerated() {
                XCTAssertEqual(values[i], x, accuracy: 1e-12 * max(1, abs(x)), "\(w.weight) event \(i)")
            }
            let regions = try RegionSet([Region(name: "r", cut: cut)])
            let r = try regions.evaluate(on: t, weight: weight)[0]
            XCTAssertEqual(r.selected, w.selected, w.cut)
            XCTAssertEqual(r.sumWeights, w.sum_weights, accuracy: 1e-9 * max(1, abs(w.sum_weights)), w.weight)
            let summary = try SelectionSummary.compute(cut: cut, weight: weight, table: t)
            XCTAssertEqual(summary.sumWeights, w.sum_weights, accuracy: 1e-9 * max(1, abs(w.sum_weights)))
            XCTAssertEqual(values.reduce(0, +), w.sum_weights_all, accuracy: 1e-9 * max(1, abs(w.sum_weights_all)))
        }
    }

    func testCutflowsMatchNumpy() throws {
        for f in try Expectations.load().cutflows {
            let t = try table(f.tree)
            let flow = try Cutflow.compute(cut: CutExpression(parsing: f.cut),
                                           weight: f.weight.map { try CutExpression(parsing: $0) }, table: t)
            XCTAssertEqual(flow.steps.map(\.term), f.steps.map(\.term))
            XCTAssertEqual(flow.steps.map(\.events), f.steps.map(\.events), f.cut)
            for (ours, theirs) in zip(flow.steps, f.steps) {
                XCTAssertEqual(ours.sumWeights, theirs.sum_weights, accuracy: 1e-9 * max(1, abs(theirs.sum_weights)), ours.term)
            }
            // The last row is the full cut.
            let full = try CutExpression(parsing: f.cut).evaluateMask(on: t).filter { $0 }.count
            XCTAssertEqual(flow.steps.last?.events, full)
        }
    }
}
