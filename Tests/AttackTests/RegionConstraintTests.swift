import Columnar
import Foundation
import XCTest
@testable import Attack

/// jsd mode with event weights and control regions: every population keeps every bound, recomputed
/// independently (weighted numpy-style histograms, reference JSD, weighted correlation).
final class RegionConstraintTests: XCTestCase {
    private func check(_ cfg: AttackConfiguration, file: StaticString = #filePath, line: UInt = #line) throws -> AttackResult {
        let n = 1500, d = 4
        let x = syntheticEvents(rows: n, columns: d, seed: 31)
        var rng = SplitMix64(seed: 8)
        let w = (0..<n).map { _ in 0.2 + 1.6 * rng.nextUnit() }
        let clf = LogisticClassifier(w: [0.8, -0.4, 0.6, 0.3], b: -1.2)
        let labels = clf.scores(x).map { $0 > 0.5 ? 1.0 : 0.0 }
        let regions = [ConstraintPopulation(name: "low x0", mask: (0..<n).map { x[$0, 0] < 0 }),
                       ConstraintPopulation(name: "high x3", mask: (0..<n).map { x[$0, 3] > 3.2 })]
        let r = try AttackEngine(problem: AttackProblem(features: x, labels: labels, weights: w, regions: regions),
                                 classifier: clf, configuration: cfg).run()
        XCTAssertGreaterThan(r.metrics.foolingRatio, 0.02, file: file, line: line)
        XCTAssertEqual(r.metrics.populations.map(\.name), ["inclusive", "low x0", "high x3"])
        let cap = min(cfg.maxStepJSD, cfg.constraintJSD)
        for mask in [Array(repeating: true, count: n)] + regions.map(\.mask) {
            let idx = (0..<n).filter { mask[$0] }
            let ws = idx.map { w[$0] }
            let nom = x.gatheredRows(idx), adv = r.perturbed.gatheredRows(idx)
            XCTAssertLessThanOrEqual(IndependentMetrics.relativeCorrelationChange(nom, adv, ws), cfg.constraintRelCorr + 1e-12,
                                     file: file, line: line)
            for j in 0..<d {
                let lo = x.column(j).min()!, hi = x.column(j).max()!
                let h0 = IndependentMetrics.histogram(nom.column(j), ws, lower: lo, upper: hi, bins: cfg.bins)
                let h1 = IndependentMetrics.histogram(adv.column(j), ws, lower: lo, upper: hi, bins: cfg.bins)
                XCTAssertLessThanOrEqual(IndependentMetrics.jsd(h0, h1), cap + 1e-7, file: file, line: line)
            }
        }
        return r
    }

    func testWeightedRegionsKeepEveryBoundInJSDMode() throws {
        var cfg = AttackConfiguration(); cfg.bins = 25; cfg.iterations = 4
        let r = try check(cfg)
        XCTAssertTrue(r.metrics.constraintsMet)
    }

    func testGridCandidatesKeepEveryBound() throws {
        var cfg = AttackConfiguration(); cfg.bins = 25; cfg.iterations = 3; cfg.candidates = nil
        cfg.minChange = 0.01; cfg.step = 0.02
        _ = try check(cfg)
    }
}
