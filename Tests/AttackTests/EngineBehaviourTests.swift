import Columnar
import Foundation
import XCTest
@testable import Attack

/// Determinism, thread independence, checkpoint resume, per-feature settings, baselines, configuration.
final class EngineBehaviourTests: XCTestCase {
    private func problem(rows: Int = 400) -> (AttackProblem, RadialClassifier) {
        let x = syntheticEvents(rows: rows, columns: 3, seed: 17)
        let clf = RadialClassifier(k: 1.0, r: 2.0, inputCount: 3)
        let labels = clf.scores(x).map { $0 > 0.5 ? 1.0 : 0.0 }
        return (AttackProblem(features: x, labels: labels), clf)
    }

    private func config(_ iterations: Int = 3, threads: Int = 1) -> AttackConfiguration {
        var c = AttackConfiguration(); c.bins = 30; c.iterations = iterations; c.threads = threads; c.seed = 42
        return c
    }

    func testSameSeedSameResultAcrossThreadCounts() throws {
        let (p, clf) = problem()
        let a = try AttackEngine(problem: p, classifier: clf, configuration: config(threads: 1)).run()
        let b = try AttackEngine(problem: p, classifier: clf, configuration: config(threads: 1)).run()
        let c = try AttackEngine(problem: p, classifier: clf, configuration: config(threads: 2)).run()
        XCTAssertGreaterThan(a.metrics.foolingRatio, 0)
        XCTAssertEqual(a.perturbed.values, b.perturbed.values)
        XCTAssertEqual(a.perturbed.values, c.perturbed.values)
        XCTAssertEqual(a.metrics.iterations.map(\.foolingRatio), c.metrics.iterations.map(\.foolingRatio))
        var other = config(); other.seed = 43
        let d = try AttackEngine(problem: p, classifier: clf, configuration: other).run()
        XCTAssertNotEqual(a.perturbed.values, d.perturbed.values, "a different seed must draw different candidates")
    }

    func testCheckpointResumesIdentically() throws {
        let (p, clf) = problem()
        let full = try AttackEngine(problem: p, classifier: clf, configuration: config(4)).run()
        var saved: [AttackCheckpoint] = []
        _ = try AttackEngine(problem: p, classifier: clf, configuration: config(4)).run(onCheckpoint: { saved.append($0) })
        XCTAssertEqual(saved.count, 4)
        // Round-trip the iteration-2 checkpoint through JSON, resume in a fresh engine (other thread count).
        let data = try JSONEncoder().encode(saved[1])
        let cp = try JSONDecoder().decode(AttackCheckpoint.self, from: data)
        XCTAssertEqual(cp, saved[1])
        let resumed = try AttackEngine(problem: p, classifier: clf, configuration: config(4, threads: 2)).run(resumingFrom: cp)
        XCTAssertEqual(resumed.perturbed.values, full.perturbed.values)
        XCTAssertEqual(resumed.metrics.iterations.map(\.foolingRatio), full.metrics.iterations.map(\.foolingRatio))
        XCTAssertEqual(resumed.metrics.bestIteration, full.metrics.bestIteration)
        var wrong = config(4); wrong.alpha = 2
        XCTAssertThrowsError(try AttackEngine(problem: p, classifier: clf, configuration: wrong).run(resumingFrom: cp))
    }

