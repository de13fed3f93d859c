import Columnar
import Foundation
import Model
import Statistics
import Validation
import XCTest
@testable import Attack

/// `--mode checks`: the validation run afterwards (same grid, same thresholds) notices nothing, in every region,
/// weighted and unweighted; the same problem attacked without those bounds is noticed (so the test can fail).
final class ChecksModeTests: XCTestCase {
    /// The grid `run` and `validate` bin on: the attack's BinGrid on the inclusive nominal range, last edge one
    /// ulp up (ValidationJob.grid).
    private func grid(_ x: FeatureMatrix, bins: Int) -> [String: [Double]] {
        var out: [String: [Double]] = [:]
        for j in 0..<x.columns {
            let c = x.column(j)
            guard let lo = c.min(), let hi = c.max(), hi > lo else { continue }
            var e = BinGrid(lower: lo, upper: hi, count: bins).edges
            e[e.count - 1] = hi.nextUp
            out[x.names[j]] = e
        }
        return out
    }

    private func validate(_ p: AttackProblem, _ r: AttackResult, bins: Int, cfg: AttackConfiguration) throws -> ValidationReport {
        let regions = p.regions.map { ValidationRegion(name: $0.name, nominalMask: $0.mask, perturbedMask: $0.mask) }
        let input = ValidationInput(featureNames: p.features.names,
                                    nominal: ValidationSample(features: p.features, weights: p.weights),
                                    perturbed: ValidationSample(features: r.perturbed, weights: p.weights),
                                    regions: regions)
        var o = ValidationOptions()
        o.bins = bins; o.edges = grid(p.features, bins: bins)
        o.alpha = cfg.checkAlpha; o.jsdThreshold = cfg.checkJSDThreshold; o.jsdStatisticalFloor = cfg.checkJSDFloor
        o.correlationThreshold = cfg.checkCorrelationThreshold
        return try Validator.run(input, options: o)
    }

    private func problem(events n: Int, features f: Int, weighted: Bool, seed: UInt64) throws -> (AttackProblem, FeedForwardNetwork) {
        let (x0, net) = try AttackBenchmark.syntheticProblem(events: n, features: f, seed: seed, threads: 1)
        let x = FeatureMatrix(rows: n, columns: f, values: x0.values, names: (0..<f).map { "f\($0)" })
        let labels = net.scores(x).map { $0 > 0.5 ? 1.0 : 0.0 }
        var rng = SplitMix64(seed: seed &+ 5)
        let w = weighted ? (0..<n).map { _ in 0.3 + 1.4 * rng.nextUnit() } : nil
        let regions = [ConstraintPopulation(name: "CR_high", mask: (0..<n).map { x[$0, 0] > 0.3 }),
                       ConstraintPopulation(name: "CR_small", mask: (0..<n).map { x[$0, 1] < -1.2 })]
        return (AttackProblem(features: x, labels: labels, weights: w, regions: regions), net)
    }

    private func run(_ weighted: Bool, search: AttackSearch, seed: UInt64) throws {
        let (p, net) = try problem(events: 3000, features: 5, weighted: weighted, seed: seed)
        var cfg = AttackConfiguration()
        cfg.mode = .checks; cfg.search = search; cfg.bins = 30; cfg.iterations = 3; cfg.candidates = 40; cfg.seed = seed
        let r = try AttackEngine(problem: p, classifier: net, configuration: cfg).run()
        XCTAssertTrue(r.metrics.constraintsMet)
        XCTAssertGreaterThan(r.metrics.foolingRatio, 0.05, "checks mode still fools events (\(search))")
        let report = try validate(p, r, bins: cfg.bins, cfg: cfg)
        XCTAssertEqual(report.checks.filter { $0.comparison == .nominalVsPerturbed }.count, 3 * 5 * 3)
        let noticed = report.checks.filter { $0.comparison == .nominalVsPerturbed && $0.noticed }
        XCTAssertEqual(noticed.count, 0, "noticed: \(noticed.map { "\($0.region)/\($0.feature)/\($0.test) \($0.statistic)" })")
        XCTAssertTrue(report.correlation.allSatisfy { !$0.noticed })
        XCTAssertEqual(report.correlation.count, 3)
        // The attack's metrics and the validation's correlation check are one definition (Statistics).
        for (pm, c) in zip(r.metrics.populations, report.correlation) {
            XCTAssertEqual(pm.relCorrChange, c.relativeChange, accuracy: 1e-9, "\(pm.name)")
        }
    }

    func testValidateNoticesNothingUnweighted() throws { try run(false, search: .boundary, seed: 3) }
    func testValidateNoticesNothingWeighted() throws { try run(true, search: .boundary, seed: 4) }
    func testValidateNoticesNothingGreedy() throws { try run(true, search: .greedy, seed: 5) }

    /// Without the checks (FGSM, unconstrained) the same validation notices: the test above can fail.
    func testUnboundedAttackIsNoticed() throws {
        let (p, net) = try problem(events: 3000, features: 5, weighted: true, seed: 4)
        var cfg = AttackConfiguration()
        cfg.mode = .fgsm; cfg.bins = 30; cfg.epsilon = 0.3
        let r = try AttackEngine(problem: p, classifier: net, configuration: cfg).run()
        let report = try validate(p, r, bins: cfg.bins, cfg: cfg)
        XCTAssertGreaterThan(report.checks.filter { $0.comparison == .nominalVsPerturbed && $0.noticed }.count, 0)
    }

    /// The JSD caps are the validation's thresholds for these sizes (CheckThresholds), per population and feature.
    func testJSDCapsAreTheValidationThresholds() throws {
        let (p, net) = try problem(events: 2000, features: 3, weighted: false, seed: 9)
        var cfg = AttackConfiguration(); cfg.mode = .checks; cfg.bins = 25
        let engine = try AttackEngine(problem: p, classifier: net, configuration: cfg)
        let n = Double(p.regions[1].mask.filter { $0 }.count)
        let edges = grid(p.features, bins: 25)["f2"]!
        let h = try Histogram1D(binning: try Binning(edges: edges),
                                values: (0..<2000).filter { p.regions[1].mask[$0] }.map { p.features[$0, 2] })
        let k = h.sumW.filter { $0 != 0 }.count
        let expected = max(0.05, CheckThresholds.jsdNullQuantile(bins: k, n1: n, n2: n, alpha: 0.05, base: 2))
        XCTAssertEqual(engine.checkJSDCaps[2 * 3 + 2], expected * (1 - 1e-6), accuracy: 1e-12)
    }
}
