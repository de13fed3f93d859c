import Foundation
import XCTest
import Columnar
@testable import Validation

final class ValidatorTests: XCTestCase {
    func matrix(_ cols: [[Double]]) -> FeatureMatrix {
        let n = cols[0].count
        var m = FeatureMatrix(rows: n, columns: cols.count)
        for (j, c) in cols.enumerated() { for i in 0..<n { m[i, j] = c[i] } }
        return m
    }

    func gaussianSample(_ n: Int, seed: UInt64, shift: Double = 0) -> FeatureMatrix {
        var rng = SeededRandom(seed: seed)
        let a = (0..<n).map { _ in rng.gaussian() + shift }
        let b = a.map { 0.5 * $0 + rng.gaussian() }
        return matrix([a, b])
    }

    func testIdenticalSamplesNoticeNothing() throws {
        let x = gaussianSample(2000, seed: 1)
        let input = ValidationInput(featureNames: ["a", "b"], nominal: .init(features: x), perturbed: .init(features: x))
        let r = try Validator.run(input)
        XCTAssertEqual(r.checks.count, 2 * 3)   // region "all" × 2 features × (chi2, ks, jsd)
        for c in r.checks {
            XCTAssertFalse(c.noticed, "\(c)")
            XCTAssertEqual(c.statistic, 0, accuracy: 1e-12)
            if c.test != .jsd { XCTAssertEqual(c.pValue ?? -1, 1, accuracy: 1e-12) } else { XCTAssertNil(c.pValue) }
        }
        XCTAssertEqual(r.checks.first { $0.test == .chi2 }?.mode, "UU")
        XCTAssertEqual(r.correlation.first?.relativeChange ?? -1, 0, accuracy: 1e-15)
        XCTAssertEqual(r.summary.perturbationNoticed, 0)
        XCTAssertTrue(r.summary.verdict.hasPrefix("None of the 6"))
        XCTAssertEqual(r.histograms.count, 2)
        XCTAssertEqual(r.histograms[0].edges.count, 41)
        XCTAssertEqual(r.histograms[0].nominal.sumw.count, 42)
        XCTAssertEqual(r.histograms[0].nominal.sumw.reduce(0, +), 2000)
    }

    func testLargeShiftIsNoticedByEveryTest() throws {
        let x = gaussianSample(3000, seed: 2), y = gaussianSample(3000, seed: 3, shift: 0.5)
        let w = Array(repeating: 1.3, count: 3000)
        let input = ValidationInput(featureNames: ["a", "b"], nominal: .init(features: x, weights: w), perturbed: .init(features: y, weights: w))
        var o = ValidationOptions(); o.jsdThreshold = 0.05
        let r = try Validator.run(input, options: o)
        let a = r.checks.filter { $0.feature == "a" }
        XCTAssertEqual(Set(a.map(\.test)), [.chi2, .ks, .jsd])
        XCTAssertTrue(a.allSatisfy(\.noticed), "\(a)")
        XCTAssertEqual(a.first { $0.test == .chi2 }?.mode, "WW")
        XCTAssertGreaterThan(a.first { $0.test == .ks }?.statistic ?? 0, 0.1)
        // The verdict says which tests noticed, with the counts of the checks themselves.
        let perKind = [ValidationReport.TestKind.chi2, .ks, .jsd].map { t in
            "\(t.rawValue): \(r.checks.filter { $0.test == t && $0.noticed }.count) of \(r.checks.filter { $0.test == t }.count)"
        }
        XCTAssertTrue(r.summary.verdict.contains("(" + perKind.joined(separator: ", ") + ")"), r.summary.verdict)
    }

    func testRegionsUsePerturbedMaskAndSummaries() throws {
        let x = matrix([[1, 2, 3, 4, 5, 6]]), y = matrix([[1, 2, 3, 4, 5, 9]])
        let region = ValidationRegion(name: "CR", nominalMask: [true, true, true, false, false, false],
                                      perturbedMask: [true, true, false, false, false, true])
        var o = ValidationOptions(); o.bins = 3
        let r = try Validator.run(ValidationInput(featureNames: ["x"], nominal: .init(features: x), perturbed: .init(features: y),
                                                   regions: [region]), options: o)
        XCTAssertEqual(r.regions.map(\.name), ["all", "CR"])
        XCTAssertEqual(r.regions[1].nominalEvents, 3)
        XCTAssertEqual(r.regions[1].perturbedEvents, 3)
        let h = try XCTUnwrap(r.histograms.first { $0.region == "CR" })
        XCTAssertEqual(h.edges.first, 1)
        XCTAssertEqual(h.nominal.sumw, [0, 1, 1, 1, 0])
        XCTAssertEqual(h.perturbed.sumw, [0, 1, 1, 0, 1])   // 9 lands in the overflow bin
    }

