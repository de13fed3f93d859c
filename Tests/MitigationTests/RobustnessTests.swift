@testable import Attack
import Columnar
import Foundation
import Model
import XCTest
@testable import Mitigation
@testable import Report

final class RobustnessTests: XCTestCase {
    func testRunningMaximum() {
        XCTAssertEqual(RobustnessScan.runningMaximumIndex([0.1, 0.3, 0.2, 0.3, 0.5, -1]), [0, 1, 1, 1, 4, 4])
        XCTAssertEqual(RobustnessScan.runningMaximumIndex([]), [])
    }

    func testBoundOrder() {
        XCTAssertEqual(RobustnessBoundKind.jsd.tightToLoose([0.1, 0.01, 0.04]), [0.01, 0.04, 0.1])
        XCTAssertEqual(RobustnessBoundKind.chi2.tightToLoose([0.01, 0.5, 0.05]), [0.5, 0.05, 0.01])
        let c = RobustnessBoundKind.jsd.configuration(AttackConfiguration(), bound: 0.03)
        XCTAssertEqual(c.constraintJSD, 0.03); XCTAssertEqual(c.maxStepJSD, 0.03); XCTAssertEqual(c.mode, .jsd)
        let p = RobustnessBoundKind.chi2.configuration(AttackConfiguration(), bound: 0.2)
        XCTAssertEqual(p.chi2Threshold, 0.2); XCTAssertEqual(p.mode, .chi2)
    }

    /// The attack on the reference's donut (300 events, 3 iterations) at five JSD caps: the curve never
    /// decreases as the cap loosens, every point is backed by an attack result at a bound no looser than it,
    /// and loosening the bound does let the attack fool more.
    func testDonutCurveIsMonotoneInTheBound() throws {
        guard let (x, net) = try DonutData.load(limit: 300) else { throw XCTSkip("../shared/reference donut data not found") }
        var base = AttackConfiguration()
        base.iterations = 3
        base.seed = 1
        let caps = [0.1, 0.002, 0.005, 0.02, 0.001]
        let curve = try RobustnessScan.run(problem: AttackProblem(features: x, trueClass: 1), classifier: net, model: "donut",
                                           base: base, kind: .jsd, bounds: caps)
        let f = curve.points.map(\.foolingRatio)
        print("donut robustness (3 iterations, seed 1): " + curve.points.map { "\($0.bound) → \($0.foolingRatio) (raw \($0.rawFoolingRatio))" }.joined(separator: ", "))
        XCTAssertEqual(curve.points.map(\.bound), [0.001, 0.002, 0.005, 0.02, 0.1])
        for k in 1..<f.count { XCTAssertGreaterThanOrEqual(f[k], f[k - 1], "fooling ratio decreases from bound \(caps.sorted()[k - 1]) to \(caps.sorted()[k])") }
        for p in curve.points {
            XCTAssertGreaterThanOrEqual(p.foolingRatio, p.constraintsMet ? p.rawFoolingRatio : 0)
            XCTAssertLessThanOrEqual(p.achievedAtBound, p.bound)
            XCTAssertEqual(p.foolingRatio, Double(p.fooled) / Double(curve.initiallyCorrect), accuracy: 1e-15)
            XCTAssertLessThanOrEqual(p.maxJSD, p.bound + 1e-12)
        }
        XCTAssertGreaterThan(f.last!, f.first!)
        XCTAssertEqual(curve.meanFoolingRatio, f.reduce(0, +) / 5, accuracy: 1e-15)
        XCTAssertEqual(curve.robustnessScore, 1 - curve.meanFoolingRatio, accuracy: 1e-15)
    }

    /// A looser bound whose own attack did worse (or failed its constraints) keeps the best tighter result.
    func testCurveEnforcesMonotonicityHonestly() throws {
        func metrics(_ fooled: Int, met: Bool) -> AttackMetrics {
            AttackMetrics(mode: .chi2, events: 100, initiallyCorrect: 80, fooled: fooled, foolingRatio: Double(fooled) / 80,
                          maxJSD: 0, relCorrChange: 0, minChi2P: 0.5, constraintsMet: met, bestIteration: 1, seconds: 0,
                          features: ["a"], populations: [], iterations: [], configuration: AttackConfiguration())
        }
        let c = try RobustnessScan.curve(model: "m", kind: .chi2, bounds: [0.5, 0.1, 0.05, 0.01],
                                         metrics: [metrics(8, met: true), metrics(4, met: true), metrics(40, met: false), metrics(16, met: true)],
                                         seed: 1, iterations: 1)
        XCTAssertEqual(c.points.map(\.fooled), [8, 8, 8, 16])
        XCTAssertEqual(c.points.map(\.achievedAtBound), [0.5, 0.5, 0.5, 0.01])
        XCTAssertEqual(c.points.map(\.rawFoolingRatio), [0.1, 0.05, 0.5, 0.2])
        XCTAssertThrowsError(try RobustnessScan.curve(model: "m", kind: .chi2, bounds: [0.01, 0.5],
                                                      metrics: [metrics(1, met: true), metrics(2, met: true)], seed: 1, iterations: 1))
    }

    func testMitigationReportRoundTripsAndShowsTheNumbers() throws {
        let point = RobustnessPoint(bound: 0.01, foolingRatio: 0.25, fooled: 25, rawFoolingRatio: 0.25, achievedAtBound: 0.01,
                                    maxJSD: 0.009, relCorrChange: 0.001, minChi2P: nil, constraintsMet: true, seconds: 1)
        let curve = RobustnessCurve(model: "before.json", kind: .jsd, events: 120, initiallyCorrect: 100, seed: 1, iterations: 3,
                                    points: [point], meanFoolingRatio: 0.25, robustnessScore: 0.75)
        let rows = [DetectorRow(event: 0, split: .test, kind: .clean, initiallyCorrect: true, score: 0.1),
                    DetectorRow(event: 0, split: .test, kind: .fooling, initiallyCorrect: true, score: 0.9),
                    DetectorRow(event: 1, split: .test, kind: .clean, initiallyCorrect: true, score: 0.7)]
        let eff = DetectorEfficiencies(rows: rows, split: .test, threshold: 0.5)
        XCTAssertEqual(eff.cleanFlaggedFraction, 0.5)
        XCTAssertEqual(eff.foolingEfficiency, 1)
        XCTAssertEqual(eff.correctedFoolingRatio, 0)
        XCTAssertEqual(eff.initialFoolingRatio, 0.5)
        let summary = DetectorSummary(events: 2, extraCleanEvents: 0, features: ["x1"], trueClass: 1, positives: "p", splitSeed: 1,
                                      trainingSeed: 1, hiddenLayers: [4], splits: ["test": .init(events: 2, clean: 2, extraClean: 0, fooling: 1)],
                                      bestEpoch: 1, epochs: 1, validationLoss: 0.1, validationAUC: nil, test: eff,
                                      thresholdScan: [DetectorEfficiencies(rows: rows, split: .test, threshold: 0.8)])
        let r = MitigationReport(detector: summary, robustness: [curve], notes: ["seed 1"])
        XCTAssertEqual(try MitigationReport.decode(try r.encoded()), r)
        let html = MitigationHTML.render(r)
        XCTAssertTrue(html.contains("corrected fooling ratio"))
        XCTAssertTrue(html.contains("<svg"))
        XCTAssertTrue(html.contains("before.json"))
        XCTAssertTrue(html.contains("50.0%"), "clean flagged fraction")
        XCTAssertTrue(html.contains("<td>0.8</td><td>100.0%</td><td>0.0%</td>"), "threshold scan row")
    }
}
