import Foundation
@testable import Templates
import Validation
import XCTest

/// Filling, mirroring, folding and the workspace's structure, against sums computed here by hand.
final class TemplateBuilderTests: XCTestCase {
    /// Six events, two regions; values chosen to land in known bins of [0, 1) × 4 and in the flows.
    func testTemplatesHoldTheWeightedSumsOfEachRegion() throws {
        let binning = try Binning(bins: 4, lower: 0, upper: 1)
        let x = [0.1, 0.3, 0.3, 0.9, -1, 1.0], xp = [0.1, 0.6, 0.3, 0.9, -1, 0.95]
        let w = [1.0, 2, 0.5, -0.25, 3, 4]
        let a = [true, true, true, false, true, true], b = [false, true, false, true, true, false]
        let nominal = try TemplateSample(name: "nominal", values: x, weights: w, regionMasks: [a, b])
        let perturbed = try TemplateSample(name: "perturbed", values: xp, weights: w, regionMasks: [a, b])
        let t = try TemplateBuilder.build(process: "wjets", observable: "score", binning: binning, regions: ["A", "B"],
                                          nominal: nominal, perturbed: perturbed)
        let ra = t.regions[0]
        XCTAssertEqual(ra.nominal.sumw, [3, 1, 2.5, 0, 0, 4])           // underflow 3; 1.0 is overflow (ROOT's rule)
        XCTAssertEqual(ra.nominal.sumw2, [9, 1, 4.25, 0, 0, 16])
        XCTAssertEqual(ra.up.sumw, [3, 1, 0.5, 2, 4, 0])
        XCTAssertEqual(ra.nominal.integral, 10.5)
        XCTAssertEqual(ra.up.integral, 10.5)
        XCTAssertEqual(ra.down.sumw, [3, 1, 4.5, 0, 0, 8])              // 2·nominal − up, floored at 0
        XCTAssertEqual(ra.nominal.entries, 5)
        XCTAssertEqual(ra.nominal.tsumw, 3.5)                           // in range only
        XCTAssertEqual(ra.nominal.tsumwx, 0.1 + 2 * 0.3 + 0.5 * 0.3, accuracy: 1e-15)
        XCTAssertEqual(ra.nominalEvents, 5)
        XCTAssertEqual(t.regions[1].nominal.sumw, [3, 0, 2, 0, -0.25, 0])
        XCTAssertEqual(t.regions[1].up.sumw, [3, 0, 0, 2, -0.25, 0])
        XCTAssertEqual(t.regions[1].down.sumw, [3, 0, 4, 0, 0, 0])      // −0.25 mirrored to −0.25, floored
        // Flow bins are reported (Combine ignores them) and folded for the fit.
        XCTAssertTrue(t.warnings.contains { $0.hasPrefix("region A: Σw below / above the axis range: nominal 3 / 4, perturbed 3 / 0") }, "\(t.warnings)")
        XCTAssertTrue(t.warnings.contains { $0.hasPrefix("region A: bins 3 of 4 expect no events") }, "\(t.warnings)")
        XCTAssertEqual(ra.nominal.folded.sumw, [4, 2.5, 0, 4])
        XCTAssertEqual(ra.nominal.folded.sumw2, [10, 4.25, 0, 16])
        XCTAssertEqual(t.variationName(up: true), "wjets_conservattackUp")
        XCTAssertEqual(t.variationName(up: false), "wjets_conservattackDown")
    }