    /// A blinded region (the signal region) is checked and shown, but its checks are not counted among the validation's:
    /// data cannot be compared there before unblinding. Perturbed only inside it, the validation notices nothing and the
    /// summary says how many of the blinded checks differ.
    func testBlindedRegionIsShownButNotCounted() throws {
        let x = gaussianSample(4000, seed: 5)
        var y = x
        let sr = (0..<x.rows).map { x[$0, 0] > 0.8 }
        for i in 0..<x.rows where sr[i] { y[i, 1] += 1.5 }
        var o = ValidationOptions(); o.includeInclusiveRegion = false
        let regions = [ValidationRegion(name: "CR", nominalMask: sr.map { !$0 }),
                       ValidationRegion(name: "SR", nominalMask: sr, blinded: true)]
        let r = try Validator.run(ValidationInput(featureNames: ["a", "b"], nominal: .init(features: x), perturbed: .init(features: y),
                                                   regions: regions), options: o)
        XCTAssertEqual(r.summary.perturbationChecks, 6)
        XCTAssertEqual(r.summary.perturbationNoticed, 0)
        XCTAssertEqual(r.summary.blindedChecks, 6)
        XCTAssertEqual(r.summary.blindedNoticed, r.checks.filter { $0.region == "SR" && $0.noticed }.count)
        XCTAssertGreaterThanOrEqual(r.summary.blindedNoticed ?? 0, 3)   // feature b: chi2, KS and JSD
        XCTAssertTrue(r.checks.contains { $0.region == "SR" && $0.feature == "b" && $0.noticed })
        XCTAssertTrue(r.summary.verdict.hasPrefix("None of the 6"), r.summary.verdict)
        XCTAssertTrue(r.summary.verdict.contains("blinded region SR"), r.summary.verdict)
        XCTAssertEqual(r.regions.map(\.blinded), [nil, true])
        let cr = try XCTUnwrap(r.correlation.first { $0.region == "CR" }), srCorr = try XCTUnwrap(r.correlation.first { $0.region == "SR" })
        XCTAssertGreaterThan(srCorr.relativeChange, cr.relativeChange)
        XCTAssertEqual(r.summary.maxCorrelationChange, cr.relativeChange)
        let json = String(decoding: try JSONEncoder().encode(r), as: UTF8.self)
        XCTAssertTrue(json.contains("\"blinded_checks\":6"), json.prefix(400).description)
        XCTAssertEqual(try JSONDecoder().decode(ValidationReport.self, from: Data(json.utf8)), r)
    }

    func testScoresYieldShiftAndFoolingRatio() throws {
        let x = matrix([[0, 1, 2, 3]])
        let w = [1.0, 2, 3, 4]
        let scores = ScoreInput(nominal: [0.9, 0.8, 0.2, 0.6], perturbed: [0.4, 0.8, 0.7, 0.3], labels: [1, 1, 0, 0], workingPoint: 0.5)
        let input = ValidationInput(featureNames: ["x"], nominal: .init(features: x, weights: w), perturbed: .init(features: x, weights: w), scores: scores)
        let r = try Validator.run(input)
        let s = try XCTUnwrap(r.scores?.regions.first)
        XCTAssertEqual(s.yieldNominal, 1 + 2 + 4)         // scores 0.9, 0.8, 0.6 above 0.5
        XCTAssertEqual(s.yieldPerturbed, 2 + 3)           // 0.8, 0.7
        XCTAssertEqual(s.yieldShift, -2)
        XCTAssertEqual(s.relativeYieldShift ?? 0, -2.0 / 7.0, accuracy: 1e-15)
        XCTAssertEqual(s.yieldNominalError, (1.0 + 4 + 16).squareRoot(), accuracy: 1e-15)
        // Correct on nominal: events 0, 1 (label 1, above) and 2 (label 0, below) → 3; fooled: 0 and 2 → 2/3.
        XCTAssertEqual(r.foolingRatio ?? -1, 2.0 / 3.0, accuracy: 1e-15)
        let noLabels = ScoreInput(nominal: scores.nominal, perturbed: scores.perturbed, workingPoint: 0.5)
        let r2 = try Validator.run(ValidationInput(featureNames: ["x"], nominal: .init(features: x), perturbed: .init(features: x), scores: noLabels))
        XCTAssertEqual(r2.foolingRatio ?? -1, 3.0 / 4.0, accuracy: 1e-15)   // events 0, 2, 3 flipped
        XCTAssertEqual(r.summary.maxRelativeYieldShift ?? 0, 2.0 / 7.0, accuracy: 1e-15)
    }

