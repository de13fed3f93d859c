import Columnar
import Foundation
import Statistics
import XCTest
@testable import Attack

/// The chi2 test and incomplete gamma against scipy (fixtures/attack/make_chi2_expectations.py),
/// and chi2 mode keeping every (population, feature) p-value above the threshold.
final class Chi2Tests: XCTestCase {
    struct Expectations: Decodable {
        struct Hist: Decodable { let h1, sumw2_1, h2, sumw2_2: [Double]; let syst, chi2: Double; let ndf: Int; let p: Double }
        let survival: [[Double]], gamma: [[Double]], critical: [[Double]], histograms: [Hist]
    }

    private func expectations() throws -> Expectations {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../fixtures/attack/chi2_expectations.json").standardized
        return try JSONDecoder().decode(Expectations.self, from: Data(contentsOf: url))
    }

    func testIncompleteGammaAndSurvivalMatchScipy() throws {
        let e = try expectations()
        XCTAssertGreaterThan(e.survival.count, 50)
        for row in e.survival {
            let got = SpecialFunctions.chi2Survival(row[0], ndf: Int(row[1]))
            XCTAssertEqual(got, row[2], accuracy: 1e-12 + 1e-10 * row[2], "sf(\(row[0]), \(row[1]))")
        }
        for row in e.gamma {
            XCTAssertEqual(SpecialFunctions.regularizedGammaP(row[0], row[1]), row[2], accuracy: 1e-12 + 1e-10 * row[2])
            XCTAssertEqual(SpecialFunctions.regularizedGammaQ(row[0], row[1]), row[3], accuracy: 1e-12 + 1e-10 * row[3])
        }
        for row in e.critical {
            XCTAssertEqual(SpecialFunctions.chi2Critical(p: row[0], ndf: Int(row[1])), row[2], accuracy: 1e-8 * row[2])
        }
    }

    func testWeightedChi2TestMatchesNumpyScipy() throws {
        let e = try expectations()
        for h in e.histograms {
            let r = Chi2Test.weighted(h.h1, h.sumw2_1, h.h2, h.sumw2_2, relativeSystematic: h.syst)
            XCTAssertEqual(r.chi2, h.chi2, accuracy: 1e-9 * max(1, h.chi2))
            XCTAssertEqual(r.ndf, h.ndf)
            XCTAssertEqual(r.pValue, h.p, accuracy: 1e-10 + 1e-8 * h.p)
        }
    }

    func testChi2ModeKeepsEveryPValueAboveThreshold() throws {
        let n = 800, d = 3
        let x = syntheticEvents(rows: n, columns: d, seed: 13)
        var rng = SplitMix64(seed: 4)
        let w = (0..<n).map { _ in 0.5 + rng.nextUnit() }
        let clf = LogisticClassifier(w: [1, -0.5, 0.8], b: -1.5)
        let labels = clf.scores(x).map { $0 > 0.5 ? 1.0 : 0.0 }
        let region = (0..<n).map { x[$0, 1] > 1 }
        var settings = Array(repeating: FeatureSettings(), count: d)
        settings[2].relativeSystematic = 0.02
        var cfg = AttackConfiguration(); cfg.mode = .chi2; cfg.bins = 20; cfg.iterations = 4; cfg.maxStepJSD = 1
        let problem = AttackProblem(features: x, labels: labels, weights: w,
                                    regions: [ConstraintPopulation(name: "SR-like", mask: region)], featureSettings: settings)
        let result = try AttackEngine(problem: problem, classifier: clf, configuration: cfg).run()
        let out = result.perturbed
        XCTAssertGreaterThan(result.metrics.foolingRatio, 0.02)
        XCTAssertNotEqual(out.values, x.values)
        var minP = 1.0
        for mask in [Array(repeating: true, count: n), region] {
            let idx = (0..<n).filter { mask[$0] }
            let wsub = idx.map { w[$0] }, w2 = wsub.map { $0 * $0 }
            for j in 0..<d {
                let lo = x.column(j).min()!, hi = x.column(j).max()!
                let nom = idx.map { x[$0, j] }, adv = idx.map { out[$0, j] }
                let h2 = IndependentMetrics.histogram(nom, wsub, lower: lo, upper: hi, bins: 20)
                let s2 = IndependentMetrics.histogram(nom, w2, lower: lo, upper: hi, bins: 20)
                let h1 = IndependentMetrics.histogram(adv, wsub, lower: lo, upper: hi, bins: 20)
                let s1 = IndependentMetrics.histogram(adv, w2, lower: lo, upper: hi, bins: 20)
                let r = Chi2Test.weighted(h1, s1, h2, s2, relativeSystematic: settings[j].relativeSystematic)
                XCTAssertGreaterThanOrEqual(r.pValue, 0.05, "feature \(j)")
                minP = min(minP, r.pValue)
            }
            let nomM = x.gatheredRows(idx), advM = out.gatheredRows(idx)
            XCTAssertLessThanOrEqual(IndependentMetrics.relativeCorrelationChange(nomM, advM, wsub), cfg.constraintRelCorr + 1e-12)
        }
        XCTAssertLessThan(minP, 0.9, "the chi2 bound should be approached")
        XCTAssertEqual(result.metrics.minChi2P!, minP, accuracy: 1e-9)
        XCTAssertTrue(result.metrics.constraintsMet)
    }
}