    func testWorkspaceCarriesHistosysStaterrorAndThePOI() throws {
        let binning = try Binning(bins: 2, lower: 0, upper: 2)
        let nominal = try TemplateSample(name: "n", values: [0.5, 1.5, 1.5], weights: [1, 2, 3], regionMasks: [[true, true, true]])
        let perturbed = try TemplateSample(name: "p", values: [0.5, 0.5, 1.5], weights: [1, 2, 3], regionMasks: [[true, true, true]])
        let signal = try TemplateSample(name: "s", values: [1.2], weights: [0.5], regionMasks: [[true]])
        let data = try TemplateSample(name: "d", values: [0.1, 1.9, 1.0, 1.1], weights: nil, regionMasks: [[true, true, true, false]])
        for withSignal in [false, true] {
            let t = try TemplateBuilder.build(process: "bkg", observable: "x", binning: binning, regions: ["SR"], nominal: nominal,
                                              perturbed: perturbed, data: withSignal ? data : nil, signal: withSignal ? signal : nil)
            let ws = try JSONSerialization.jsonObject(with: try PyhfWorkspace.json(t)) as! [String: Any]
            let channel = (ws["channels"] as! [[String: Any]])[0]
            XCTAssertEqual(channel["name"] as? String, "SR")
            let samples = channel["samples"] as! [[String: Any]]
            XCTAssertEqual(samples.map { $0["name"] as! String }, withSignal ? ["bkg", "signal"] : ["bkg"])
            XCTAssertEqual(samples[0]["data"] as? [Double], [1, 5])
            let mods = samples[0]["modifiers"] as! [[String: Any]]
            let histosys = mods.first { $0["type"] as? String == "histosys" }!
            XCTAssertEqual(histosys["name"] as? String, "conservattack")
            XCTAssertEqual((histosys["data"] as! [String: [Double]])["hi_data"], [3, 3])
            XCTAssertEqual((histosys["data"] as! [String: [Double]])["lo_data"], [0, 7])
            let stat = mods.first { $0["type"] as? String == "staterror" }!
            XCTAssertEqual(stat["data"] as? [Double], [1, 13.0.squareRoot()])
            let poiHolder = withSignal ? samples[1] : samples[0]
            let norm = (poiHolder["modifiers"] as! [[String: Any]]).first { $0["type"] as? String == "normfactor" }!
            XCTAssertEqual(norm["name"] as? String, "mu")
            XCTAssertTrue(norm["data"] is NSNull)
            let obs = (ws["observations"] as! [[String: Any]])[0]["data"] as! [Double]
            XCTAssertEqual(obs, withSignal ? [1, 2] : [1, 5])                // data, or the Asimov nominal
            let config = ((ws["measurements"] as! [[String: Any]])[0]["config"] as! [String: Any])
            XCTAssertEqual(config["poi"] as? String, "mu")
        }
    }

    func testBadInputsAreTypedErrors() throws {
        let binning = try Binning(bins: 2, lower: 0, upper: 2)
        XCTAssertThrowsError(try TemplateSample(name: "n", values: [1], weights: [.nan], regionMasks: [[true]])) {
            guard case .nonFiniteWeight(sample: "n", event: 0, value: _)? = $0 as? TemplateError else { return XCTFail("\($0)") }
            XCTAssertTrue("\($0)".contains("event 0"), "\($0)")
        }
        XCTAssertThrowsError(try TemplateSample(name: "n", values: [1, 2], weights: [1], regionMasks: [[true, true]]))
        XCTAssertThrowsError(try TemplateSample(name: "n", values: [1, 2], weights: nil, regionMasks: [[true]]))
        let s = try TemplateSample(name: "n", values: [1], weights: nil, regionMasks: [[true]])
        for (process, region) in [("a/b", "SR"), ("bkg", "S;R"), ("", "SR"), ("bkg", "")] {
            XCTAssertThrowsError(try TemplateBuilder.build(process: process, observable: "x", binning: binning, regions: [region],
                                                           nominal: s, perturbed: s)) { XCTAssertTrue("\($0)".contains("name"), "\($0)") }
        }
        XCTAssertThrowsError(try TemplateBuilder.build(process: "b", observable: "x", binning: binning, regions: ["A", "A"], nominal: s, perturbed: s))
        XCTAssertThrowsError(try TemplateBuilder.build(process: "b", observable: "x", binning: binning, regions: [], nominal: s, perturbed: s))
        let two = try TemplateSample(name: "p", values: [1, 2], weights: nil, regionMasks: [[true, true]])
        XCTAssertThrowsError(try TemplateBuilder.build(process: "b", observable: "x", binning: binning, regions: ["A"], nominal: s, perturbed: two))
        XCTAssertThrowsError(try TemplateBuilder.binning(bins: 0, range: nil, values: [[1]]))
        XCTAssertThrowsError(try TemplateBuilder.binning(bins: 3, range: (1, 1), values: [[1]]))
        // The fitted range keeps the largest value inside the last bin.
        let fitted = try TemplateBuilder.binning(bins: 3, range: nil, values: [[2, 5], [8]])
        XCTAssertEqual(fitted.edges.first, 2)
        XCTAssertEqual(fitted.index(of: 8), 3)
    }
}
