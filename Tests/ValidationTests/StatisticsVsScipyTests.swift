import Foundation
import XCTest
import Columnar
@testable import Validation

/// fixtures/validation (made by fixtures/validation/make_expectations.py with numpy/scipy).
let validationFixtures = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("fixtures/validation")

struct Expectations: Decodable {
    struct Gamma: Decodable { let a, x, p, q: Double }
    struct Chi2SF: Decodable { let chi2: Double; let ndf: Int; let sf: Double }
    struct Chi2PPF: Decodable { let p: Double; let ndf: Int; let x: Double }
    struct KSTwo: Decodable { let n: Int; let d, sf: Double }
    struct KSBig: Decodable { let z, sf: Double }
    struct KS2: Decodable { let x1, x2: [Double]; let statistic: Double; let p_value: Double }
    struct JSD: Decodable { let p, q: [Double]; let natural, base2: Double }
    struct Chi2Case: Decodable {
        let mode: String; let content1, errorsq1, content2, errorsq2: [Double]
        let statistic: Double; let ndf: Int; let p_value: Double
    }
    struct Corr: Decodable { let x: [[Double]]; let w: [Double]; let corr: [[Double]] }
    let gamma: [Gamma]
    let chi2_sf: [Chi2SF]
    let kstwo_sf: [KSTwo]
    let chi2_ppf: [Chi2PPF]
    let kstwobign_sf: [KSBig]
    let smirnov_sf: [KSTwo]
    let ks_2samp: [KS2]
    let jsd: [JSD]
    let chi2_tests: [Chi2Case]
    let weighted_correlation: Corr

    static func load() throws -> Expectations {
        let data = try Data(contentsOf: validationFixtures.appendingPathComponent("expectations.json"))
        return try JSONDecoder().decode(Expectations.self, from: data)
    }
}

final class StatisticsVsScipyTests: XCTestCase {
    let tol = 1e-9

    func testIncompleteGammaMatchesScipy() throws {
        let e = try Expectations.load()
        XCTAssertGreaterThan(e.gamma.count, 50)
        for g in e.gamma {
            XCTAssertEqual(SpecialFunctions.regularizedGammaP(g.a, g.x), g.p, accuracy: tol, "P(\(g.a), \(g.x))")
            XCTAssertEqual(SpecialFunctions.regularizedGammaQ(g.a, g.x), g.q, accuracy: tol, "Q(\(g.a), \(g.x))")
        }
    }

    func testChi2SurvivalMatchesScipy() throws {
        for c in try Expectations.load().chi2_sf {
            XCTAssertEqual(SpecialFunctions.chi2Survival(c.chi2, ndf: c.ndf), c.sf, accuracy: tol, "chi2=\(c.chi2) ndf=\(c.ndf)")
        }
        XCTAssertEqual(SpecialFunctions.chi2Survival(0, ndf: 3), 1)
        XCTAssertEqual(SpecialFunctions.chi2Survival(5, ndf: 0), 0)
    }

    func testChi2QuantileMatchesScipy() throws {
        for c in try Expectations.load().chi2_ppf {
            XCTAssertEqual(SpecialFunctions.chi2Quantile(c.p, ndf: c.ndf), c.x, accuracy: 1e-9 * max(1, c.x), "ppf(\(c.p), \(c.ndf))")
        }
    }

    /// Two samples from one distribution exceed the JSD null quantile about alpha of the time.
    func testJSDNullQuantileHasAboutAlphaFalseAlarms() throws {
        var rng = SeededRandom(seed: 7)
        let b = try Binning(bins: 20, lower: -3, upper: 3)
        var exceed = 0
        let trials = 400
        for _ in 0..<trials {
            let h1 = try Histogram1D(binning: b, values: (0..<1000).map { _ in rng.gaussian() })
            let h2 = try Histogram1D(binning: b, values: (0..<800).map { _ in rng.gaussian() })
            let k = zip(h1.sumW, h2.sumW).filter { $0 != 0 || $1 != 0 }.count
            let q = CheckThresholds.jsdNullQuantile(bins: k, n1: 1000, n2: 800, alpha: 0.05, base: 2)
            if try JensenShannonDistance.distance(h1.sumW, h2.sumW, base: 2) > q { exceed += 1 }
        }
        let rate = Double(exceed) / Double(trials)
        XCTAssertGreaterThan(rate, 0.01)
        XCTAssertLessThan(rate, 0.12)
    }

