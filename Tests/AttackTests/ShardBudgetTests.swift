import Columnar
import Foundation
import XCTest
@testable import Attack

/// The sharded attack's engine side: shards attacking under their ShardBudget merge into a sample within the
/// global chi2 and KS bounds; `merge` measures like a single run; the repair pass restores every constraint.
final class ShardBudgetTests: XCTestCase {
    let n = 1600, d = 3, shards = 4
    lazy var x = syntheticEvents(rows: n, columns: d, seed: 21)
    lazy var weights: [Double] = { var rng = SplitMix64(seed: 8); return (0..<n).map { _ in 0.5 + rng.nextUnit() } }()
    lazy var region: [Bool] = (0..<n).map { x[$0, 1] > 1 }
    let clf = LogisticClassifier(w: [1, -0.5, 0.8], b: -1.5)
    var configuration: AttackConfiguration {
        var c = AttackConfiguration(); c.mode = .chi2; c.bins = 20; c.iterations = 3; c.maxStepJSD = 1; c.ksThreshold = 0.05
        return c
    }

    func problem(_ rows: Range<Int>) -> AttackProblem {
        let sub = x.gatheredRows(Array(rows))
        return AttackProblem(features: sub, trueClass: 0, weights: Array(weights[rows]),
                             regions: [ConstraintPopulation(name: "R", mask: Array(region[rows]))])
    }

    /// Runs the shards (budget: the chi2 share and the whole sample's KS cuts and bounds, or only the global grid), merges.
    func shardedRun(budgeted: Bool) throws -> MergedAttack {
        let lo = (0..<d).map { x.column($0).min()! }, hi = (0..<d).map { x.column($0).max()! }
        let budget = budgeted ? try ShardBudget.plan(problem(0..<n), configuration: configuration, shards: shards)
                              : ShardBudget(shards: 1, lower: lo, upper: hi)
        var values: [Double] = []
        for s in 0..<shards {
            let rows = s * n / shards ..< (s + 1) * n / shards
            let r = try AttackEngine(problem: problem(rows), classifier: clf, configuration: configuration, shard: budget).run()
            values += r.perturbed.values
        }
        return try AttackEngine(problem: problem(0..<n), classifier: clf, configuration: configuration)
            .merge(values: values, iterations: [], bestIteration: 0, seconds: 0)
    }

    func testBudgetedShardsMergeWithinTheGlobalChi2AndKSBounds() throws {
        let merged = try shardedRun(budgeted: true)
        XCTAssertTrue(merged.failedBeforeRepair.allSatisfy { !$0.hasPrefix("chi2") && !$0.hasPrefix("KS") }, "\(merged.failedBeforeRepair)")
        XCTAssertTrue(merged.result.metrics.constraintsMet)
        XCTAssertGreaterThan(merged.result.metrics.fooled, 0)
        // Independently: every weighted chi2 test of the merged output passes, in both populations.
        let out = merged.result.perturbed
        for mask in [[Bool](repeating: true, count: n), region] {
            let idx = (0..<n).filter { mask[$0] }
            let w = idx.map { weights[$0] }, w2 = w.map { $0 * $0 }
            for j in 0..<d {
                let lo = x.column(j).min()!, hi = x.column(j).max()!
                let nom = idx.map { x[$0, j] }, adv = idx.map { out[$0, j] }
                let r = Chi2Test.weighted(IndependentMetrics.histogram(adv, w, lower: lo, upper: hi, bins: 20),
                                          IndependentMetrics.histogram(adv, w2, lower: lo, upper: hi, bins: 20),
                                          IndependentMetrics.histogram(nom, w, lower: lo, upper: hi, bins: 20),
                                          IndependentMetrics.histogram(nom, w2, lower: lo, upper: hi, bins: 20), relativeSystematic: 0)
                XCTAssertGreaterThanOrEqual(r.pValue, 0.05, "feature \(j)")
            }
        }
    }

    func testWithoutTheBudgetTheMergedSampleIsCloserToTheBounds() throws {
        // Each shard spending the whole chi2 budget: the merged statistic adds up (the reason for the split).
        let free = try shardedRun(budgeted: false), split = try shardedRun(budgeted: true)
        let before = { (m: MergedAttack) in m.failedBeforeRepair.filter { $0.hasPrefix("chi2") || $0.hasPrefix("KS") }.count }
        XCTAssertGreaterThan(before(free), before(split), "free: \(free.failedBeforeRepair)")
    }

    func testMergeMeasuresASingleRunsOutputAsTheSingleRunDoes() throws {
        let single = try AttackEngine(problem: problem(0..<n), classifier: clf, configuration: configuration).run()
        XCTAssertTrue(single.metrics.constraintsMet)
        let merged = try AttackEngine(problem: problem(0..<n), classifier: clf, configuration: configuration)
            .merge(values: single.perturbed.values, iterations: single.metrics.iterations,
                   bestIteration: single.metrics.bestIteration, seconds: single.metrics.seconds)
        XCTAssertTrue(merged.constraintsMetBeforeRepair)
        XCTAssertEqual(merged.revertedEvents, 0)
        XCTAssertEqual(merged.result.metrics, single.metrics)
        XCTAssertEqual(merged.result.fooled, single.fooled)
        XCTAssertEqual(merged.result.perturbed.values, single.perturbed.values)
    }

    func testRepairSetsEventsBackUntilEveryConstraintHolds() throws {
        // Every third event moved far in feature 0: the chi2 tests notice.
        var values = x.values
        for i in stride(from: 0, to: n, by: 3) { values[i * d] += 0.8 }
        let merged = try AttackEngine(problem: problem(0..<n), classifier: clf, configuration: configuration)
            .merge(values: values, iterations: [], bestIteration: 0, seconds: 0)
        XCTAssertFalse(merged.constraintsMetBeforeRepair)
        XCTAssertTrue(merged.failedBeforeRepair.contains { $0.hasPrefix("chi2 p(x0)") }, "\(merged.failedBeforeRepair)")
        XCTAssertTrue(merged.result.metrics.constraintsMet)
        XCTAssertGreaterThan(merged.revertedEvents, 0)
        XCTAssertLessThan(merged.revertedEvents, (n + 2) / 3)
        let out = merged.result.perturbed.values
        var reverted = 0
        for i in 0..<n {
            let row = Array(out[i * d ..< (i + 1) * d])
            if row == Array(x.values[i * d ..< (i + 1) * d]) { if values[i * d] != x.values[i * d] { reverted += 1 } }
            else { XCTAssertEqual(row, Array(values[i * d ..< (i + 1) * d]), "event \(i) is either kept or set back") }
        }
        XCTAssertEqual(reverted, merged.revertedEvents)
    }
}