    func testDataComparisonsUseUWAgainstWeightedSimulation() throws {
        let x = gaussianSample(1500, seed: 4), d = gaussianSample(800, seed: 5)
        var rng = SeededRandom(seed: 9)
        let w = (0..<1500).map { _ in 0.5 + rng.uniform() }
        let r = try Validator.run(ValidationInput(featureNames: ["a", "b"], nominal: .init(features: x, weights: w),
                                                  perturbed: .init(features: x, weights: w), data: .init(features: d)))
        let dataChi2 = r.checks.filter { $0.comparison == .dataVsNominal && $0.test == .chi2 }
        XCTAssertEqual(dataChi2.count, 2)
        XCTAssertTrue(dataChi2.allSatisfy { $0.mode == "UW" })
        XCTAssertEqual(r.checks.filter { $0.comparison == .dataVsPerturbed }.count, 6)
        XCTAssertNotNil(r.histograms[0].data)
        XCTAssertEqual(r.histograms[0].data?.sumw.reduce(0, +) ?? 0, 800, accuracy: 1e-9)
    }

    func testShapeErrorsSayWhat() {
        let x = matrix([[1, 2, 3]])
        XCTAssertThrowsError(try Validator.run(ValidationInput(featureNames: ["x"], nominal: .init(features: x, weights: [1, 2]), perturbed: .init(features: x)))) {
            XCTAssertEqual($0 as? ValidatorError, .lengthMismatch(what: "nominal weights", expected: 3, got: 2))
        }
        XCTAssertThrowsError(try Validator.run(ValidationInput(featureNames: ["x"], nominal: .init(features: x), perturbed: .init(features: x),
                                                               regions: [.init(name: "SR", nominalMask: [true])]))) {
            XCTAssertEqual($0 as? ValidatorError, .lengthMismatch(what: "region 'SR' nominal mask", expected: 3, got: 1))
        }
        XCTAssertThrowsError(try Validator.run(ValidationInput(featureNames: ["x", "y"], nominal: .init(features: x), perturbed: .init(features: x))))
    }

    func testEmptyRegionIsAWarningNotACrash() throws {
        let x = matrix([[1, 2, 3]])
        let r = try Validator.run(ValidationInput(featureNames: ["x"], nominal: .init(features: x), perturbed: .init(features: x),
                                                  regions: [.init(name: "empty", nominalMask: [false, false, false])]))
        XCTAssertTrue(r.warnings.contains { $0.contains("region 'empty'") })
        XCTAssertTrue(r.checks.allSatisfy { $0.region == "all" })
        XCTAssertEqual(r.correlation.map(\.region), ["all"])
        XCTAssertTrue(r.warnings.contains { $0.contains("correlation skipped") })
    }

    func testReportJSONRoundTripAndSchemaKeys() throws {
        let report = try Validator.run(DemoInput.make(events: 600))
        let data = try ReportJSON.encode(report)
        let back = try ReportJSON.decode(data)
        XCTAssertEqual(back, report)
        let obj = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        for key in ["checks", "correlation", "scores", "fooling_ratio", "attack", "summary", "histograms"] {
            XCTAssertNotNil(obj[key], "missing \(key)")
        }
        let checks = try XCTUnwrap(obj["checks"] as? [[String: Any]])
        XCTAssertFalse(checks.isEmpty)
        for c in checks {
            for key in ["region", "feature", "test", "statistic", "p_value", "ndf", "noticed"] { XCTAssertNotNil(c[key], "check lacks \(key)") }
            if c["test"] as? String == "jsd" { XCTAssertTrue(c["p_value"] is NSNull) }
        }
        XCTAssertEqual(Set(checks.compactMap { $0["test"] as? String }), ["chi2", "ks", "jsd"])
    }