    func testMetricsJSONHasSnakeCaseKeys() throws {
        let (p, clf) = problem(rows: 200)
        let r = try AttackEngine(problem: p, classifier: clf, configuration: config(2)).run()
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(r.metrics)) as! [String: Any]
        for key in ["events", "initially_correct", "fooling_ratio", "max_jsd", "rel_corr_change", "constraints_met",
                    "best_iteration", "seconds", "iterations"] {
            XCTAssertNotNil(json[key], key)
        }
        let its = json["iterations"] as! [[String: Any]]
        XCTAssertEqual(its.count, 2)
        for key in ["fooling_ratio", "max_jsd", "rel_corr_change", "seconds"] { XCTAssertNotNil(its[0][key], key) }
        XCTAssertEqual(json["events"] as? Int, 200)
    }

    func testConfigurationDefaultsAndDecodingOfPartialJSON() throws {
        let c = try JSONDecoder().decode(AttackConfiguration.self, from: Data(#"{"bins": 50, "mode": "chi2", "candidates": null}"#.utf8))
        XCTAssertEqual(c.bins, 50); XCTAssertEqual(c.mode, .chi2); XCTAssertNil(c.candidates)
        XCTAssertEqual(c.alpha, 6); XCTAssertEqual(c.maxStepJSD, 0.005); XCTAssertEqual(c.constraintRelCorr, 0.006)
        XCTAssertEqual(c.randomizeStep, 0.5); XCTAssertEqual(AttackConfiguration().candidates, 150)
        var bad = AttackConfiguration(); bad.bins = 0
        XCTAssertThrowsError(try bad.validate()) { e in
            guard case AttackError.invalidParameter(let name, _, _) = e else { return XCTFail("\(e)") }
            XCTAssertEqual(name, "bins")
        }
    }

    func testInputErrorsSayWhere() throws {
        var x = syntheticEvents(rows: 10, columns: 2, seed: 1)
        x[3, 1] = .nan
        XCTAssertThrowsError(try AttackEngine(problem: AttackProblem(features: x, trueClass: 1),
                                              classifier: LogisticClassifier(w: [1, 1], b: 0), configuration: AttackConfiguration())) { e in
            XCTAssertEqual(e as? AttackError, .nonFiniteValue(what: "features", row: 3, column: 1))
        }
        let y = syntheticEvents(rows: 10, columns: 2, seed: 1)
        var labels = Array(repeating: 1.0, count: 10); labels[4] = 0.5
        XCTAssertThrowsError(try AttackEngine(problem: AttackProblem(features: y, labels: labels),
                                              classifier: LogisticClassifier(w: [1, 1], b: 0), configuration: AttackConfiguration())) { e in
            guard case AttackError.invalidParameter(let name, _, _) = e else { return XCTFail("\(e)") }
            XCTAssertEqual(name, "labels[4]")
        }
        XCTAssertThrowsError(try AttackEngine(problem: AttackProblem(features: y, trueClass: 1, weights: [1, 2]),
                                              classifier: LogisticClassifier(w: [1, 1], b: 0), configuration: AttackConfiguration()))
        XCTAssertThrowsError(try AttackEngine(problem: AttackProblem(features: y, trueClass: 1),
                                              classifier: LogisticClassifier(w: [1, 1, 1], b: 0), configuration: AttackConfiguration()))
    }

    func testEnvelopeFrozenAndIntegerFeatures() throws {
        let n = 500
        var x = syntheticEvents(rows: n, columns: 3, seed: 23)
        for i in 0..<n { x[i, 2] = (x[i, 2] * 2).rounded() } // an integer-valued multiplicity-like feature
        let clf = LogisticClassifier(w: [1, 1, 1], b: -3)
        let labels = clf.scores(x).map { $0 > 0.5 ? 1.0 : 0.0 }
        var settings = [FeatureSettings(envelope: .relative(0.1)), FeatureSettings(frozen: true),
                        FeatureSettings(integerValued: true, envelope: .absolute(2))]
        var cfg = AttackConfiguration(); cfg.mode = .envelope; cfg.iterations = 3; cfg.bins = 20; cfg.envelopeK = 1.5
        let r = try AttackEngine(problem: AttackProblem(features: x, labels: labels, featureSettings: settings),
                                 classifier: clf, configuration: cfg).run()
        let out = r.perturbed
        XCTAssertGreaterThan(r.metrics.foolingRatio, 0.05)
        let observed = Set(x.column(2))
        var moved0 = 0, moved2 = 0
        for i in 0..<n {
            XCTAssertLessThanOrEqual(abs(out[i, 0] - x[i, 0]), 1.5 * 0.1 * abs(x[i, 0]) + 1e-12)
            XCTAssertEqual(out[i, 1], x[i, 1])
            XCTAssertLessThanOrEqual(abs(out[i, 2] - x[i, 2]), 3 + 1e-12)
            XCTAssertTrue(observed.contains(out[i, 2]))
            if out[i, 0] != x[i, 0] { moved0 += 1 }
            if out[i, 2] != x[i, 2] { moved2 += 1 }
        }
        XCTAssertGreaterThan(moved0, 10); XCTAssertGreaterThan(moved2, 10)
        // Envelope mode freezes features without σ.
        settings[0].envelope = nil
        let r2 = try AttackEngine(problem: AttackProblem(features: x, labels: labels, featureSettings: settings),
                                  classifier: clf, configuration: cfg).run()
        XCTAssertEqual(r2.perturbed.column(0), x.column(0))
    }

    func testFGSMAndPGDStayInTheScaledBox() throws {
        let (p, _) = problem(rows: 600)
        let clf = LogisticClassifier(w: [0.5, -0.5, 1], b: -2)
        var prob = p
        prob.labels = clf.scores(p.features).map { $0 > 0.5 ? 1.0 : 0.0 }
        let x = p.features
        let std = (0..<3).map { j -> Double in
            let c = x.column(j), m = c.reduce(0, +) / Double(c.count)
            return (c.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(c.count)).squareRoot()
        }
        var ratios: [Double] = []
        for mode in [AttackMode.fgsm, .pgd] {
            var cfg = AttackConfiguration(); cfg.mode = mode; cfg.epsilon = 0.3; cfg.iterations = 5; cfg.bins = 30
            let r = try AttackEngine(problem: prob, classifier: clf, configuration: cfg).run()
            XCTAssertEqual(r.metrics.iterations.count, mode == .fgsm ? 1 : 5)
            XCTAssertEqual(r.metrics.bestIteration, r.metrics.iterations.count)
            for i in 0..<x.rows { for j in 0..<3 {
                XCTAssertLessThanOrEqual(abs(r.perturbed[i, j] - x[i, j]), 0.3 * std[j] * (1 + 1e-9) + 1e-12)
            } }
            XCTAssertGreaterThan(r.metrics.foolingRatio, 0.05)
            ratios.append(r.metrics.foolingRatio)
        }
        XCTAssertGreaterThanOrEqual(ratios[1], ratios[0] - 0.02, "PGD should do at least about as well as FGSM")
    }

    func testOptimizeFooledKeepsEventsFooledAndBounds() throws {
        let (p, clf) = problem(rows: 400)
        var cfg = config(3); cfg.optimizeFooled = true
        let r = try AttackEngine(problem: p, classifier: clf, configuration: cfg).run()
        let plain = try AttackEngine(problem: p, classifier: clf, configuration: config(3)).run()
        XCTAssertGreaterThan(r.metrics.foolingRatio, 0)
        let total = { (m: FeatureMatrix) in zip(m.values, p.features.values).map { abs($0 - $1) }.reduce(0, +) }
        XCTAssertNotEqual(r.perturbed.values, plain.perturbed.values, "re-optimisation must move some fooled events")
        XCTAssertLessThanOrEqual(IndependentMetrics.relativeCorrelationChange(p.features, r.perturbed), cfg.constraintRelCorr + 1e-12)
        print("total |Δx| with re-optimisation \(total(r.perturbed)), without \(total(plain.perturbed))")
        XCTAssertLessThanOrEqual(IndependentMetrics.maxJSD(p.features, r.perturbed, bins: 30).max()!, cfg.maxStepJSD + 1e-7)
        // The output's fooled flags agree with the classifier.
        let s = clf.scores(r.perturbed)
        for i in 0..<p.features.rows where r.fooled[i] { XCTAssertNotEqual(s[i] > 0.5 ? 1.0 : 0.0, p.labels[i]) }
    }
}
