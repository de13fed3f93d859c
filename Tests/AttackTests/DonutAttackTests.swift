import Columnar
import Foundation
import XCTest
@testable import Attack

/// Acceptance on the reference's donut case, every bound recomputed independently from the output.
final class DonutAttackTests: XCTestCase {
    func testDonutReachesReferenceFoolingWithinBounds() throws {
        guard let (x, net) = try Donut.load() else { throw XCTSkip("../shared/reference donut data not found") }
        var cfg = Donut.referenceConfiguration
        cfg.threads = 2
        let engine = try AttackEngine(problem: AttackProblem(features: x, trueClass: 1), classifier: net, configuration: cfg)
        let result = try engine.run()
        let m = result.metrics
        // Independent recomputation from the output matrix.
        let out = result.perturbed
        let scores = net.scores(out)
        let fooled = scores.filter { $0 <= 0.5 }.count
        let ratio = Double(fooled) / Double(x.rows)
        let jsds = IndependentMetrics.maxJSD(x, out, bins: 70)
        let rel = IndependentMetrics.relativeCorrelationChange(x, out)
        print("donut: fooling \(ratio) max JSD \(jsds) rel corr \(rel) best iteration \(m.bestIteration) seconds \(m.seconds)")
        for it in m.iterations {
            print(String(format: "  iter %2d fooling %.3f maxJSD %.4f relCorr %.4f changed %d %.2fs", it.iteration,
                         it.foolingRatio, it.maxJSD, it.relCorrChange, it.changedEvents, it.seconds))
        }
        XCTAssertEqual(m.events, 1000)
        XCTAssertEqual(m.initiallyCorrect, 1000)
        XCTAssertEqual(ratio, m.foolingRatio, accuracy: 1e-12)
        XCTAssertGreaterThanOrEqual(ratio, 0.213)
        XCTAssertLessThanOrEqual(rel, 0.006)
        XCTAssertLessThanOrEqual(jsds.max()!, 0.0121)
        XCTAssertEqual(jsds.max()!, m.maxJSD, accuracy: 1e-7)
        XCTAssertEqual(rel, m.relCorrChange, accuracy: 1e-9)
        XCTAssertTrue(m.constraintsMet)
        // Every value stays inside the nominal range.
        for j in 0..<2 {
            let c = x.column(j)
            for v in out.column(j) { XCTAssert(v >= c.min()! && v <= c.max()!) }
        }
    }
}

/// Seed robustness of the donut acceptance (CONSERVATTACK_SLOW_TESTS=1).
final class DonutSeedTests: XCTestCase {
    func testDonutAcceptanceHoldsForSeveralSeeds() throws {
        guard ProcessInfo.processInfo.environment["CONSERVATTACK_SLOW_TESTS"] == "1" else {
            throw XCTSkip("set CONSERVATTACK_SLOW_TESTS=1 for the multi-seed donut run")
        }
        guard let (x, net) = try Donut.load() else { throw XCTSkip("../shared/reference donut data not found") }
        for seed in UInt64(1)...8 {
            var cfg = Donut.referenceConfiguration
            cfg.seed = seed
            let r = try AttackEngine(problem: AttackProblem(features: x, trueClass: 1), classifier: net, configuration: cfg).run()
            let rel = IndependentMetrics.relativeCorrelationChange(x, r.perturbed)
            let js = IndependentMetrics.maxJSD(x, r.perturbed, bins: 70).max()!
            let ratio = Double(net.scores(r.perturbed).filter { $0 <= 0.5 }.count) / Double(x.rows)
            print(String(format: "donut seed %d: fooling %.3f max JSD %.4f rel corr %.4f", seed, ratio, js, rel))
            XCTAssertGreaterThanOrEqual(ratio, 0.213); XCTAssertLessThanOrEqual(rel, 0.006); XCTAssertLessThanOrEqual(js, 0.0121)
        }
    }
}

/// The reference-quirks switch reproduces the published behaviour on the donut.
final class ReferenceQuirksTests: XCTestCase {
    func testQuirksFreezeX1AndBreakTheCorrelationBound() throws {
        guard let (x, net) = try Donut.load() else { throw XCTSkip("../shared/reference donut data not found") }
        var cfg = Donut.referenceConfiguration
        cfg.referenceQuirks = true
        cfg.iterations = ProcessInfo.processInfo.environment["CONSERVATTACK_SLOW_TESTS"] == "1" ? 10 : 4
        let engine = try AttackEngine(problem: AttackProblem(features: x, trueClass: 1), classifier: net, configuration: cfg)
        let r = try engine.run()
        for it in r.metrics.iterations {
            print(String(format: "quirks iter %2d fooling %.3f maxJSD %.4f relCorr %.4f met %@", it.iteration, it.foolingRatio,
                         it.maxJSD, it.relCorrChange, it.constraintsMet ? "yes" : "no"))
        }
        // The float32 nominal histogram drops an extreme x1 value, so x1's JSD starts above the 0.005 cap and
        // x1 is never changed (RESULTS.md); x2 moves.
        let last = r.checkpoint.values
        var x1Moved = 0, x2Moved = 0
        for i in 0..<x.rows {
            if last[2 * i] != x[i, 0] { x1Moved += 1 }
            if last[2 * i + 1] != x[i, 1] { x2Moved += 1 }
        }
        XCTAssertEqual(x1Moved, 0)
        XCTAssertGreaterThan(x2Moved, 500)
        // Fooling grows like the reference's (0.018, 0.057, 0.085, 0.101 in its first four iterations).
        let f = r.metrics.iterations.map(\.foolingRatio)
        XCTAssertGreaterThan(f[3], 0.05); XCTAssertLessThan(f[3], 0.2)
    }
}
