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
