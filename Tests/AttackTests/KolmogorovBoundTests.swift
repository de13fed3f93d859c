import Columnar
import Foundation
import Statistics
import XCTest
@testable import Attack

/// The KS constraint: its incremental CDF differences equal a recompute, and an attack run with it keeps the
/// exact (unbinned, weighted) KS distance of every population and feature below the critical one.
final class KolmogorovBoundTests: XCTestCase {
    /// Exact two-sample weighted KS distance sup_x |F₁(x) − F₂(x)| (ties handled as in the validation).
    private func ksDistance(_ a: [Double], _ b: [Double], _ w: [Double]) -> Double {
        let pa = zip(a, w).sorted { $0.0 < $1.0 }, pb = zip(b, w).sorted { $0.0 < $1.0 }
        let W = w.reduce(0, +)
        var i = 0, j = 0, c1 = 0.0, c2 = 0.0, d = 0.0
        while i < pa.count || j < pb.count {
            let v = min(i < pa.count ? pa[i].0 : .infinity, j < pb.count ? pb[j].0 : .infinity)
            while i < pa.count && pa[i].0 == v { c1 += pa[i].1; i += 1 }
            while j < pb.count && pb[j].0 == v { c2 += pb[j].1; j += 1 }
            d = max(d, abs(c1 - c2) / W)
        }
        return d
    }

    private func problem(_ n: Int) -> (AttackProblem, LogisticClassifier, [Double], [Bool]) {
        let x = syntheticEvents(rows: n, columns: 3, seed: 21)
        var rng = SplitMix64(seed: 8)
        let w = (0..<n).map { _ in 0.5 + rng.nextUnit() }
        let clf = LogisticClassifier(w: [1, -0.5, 0.8], b: -1.5)
        let labels = clf.scores(x).map { $0 > 0.5 ? 1.0 : 0.0 }
        let region = (0..<n).map { x[$0, 1] > 1 }
        return (AttackProblem(features: x, labels: labels, weights: w, regions: [ConstraintPopulation(name: "CR", mask: region)]),
                clf, w, region)
    }

    func testIncrementalDistancesMatchRecompute() throws {
        let (p, clf, _, _) = problem(600)
        var cfg = AttackConfiguration(); cfg.mode = .jsd; cfg.bins = 20; cfg.ksThreshold = 0.05
        let engine = try AttackEngine(problem: p, classifier: clf, configuration: cfg)
        let ks = try XCTUnwrap(engine.ks)
        var search = FixedSearch(engine: engine)
        var rng = SplitMix64(seed: 3)
        for _ in 0..<3000 {
            let i = Int(rng.next() % UInt64(engine.n)), j = Int(rng.next() % UInt64(engine.d))
            search.move(i, j, to: rng.uniform(engine.lower[j], engine.upper[j]))
        }
        let incremental = (0..<2).flatMap { q in (0..<3).map { ks.distance(q, $0) } }
        XCTAssertGreaterThan(incremental.max()!, 0.02, "the moves must have changed the CDFs")
        ks.rebuild(engine.values)
        let rebuilt = (0..<2).flatMap { q in (0..<3).map { ks.distance(q, $0) } }
        for (a, b) in zip(incremental, rebuilt) { XCTAssertEqual(a, b, accuracy: 1e-12) }
    }

    func testCriticalDistanceIsWhereTheValidationsPValueReachesTheThreshold() {
        // The bound is the validation's own KS law (Statistics.KolmogorovDistribution at round(n₁n₂/(n₁+n₂)) of the
        // Kish sizes, both samples the population's events): at D_max p = threshold, just above it p < threshold.
        for ne in [50.0, 500, 5000, 100_000] {
            let d = KolmogorovBound.criticalDistance(0.05, effectiveSize: ne)
            let n = CheckThresholds.ksEffectiveSize(ne, ne)
            XCTAssertGreaterThanOrEqual(KolmogorovDistribution.survival(n: n, d: d), 0.05)
            XCTAssertLessThan(KolmogorovDistribution.survival(n: n, d: d * (1 + 1e-6)), 0.05)
        }
        // Asymptotically D·√(n/2) → 1.3581 (the Kolmogorov law's 5 % point).
        XCTAssertEqual(KolmogorovBound.criticalDistance(0.05, effectiveSize: 2e6) * 1e3, 1.3581, accuracy: 2e-3)
    }

    func testAttackKeepsExactKSDistanceBelowTheCriticalOne() throws {
        let n = 2000
        let (p, clf, w, region) = problem(n)
        var cfg = AttackConfiguration(); cfg.mode = .chi2; cfg.bins = 20; cfg.iterations = 4; cfg.maxStepJSD = 1
        let free = try AttackEngine(problem: p, classifier: clf, configuration: cfg).run()
        cfg.ksThreshold = 0.05
        let bounded = try AttackEngine(problem: p, classifier: clf, configuration: cfg).run()
        XCTAssertGreaterThan(bounded.metrics.foolingRatio, 0, "the KS-bounded attack still fools some events")
        XCTAssertTrue(bounded.metrics.constraintsMet)
        var worstFree = 0.0
        for mask in [Array(repeating: true, count: n), region] {
            let idx = (0..<n).filter { mask[$0] }
            let ws = idx.map { w[$0] }
            let ne = pow(ws.reduce(0, +), 2) / ws.map { $0 * $0 }.reduce(0, +)
            let critical = KolmogorovBound.criticalDistance(0.05, effectiveSize: ne)
            for j in 0..<3 {
                let nominal = idx.map { p.features[$0, j] }
                let dBounded = ksDistance(nominal, idx.map { bounded.perturbed[$0, j] }, ws)
                XCTAssertLessThanOrEqual(dBounded, critical, "feature \(j): KS distance \(dBounded) above \(critical)")
                worstFree = max(worstFree, ksDistance(nominal, idx.map { free.perturbed[$0, j] }, ws) / critical)
            }
        }
        XCTAssertGreaterThan(worstFree, 1, "without the bound the attack leaves some KS distance above the critical one")
        XCTAssertNotNil(bounded.metrics.populations[0].ksDistance)
        XCTAssertNil(free.metrics.populations[0].ksDistance)
    }
}