    func testDemoInputMovesTheClassifierMoreThanTheFeatures() throws {
        let r = try Validator.run(DemoInput.make())
        let fooling = try XCTUnwrap(r.foolingRatio)
        XCTAssertGreaterThan(fooling, 0.05)
        XCTAssertGreaterThan(abs(try XCTUnwrap(r.summary.maxRelativeYieldShift)), 0.05)
        XCTAssertLessThan(r.summary.maxCorrelationChange ?? 1, 0.1)
    }
}

final class ValidatorInputTests: XCTestCase {
    func testSampleFromEventTableAndExplicitEdges() throws {
        let table = try EventTable(rowCount: 4, columns: [
            ("pt", Column(.float32([10, 20, 30, 40]))),
            ("eta", Column(.int32([-1, 0, 1, 2]))),
            ("w", Column(.float64([1, 1, 2, 2]))),
        ])
        let s = try ValidationSample(table: table, features: ["pt", "eta"], weightColumn: "w")
        XCTAssertEqual(s.features.column(1), [-1, 0, 1, 2])
        XCTAssertEqual(s.weights, [1, 1, 2, 2])
        XCTAssertThrowsError(try ValidationSample(table: table, features: ["phi"]))
        var o = ValidationOptions()
        o.edges["pt"] = [0, 25, 50]
        let r = try Validator.run(ValidationInput(featureNames: ["pt", "eta"], nominal: s, perturbed: s), options: o)
        let h = try XCTUnwrap(r.histograms.first { $0.feature == "pt" })
        XCTAssertEqual(h.edges, [0, 25, 50])
        XCTAssertEqual(h.nominal.sumw, [0, 2, 4, 0])
        XCTAssertEqual(h.nominal.sumw2, [0, 2, 8, 0])
        XCTAssertEqual(r.histograms.first { $0.feature == "eta" }?.edges.count, 41)
        let fromTables = try ValidationInput.fromTables(nominal: table, perturbed: table, data: table.rows(0..<2), features: ["pt"], weightColumn: "w")
        XCTAssertEqual(fromTables.nominal.weights, [1, 1, 2, 2])
        XCTAssertEqual(fromTables.data?.weights, [1, 1])
        XCTAssertThrowsError(try ValidationInput.fromTables(nominal: table, perturbed: table.rows(0..<3), features: ["pt"]))
        o.edges["pt"] = [0, 0]
        XCTAssertThrowsError(try Validator.run(ValidationInput(featureNames: ["pt", "eta"], nominal: s, perturbed: s), options: o))
    }

    func testJSDThresholdIsRecordedAndFloorCanBeSwitchedOff() throws {
        var rng = SeededRandom(seed: 11)
        let a = FeatureMatrix(rows: 300, columns: 1, values: (0..<300).map { _ in rng.gaussian() })
        let b = FeatureMatrix(rows: 300, columns: 1, values: (0..<300).map { _ in rng.gaussian() })
        let input = ValidationInput(featureNames: ["x"], nominal: .init(features: a), perturbed: .init(features: b))
        let withFloor = try Validator.run(input).checks.first { $0.test == .jsd }
        var o = ValidationOptions(); o.jsdStatisticalFloor = false
        let without = try Validator.run(input, options: o).checks.first { $0.test == .jsd }
        XCTAssertEqual(without?.threshold, 0.05)
        // Two independent samples of 300 from one Gaussian: the JSD is pure noise, above 0.05, below the floor.
        XCTAssertGreaterThan(try XCTUnwrap(without?.statistic), 0.05)
        XCTAssertEqual(without?.noticed, true)
        XCTAssertGreaterThan(try XCTUnwrap(withFloor?.threshold), try XCTUnwrap(withFloor?.statistic))
        XCTAssertEqual(withFloor?.noticed, false)
    }
}