    func testKolmogorovDistributionMatchesScipyKstwo() throws {
        for k in try Expectations.load().kstwo_sf {
            XCTAssertEqual(KolmogorovDistribution.survival(n: k.n, d: k.d), k.sf, accuracy: tol, "kstwo.sf(\(k.d), \(k.n))")
        }
    }

    /// Large n, tiny distance (n·d² ≤ 0.01, n·d ≫ 1): P(D_n ≥ d) is 1 to double precision (the Kolmogorov CDF
    /// there is of order e^(−π²/(8nd²)) < e^(−100)). Durbin's matrix powers overflow at these n unless the
    /// running product is rescaled too; scipy 1.17's kstwo.sf(0.000222, 97181) overflows the same way and
    /// returns 0 (found on the demo: jet2_pt, D = 0.00022, "noticed" at p = 0).
    func testKolmogorovSurvivalIsOneAtTinyDistancesAndLargeSamples() {
        for (n, d) in [(97181, 0.00022247174332917785), (99_999, 0.0003), (60_000, 0.0004), (20_000, 0.0007), (150_000, 0.0002)] {
            XCTAssertEqual(KolmogorovDistribution.survival(n: n, d: d), 1, accuracy: 1e-12, "P(D_\(n) ≥ \(d))")
        }
    }

    func testAsymptoticKolmogorovMatchesScipyKstwobign() throws {
        for k in try Expectations.load().kstwobign_sf {
            XCTAssertEqual(KolmogorovDistribution.asymptoticSurvival(k.z), k.sf, accuracy: tol, "kstwobign.sf(\(k.z))")
        }
    }

    func testSmirnovMatchesScipy() throws {
        for k in try Expectations.load().smirnov_sf {
            XCTAssertEqual(KolmogorovDistribution.smirnovSurvival(n: k.n, d: k.d), k.sf, accuracy: tol, "smirnov(\(k.n), \(k.d))")
        }
    }

    func testTwoSampleKSMatchesScipyAsymp() throws {
        for (i, c) in try Expectations.load().ks_2samp.enumerated() {
            let r = try KolmogorovSmirnovTest.test(c.x1, c.x2)
            XCTAssertEqual(r.statistic, c.statistic, accuracy: 1e-12, "case \(i) statistic")
            XCTAssertEqual(r.pValue, c.p_value, accuracy: tol, "case \(i) p-value")
            // Unit weights are the unweighted test.
            let rw = try KolmogorovSmirnovTest.test(c.x1, weights: c.x1.map { _ in 1 }, c.x2, weights: c.x2.map { _ in 1 })
            XCTAssertEqual(rw.pValue, r.pValue, accuracy: 1e-12)
        }
    }

    func testWeightedKSUsesWeightedCDFs() throws {
        // Sample 1 = {0, 1} with weights {3, 1} → F1(0) = 0.75; sample 2 = {0, 1} unweighted → F2(0) = 0.5.
        let r = try KolmogorovSmirnovTest.test([0, 1], weights: [3, 1], [0, 1])
        XCTAssertEqual(r.statistic, 0.25, accuracy: 1e-15)
        XCTAssertEqual(r.effectiveN1, 16.0 / 10.0, accuracy: 1e-15)   // Kish: (Σw)²/Σw²
        XCTAssertEqual(r.effectiveN2, 2, accuracy: 1e-15)
    }

    func testJensenShannonMatchesScipy() throws {
        for c in try Expectations.load().jsd {
            XCTAssertEqual(try JensenShannonDistance.distance(c.p, c.q), c.natural, accuracy: tol)
            XCTAssertEqual(try JensenShannonDistance.distance(c.p, c.q, base: 2), c.base2, accuracy: tol)
        }
        XCTAssertEqual(try JensenShannonDistance.distance([1, 0], [0, 1], base: 2), 1, accuracy: 1e-15)
        XCTAssertEqual(try JensenShannonDistance.distance([2, 3], [4, 6], base: 2), 0, accuracy: 1e-15)
    }

    func testWeightedPearsonMatchesNumpy() throws {
        let c = try Expectations.load().weighted_correlation
        let m = FeatureMatrix(rows: c.x.count, columns: 4, values: c.x.flatMap { $0 })
        let r = Correlation.matrix(m, weights: c.w)
        for a in 0..<4 { for b in 0..<4 { XCTAssertEqual(r[a][b], c.corr[a][b], accuracy: 1e-12, "ρ[\(a)][\(b)]") } }
        XCTAssertEqual(Correlation.relativeFrobeniusChange(from: r, to: r), 0)
        XCTAssertGreaterThan(Correlation.relativeFrobeniusChange(from: r, to: Correlation.matrix(m)), 0)
    }
}
