import XCTest
@testable import Validation

final class Chi2AndBinningTests: XCTestCase {
    /// ROOT's UU/UW/WW formulas, against values the fixture script computes with numpy from ROOT's documentation.
    func testChi2FormsMatchDocumentedFormulas() throws {
        let cases = try Expectations.load().chi2_tests
        XCTAssertEqual(Set(cases.map(\.mode)), ["UU", "UW", "WW"])
        for (i, c) in cases.enumerated() {
            let mode = try XCTUnwrap(Chi2Mode(rawValue: c.mode))
            let r = try HistogramChi2Test.test(content1: c.content1, errorSq1: c.errorsq1, content2: c.content2, errorSq2: c.errorsq2, mode: mode)
            XCTAssertEqual(r.statistic, c.statistic, accuracy: 1e-9 * max(1, c.statistic), "case \(i) \(c.mode) statistic")
            XCTAssertEqual(r.ndf, c.ndf, "case \(i) \(c.mode) ndf")
            XCTAssertEqual(r.pValue, c.p_value, accuracy: 1e-9, "case \(i) \(c.mode) p")
        }
    }

    func testUUByHand() throws {
        // n1 = (10, 20, 0), n2 = (15, 15, 0): N1 = 30, N2 = 30, last bin empty in both → ndf = 1.
        // X² = [(30·10 − 30·15)²/25 + (30·20 − 30·15)²/35] / 900 = (900 + 642.857142…)/900
        let r = try HistogramChi2Test.test(content1: [10, 20, 0], errorSq1: [10, 20, 0], content2: [15, 15, 0], errorSq2: [15, 15, 0], mode: .uu)
        XCTAssertEqual(r.statistic, (22500.0 / 25 + 22500.0 / 35) / 900, accuracy: 1e-12)
        XCTAssertEqual(r.ndf, 1)
    }

    func testWWReducesToUUForUnitWeights() throws {
        let n1 = [5.0, 9, 14, 3], n2 = [7.0, 8, 10, 6]
        let uu = try HistogramChi2Test.test(content1: n1, errorSq1: n1, content2: n2, errorSq2: n2, mode: .uu)
        let ww = try HistogramChi2Test.test(content1: n1, errorSq1: n1, content2: n2, errorSq2: n2, mode: .ww)
        // WW with s² = n has denominator N1²n2 + N2²n1, UU has N1N2(n1 + n2): equal only when N1 = N2.
        XCTAssertEqual(n1.reduce(0, +), n2.reduce(0, +))
        XCTAssertEqual(uu.statistic, ww.statistic, accuracy: 1e-12)
    }

    func testChi2Errors() {
        XCTAssertThrowsError(try HistogramChi2Test.test(content1: [0, 0], errorSq1: [0, 0], content2: [1, 2], errorSq2: [1, 2], mode: .uu))
        XCTAssertThrowsError(try HistogramChi2Test.test(content1: [1, 2], errorSq1: [0, 0], content2: [1, 2], errorSq2: [0, 0], mode: .ww)) { e in
            XCTAssertEqual(e as? ValidatorError, .degenerateBin(test: "chi2 WW", bin: 0, reason: "both histograms have zero error with non-zero content"))
        }
        XCTAssertThrowsError(try HistogramChi2Test.test(content1: [1, 2], errorSq1: [1, 2], content2: [1], errorSq2: [1], mode: .uu))
    }

    func testBinningUnderOverflow() throws {
        let b = try Binning(bins: 4, lower: 0, upper: 4)
        XCTAssertEqual(b.edges, [0, 1, 2, 3, 4])
        XCTAssertEqual(b.index(of: -0.1), 0)
        XCTAssertEqual(b.index(of: 0), 1)
        XCTAssertEqual(b.index(of: 0.999), 1)
        XCTAssertEqual(b.index(of: 1), 2)
        XCTAssertEqual(b.index(of: 3.5), 4)
        XCTAssertEqual(b.index(of: 4), 5)        // upper edge is overflow, as in ROOT
        XCTAssertEqual(b.index(of: .infinity), 5)
        XCTAssertNil(b.index(of: .nan))
        let h = try Histogram1D(binning: b, values: [-5, 0.5, 0.5, 2.5, 9, 9], weights: [1, 2, 3, 1, 0.5, 0.5])
        XCTAssertEqual(h.sumW, [1, 5, 0, 1, 0, 1])
        XCTAssertEqual(h.sumW2, [1, 13, 0, 1, 0, 0.5])
        XCTAssertEqual(h.entries, [1, 2, 0, 1, 0, 2])
        XCTAssertEqual(h.total, 8)
    }

    func testFittedBinningPutsMaximumInLastBin() throws {
        let b = try Binning.fitted(to: [2, 3, 10, .nan], bins: 8)
        XCTAssertEqual(b.edges.first, 2)
        XCTAssertEqual(b.index(of: 10), 8)
        XCTAssertEqual(b.index(of: 2), 1)
        XCTAssertThrowsError(try Binning(edges: [0, 1, 1]))
        XCTAssertThrowsError(try Binning(bins: 0, lower: 0, upper: 1))
    }

    func testChi2WithUnderOverflowSeesShiftOutsideRange() throws {
        // Identical inside the range; the perturbed sample moves events into the overflow bin.
        let b = try Binning(bins: 2, lower: 0, upper: 2)
        let nominal = try Histogram1D(binning: b, values: Array(repeating: 0.5, count: 100) + Array(repeating: 1.5, count: 100))
        let perturbed = try Histogram1D(binning: b, values: Array(repeating: 0.5, count: 100) + Array(repeating: 1.5, count: 60) + Array(repeating: 5, count: 40))
        let r = try HistogramChi2Test.test(nominal, perturbed, mode: .uu)
        XCTAssertEqual(r.ndf, 2)                 // 4 bins, underflow empty in both
        XCTAssertLessThan(r.pValue, 1e-6)
    }
}
