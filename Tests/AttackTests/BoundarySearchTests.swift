import Columnar
import Foundation
import Model
import XCTest
@testable import Attack

/// The boundary search: every bound holds (recomputed independently), it fools at least as many events as the
/// greedy pass at a binding correlation bound, it is deterministic across thread counts, and without
/// compensation and greedy step only events it fooled are moved (the others are moved back exactly).
final class BoundarySearchTests: XCTestCase {
    private func problem(events n: Int, features f: Int, seed: UInt64) throws -> (AttackProblem, FeedForwardNetwork) {
        let (x, net) = try AttackBenchmark.syntheticProblem(events: n, features: f, seed: seed, threads: 1)
        let labels = net.scores(x).map { $0 > 0.5 ? 1.0 : 0.0 }
        return (AttackProblem(features: x, labels: labels), net)
    }

    /// 1,500 events of 5 features whose labels are the classifier's own except for 30 % flipped to the other class
    /// (so those start misclassified); with the nominal scores.
    private func mislabeledProblem(seed: UInt64) throws -> (x: FeatureMatrix, net: FeedForwardNetwork, scores: [Double], labels: [Double]) {
        let (x, net) = try AttackBenchmark.syntheticProblem(events: 1500, features: 5, seed: seed, threads: 1)
        let s0 = net.scores(x)
        var rng = SplitMix64(seed: seed)
        let labels = s0.map { s -> Double in
            let l = s > 0.5 ? 1.0 : 0.0
            return rng.nextUnit() < 0.3 ? 1 - l : l
        }
        return (x, net, s0, labels)
    }

    private func config(_ search: AttackSearch, rel: Double) -> AttackConfiguration {
        var c = AttackConfiguration()
        c.search = search; c.iterations = 3; c.candidates = 40; c.constraintRelCorr = rel; c.bins = 40
        return c
    }

    func testBoundsHoldAndFoolsAtLeastAsManyAsGreedy() throws {
        let (p, net) = try problem(events: 1500, features: 6, seed: 11)
        for rel in [0.003, 0.03] {
            let g = try AttackEngine(problem: p, classifier: net, configuration: config(.greedy, rel: rel)).run()
            let b = try AttackEngine(problem: p, classifier: net, configuration: config(.boundary, rel: rel)).run()
            XCTAssertTrue(b.metrics.constraintsMet)
            XCTAssertGreaterThanOrEqual(b.metrics.foolingRatio, g.metrics.foolingRatio, "bound \(rel)")
            let corr = IndependentMetrics.relativeCorrelationChange(p.features, b.perturbed)
            XCTAssertLessThanOrEqual(corr, rel * (1 + 1e-9))
            XCTAssertEqual(corr, b.metrics.relCorrChange, accuracy: 1e-9)
            let js = IndependentMetrics.maxJSD(p.features, b.perturbed, bins: 40)
            XCTAssertLessThanOrEqual(js.max()!, 0.005 + 1e-8)
            // The output's fooled flags are the classifier's verdict on the output values.
            let s = net.scores(b.perturbed)
            for i in 0..<p.features.rows where b.initiallyCorrect[i] {
                XCTAssertEqual(b.fooled[i], (s[i] > 0.5 ? 1.0 : 0.0) != p.labels[i])
            }
        }
    }

    func testDeterministicAcrossThreads() throws {
        let (p, net) = try problem(events: 800, features: 4, seed: 12)
        var c1 = config(.boundary, rel: 0.01); c1.threads = 1
        var c2 = c1; c2.threads = 2
        let a = try AttackEngine(problem: p, classifier: net, configuration: c1).run()
        let b = try AttackEngine(problem: p, classifier: net, configuration: c2).run()
        XCTAssertEqual(a.perturbed.values, b.perturbed.values)
        XCTAssertGreaterThan(a.metrics.foolingRatio, 0)
    }

    func testWithoutCompensationAndGreedyStepOnlyFooledEventsMove() throws {
        let (p, net) = try problem(events: 1500, features: 4, seed: 13)
        var c = config(.boundary, rel: 0.01); c.iterations = 2
        let engine = try AttackEngine(problem: p, classifier: net, configuration: c)
        engine.compensationEnabled = false
        engine.experimentGreedyFallback = false   // and no greedy step: only the line-search flips remain
        let r = try engine.run()
        var moved = 0
        for i in 0..<p.features.rows {
            let row = (0..<4).map { r.perturbed[i, $0] }, row0 = (0..<4).map { p.features[i, $0] }
            if row != row0 { moved += 1; XCTAssertTrue(r.fooled[i], "event \(i) moved but is not fooled") }
        }
        XCTAssertGreaterThan(moved, 0)
        XCTAssertEqual(moved, r.metrics.fooled)
    }

    /// Compensation pays the budget back without undoing misclassification: every event the classifier gets wrong
    /// on the nominal sample (here 30 % of the labels are the other class) is still wrong on the output, although
    /// compensating moves did move many of them.
    func testCompensationKeepsMisclassifiedEventsMisclassified() throws {
        let (x, net, s0, labels) = try mislabeledProblem(seed: 14)
        let p = AttackProblem(features: x, labels: labels)
        let r = try AttackEngine(problem: p, classifier: net, configuration: config(.boundary, rel: 0.01)).run()
        XCTAssertTrue(r.metrics.constraintsMet)
        XCTAssertGreaterThan(r.metrics.fooled, 0)
        let s1 = net.scores(r.perturbed)
        var wrong = 0, moved = 0
        for i in 0..<x.rows where (s0[i] > 0.5 ? 1.0 : 0.0) != labels[i] {
            wrong += 1
            XCTAssertNotEqual(s1[i] > 0.5 ? 1.0 : 0.0, labels[i], "event \(i): misclassified before the attack, correct after it")
            if (0..<5).contains(where: { r.perturbed[i, $0] != x[i, $0] }) { moved += 1 }
        }
        XCTAssertGreaterThan(wrong, 300)
        XCTAssertGreaterThan(moved, 30, "compensating moves of misclassified events")
    }

    /// With a control region, events outside it (a signal region's) do not compensate: the misclassified ones there,
    /// which the attack does not visit, keep their nominal values, while those inside it compensate.
    func testOnlyControlRegionEventsCompensate() throws {
        let (x, net, s0, labels) = try mislabeledProblem(seed: 15)
        let inCR = (0..<x.rows).map { $0 % 3 != 0 }
        let p = AttackProblem(features: x, labels: labels, regions: [ConstraintPopulation(name: "CR", mask: inCR)])
        let r = try AttackEngine(problem: p, classifier: net, configuration: config(.boundary, rel: 0.01)).run()
        XCTAssertTrue(r.metrics.constraintsMet)
        var movedInside = 0, wrongOutside = 0
        for i in 0..<x.rows where (s0[i] > 0.5 ? 1.0 : 0.0) != labels[i] {
            let moved = (0..<5).contains { r.perturbed[i, $0] != x[i, $0] }
            if inCR[i] { movedInside += moved ? 1 : 0 } else {
                wrongOutside += 1
                XCTAssertFalse(moved, "event \(i): outside the control region, not attacked, yet moved")
            }
        }
        XCTAssertGreaterThan(wrongOutside, 100)
        XCTAssertGreaterThan(movedInside, 20, "compensating moves inside the control region")
    }
}
