import Foundation
import XCTest
import Columnar
@testable import Validation

/// The whole Validator against an independent numpy/scipy pipeline (fixtures/validation/make_pipeline_case.py).
final class PipelineCaseTests: XCTestCase {
    struct Case: Decodable {
        struct Expected: Decodable {
            struct Group: Decodable {
                let region, feature, comparison: String
                let chi2: Double; let ndf: Int; let chi2_p: Double
                let ks: Double; let ks_p: Double; let jsd: Double
            }
            let checks: [Group]
            let corr_nominal_CR, corr_perturbed_CR: [[Double]]
            let corr_relative_change_CR, yield_nominal_CR, yield_perturbed_CR, fooling_ratio: Double
        }
        let features: [String]
        let nominal, perturbed, data: [[Double]]
        let weights: [Double]
        let mask_nominal, mask_perturbed, mask_data: [Bool]
        let bins: Int
        let scores_nominal, scores_perturbed, labels: [Double]
        let expected: Expected
    }

    func matrix(_ rows: [[Double]]) -> FeatureMatrix {
        FeatureMatrix(rows: rows.count, columns: rows[0].count, values: rows.flatMap { $0 })
    }

    func testValidatorMatchesIndependentPipeline() throws {
        let c = try JSONDecoder().decode(Case.self, from: Data(contentsOf: validationFixtures.appendingPathComponent("pipeline_case.json")))
        let input = ValidationInput(
            featureNames: c.features,
            nominal: .init(features: matrix(c.nominal), weights: c.weights),
            perturbed: .init(features: matrix(c.perturbed), weights: c.weights),
            data: .init(features: matrix(c.data)),
            regions: [.init(name: "CR", nominalMask: c.mask_nominal, perturbedMask: c.mask_perturbed, dataMask: c.mask_data)],
            scores: ScoreInput(nominal: c.scores_nominal, perturbed: c.scores_perturbed, labels: c.labels, workingPoint: 0.5))
        var o = ValidationOptions(); o.bins = c.bins
        let r = try Validator.run(input, options: o)
        XCTAssertEqual(c.expected.checks.count, 18)
        XCTAssertEqual(r.checks.count, 18 * 3)
        for g in c.expected.checks {
            let here = r.checks.filter { $0.region == g.region && $0.feature == g.feature && $0.comparison.rawValue == g.comparison }
            let where_ = "\(g.region)/\(g.feature)/\(g.comparison)"
            let chi = try XCTUnwrap(here.first { $0.test == .chi2 }, where_)
            XCTAssertEqual(chi.mode, g.comparison == "nominal_vs_perturbed" ? "WW" : "UW")
            XCTAssertEqual(chi.statistic, g.chi2, accuracy: 1e-9 * max(1, g.chi2), where_)
            XCTAssertEqual(chi.ndf, g.ndf, where_)
            XCTAssertEqual(chi.pValue ?? -1, g.chi2_p, accuracy: 1e-9, where_)
            let ks = try XCTUnwrap(here.first { $0.test == .ks }, where_)
            XCTAssertEqual(ks.statistic, g.ks, accuracy: 1e-12, where_)
            XCTAssertEqual(ks.pValue ?? -1, g.ks_p, accuracy: 1e-9, where_)
            let js = try XCTUnwrap(here.first { $0.test == .jsd }, where_)
            XCTAssertEqual(js.statistic, g.jsd, accuracy: 1e-9, where_)
        }
        let corr = try XCTUnwrap(r.correlation.first { $0.region == "CR" })
        for a in 0..<3 { for b in 0..<3 {
            XCTAssertEqual(corr.nominal[a][b], c.expected.corr_nominal_CR[a][b], accuracy: 1e-12)
            XCTAssertEqual(corr.perturbed[a][b], c.expected.corr_perturbed_CR[a][b], accuracy: 1e-12)
        } }
        XCTAssertEqual(corr.relativeChange, c.expected.corr_relative_change_CR, accuracy: 1e-12)
        let score = try XCTUnwrap(r.scores?.regions.first { $0.region == "CR" })
        XCTAssertEqual(score.yieldNominal, c.expected.yield_nominal_CR, accuracy: 1e-9)
        XCTAssertEqual(score.yieldPerturbed, c.expected.yield_perturbed_CR, accuracy: 1e-9)
        XCTAssertEqual(r.foolingRatio ?? -1, c.expected.fooling_ratio, accuracy: 1e-15)
    }
}
