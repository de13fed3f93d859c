import Foundation
@testable import Report
import Templates
@testable import Validation
import XCTest

/// The report's fit-template section: a yields table and one nominal/up/down plot with ratios per region.
final class TemplateReportTests: XCTestCase {
    static func templates() throws -> TemplateSet {
        let binning = try Binning(bins: 5, lower: 0, upper: 1)
        let x = (0..<200).map { Double($0 % 97) / 97 }, xp = x.map { min(0.999, $0 * 1.05) }
        let w = x.map { 0.5 + $0 }
        let masks = [x.map { $0 < 0.6 }, x.map { _ in true }]
        return try TemplateBuilder.build(process: "w<jets>", observable: "classifier score", binning: binning, regions: ["CR&1", "SR"],
                                         nominal: try TemplateSample(name: "nominal", values: x, weights: w, regionMasks: masks),
                                         perturbed: try TemplateSample(name: "perturbed", values: xp, weights: w, regionMasks: masks))
    }

    func testTemplateSectionHasAPlotPerRegionWithRatios() throws {
        let t = try Self.templates()
        let report = try Validator.run(DemoInput.make(events: 300))
        let html = HTMLReport.render(report, templates: t)
        XCTAssertTrue(html.contains("<section id=\"templates\">"))
        for region in ["CR&amp;1", "SR"] {
            XCTAssertTrue(html.contains("<figure data-template-region=\"\(region)\"><svg"), region)
        }
        XCTAssertTrue(html.contains("w&lt;jets&gt;_conservattackUp"), "names are escaped")
        XCTAssertFalse(html.contains("w<jets>"))
        // The section sits between the scores and the attack, and every SVG is closed.
        let templates = try XCTUnwrap(html.range(of: "id=\"templates\"")), scores = try XCTUnwrap(html.range(of: "id=\"scores\""))
        XCTAssertLessThan(scores.lowerBound, templates.lowerBound)
        XCTAssertEqual(html.components(separatedBy: "<svg").count, html.components(separatedBy: "</svg>").count)
        // Without templates the section is absent.
        XCTAssertFalse(HTMLReport.render(report).contains("id=\"templates\""))
    }

    func testPlotDrawsUpAndDownAndPicksARatioRangeCoveringTheShift() throws {
        let t = try Self.templates()
        let r = t.regions[1]
        let svg = TemplatePlot(title: "t", xLabel: "score", templates: r, processLabel: "wjets").svg()
        XCTAssertTrue(svg.contains("class=\"up\""))
        XCTAssertTrue(svg.contains("class=\"down\""))
        XCTAssertTrue(svg.contains("up (perturbed)"))
        let inner = { (a: [Double]) in Array(a[1...r.nominal.binCount]) }
        let span = TemplatePlot.ratioSpan(inner(r.nominal.sumw), [inner(r.up.sumw), inner(r.down.sumw)])
        var worst = 0.0
        for (n, u) in zip(inner(r.nominal.sumw), inner(r.up.sumw)) where n > 0 { worst = max(worst, abs(u / n - 1)) }
        XCTAssertGreaterThan(worst, 0)
        XCTAssertGreaterThanOrEqual(span, min(0.5, worst))
        XCTAssertEqual(TemplatePlot.ratioSpan([1, 2], [[1.01, 2]]), 0.02)
        XCTAssertEqual(TemplatePlot.ratioSpan([1, 0], [[3, 5]]), 0.5)
    }
}
