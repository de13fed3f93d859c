import Foundation
import XCTest
import Columnar
@testable import Report
@testable import Validation

let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

final class ReportTests: XCTestCase {
    func tempDir() throws -> URL {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("conservattack-report-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        return d
    }

    func count(_ needle: String, in hay: String) -> Int { hay.components(separatedBy: needle).count - 1 }

    func testHTMLOpensWithVerdictThenGridThenPlotsAndEndsWithTheFullTable() throws {
        let input = DemoInput.make(events: 800)
        let report = try Validator.run(input)
        let html = HTMLReport.render(report)
        XCTAssertTrue(html.hasPrefix("<!DOCTYPE html>"))
        let verdict = try XCTUnwrap(html.range(of: "<div class=\"verdict "))
        let grid = try XCTUnwrap(html.range(of: "<table class=\"overview-grid\""))
        let firstPlot = try XCTUnwrap(html.range(of: "<figure"))
        let lastPlot = try XCTUnwrap(html.range(of: "<figure", options: .backwards))
        let table = try XCTUnwrap(html.range(of: "class=\"verdict-table\""))
        let definitions = try XCTUnwrap(html.range(of: "<h2>Definitions</h2>"))
        XCTAssertLessThan(verdict.lowerBound, grid.lowerBound, "the verdict comes first")
        XCTAssertLessThan(grid.lowerBound, firstPlot.lowerBound, "the grid comes before the plots")
        XCTAssertLessThan(lastPlot.lowerBound, table.lowerBound, "the full per-check table comes after every plot")
        XCTAssertLessThan(table.lowerBound, definitions.lowerBound)
        XCTAssertEqual(count("class=\"verdict-table\"", in: html), 3, "nominal vs perturbed + 2 data tables, all kept")
        for f in input.featureNames {
            // one histogram per feature and region ("all" and "CR_highMET")
            XCTAssertEqual(count("<figure data-feature=\"\(f)\" id=\"plot-r", in: html), 2, f)
        }
        XCTAssertEqual(count("<tr><td>all</td><td class=\"feat\">", in: html), input.featureNames.count * 3)   // nominal vs perturbed + 2 data tables
        XCTAssertTrue(html.contains("data-score-region=\"all\""))
        XCTAssertTrue(html.contains("fooling ratio by iteration"))
        XCTAssertTrue(html.contains("perturbed − nominal"))
        XCTAssertFalse(html.contains("<script"), "no JavaScript")
        XCTAssertEqual(count("<svg", in: html), count("</svg>", in: html))
    }

    func testGridHasACellPerFeatureAndRegionLinkingToItsPlot() throws {
        let input = DemoInput.make(events: 800)
        let report = try Validator.run(input)
        let html = HTMLReport.render(report)
        let start = try XCTUnwrap(html.range(of: "<table class=\"overview-grid\""))
        let end = try XCTUnwrap(html.range(of: "</table>", range: start.upperBound..<html.endIndex))
        let grid = String(html[start.lowerBound..<end.upperBound])
        let links = grid.components(separatedBy: "<a href=\"#").dropFirst().map { String($0.prefix { $0 != "\"" }) }
        XCTAssertEqual(links.count, input.featureNames.count * report.regions.count, "one linked cell per feature and region")
        XCTAssertEqual(Set(links).count, links.count, "every cell links to its own plot")
        for (ri, region) in report.regions.enumerated() {
            for (fi, feature) in report.features.enumerated() {
                let id = OverviewGrid.anchor(regionIndex: ri, featureIndex: fi)
                XCTAssertTrue(links.contains(id), id)
                // The target exists exactly once and is the histogram of that feature in that region.
                XCTAssertEqual(count("id=\"\(id)\"", in: html), 1, id)
                let figure = try XCTUnwrap(html.range(of: "<figure data-feature=\"\(feature)\" id=\"\(id)\">"), id)
                let figureEnd = try XCTUnwrap(html.range(of: "</figure>", range: figure.upperBound..<html.endIndex))
                XCTAssertTrue(html[figure.upperBound..<figureEnd.lowerBound].contains("\(feature) — \(region.name)"), id)
            }
        }
        // Colours follow the verdict: noticed cells red, the others not.
        let noticedCells = count("class=\"noticed\"", in: grid), passedCells = count("class=\"passed\"", in: grid)
        XCTAssertEqual(noticedCells + passedCells, links.count)
        let noticedPairs = Set(report.checks.filter { $0.comparison == .nominalVsPerturbed && $0.noticed }.map { $0.region + "|" + $0.feature })
        XCTAssertEqual(noticedCells, noticedPairs.count)
        XCTAssertEqual(count("background:\(OverviewGrid.colour(1))\" class=\"noticed\"", in: grid), noticedCells)
        XCTAssertEqual(OverviewGrid.closeness([], alpha: 0.05), nil)
        XCTAssertEqual(try XCTUnwrap(OverviewGrid.closeness([.init(region: "r", feature: "f", comparison: .nominalVsPerturbed, test: .ks,
                                                                   statistic: 0.1, pValue: 0.05, ndf: nil, mode: nil, noticed: false)], alpha: 0.05)),
                       1, accuracy: 1e-12)
        XCTAssertLessThan(try XCTUnwrap(OverviewGrid.closeness([.init(region: "r", feature: "f", comparison: .nominalVsPerturbed, test: .ks,
                                                                      statistic: 0.1, pValue: 0.5, ndf: nil, mode: nil, noticed: false)], alpha: 0.05)), 1)
    }

    func testEscapingOfUserStrings() throws {
        let x = FeatureMatrix(rows: 3, columns: 1, values: [1, 2, 3])
        let r = try Validator.run(ValidationInput(featureNames: ["a<b&\"c\""], nominal: .init(features: x), perturbed: .init(features: x),
                                                  regions: [.init(name: "<script>", nominalMask: [true, true, true])]))
        let html = HTMLReport.render(r)
        XCTAssertFalse(html.contains("<script>"))
        XCTAssertTrue(html.contains("a&lt;b&amp;&quot;c&quot;"))
    }

    func testWriterWritesBothFilesAtomicallyAndJSONRoundTrips() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let report = try Validator.run(DemoInput.make(events: 500))
        let (json, html) = try ReportWriter.write(report, to: dir.appendingPathComponent("out"))
        XCTAssertEqual(try ReportJSON.decode(Data(contentsOf: json)), report)
        XCTAssertGreaterThan(try Data(contentsOf: html).count, 10_000)
        let left = try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("out").path)
        XCTAssertEqual(Set(left), ["report.json", "report.html"], "no temporary files left behind")
        // Writing again replaces the files.
        try ReportWriter.write(report, to: dir.appendingPathComponent("out"))
        XCTAssertEqual(try ReportJSON.decode(Data(contentsOf: json)), report)
    }

    func testWriterErrorNamesThePath() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("plain-file")
        try Data("x".utf8).write(to: file)
        let report = try Validator.run(DemoInput.make(events: 200))
        XCTAssertThrowsError(try ReportWriter.write(report, to: file)) { e in
            XCTAssertTrue("\(e)".contains("plain-file"), "\(e)")
        }
    }

    func testTicksAreNiceAndCoverTheRange() {
        XCTAssertEqual(SVG.ticks(0, 10, target: 5), [0, 2, 4, 6, 8, 10])
        XCTAssertEqual(SVG.ticks(0.5, 1.5, target: 4), [0.5, 0.75, 1.0, 1.25, 1.5])
        XCTAssertEqual(SVG.tickLabel(0.25, step: 0.25), "0.25")
        XCTAssertEqual(SVG.tickLabel(40, step: 20), "40")
        XCTAssertEqual(SVG.niceCeiling(0.02919), 0.05)
        XCTAssertEqual(SVG.niceCeiling(0.2), 0.2, accuracy: 1e-15)
        XCTAssertEqual(HeatMap(title: "", labels: [], values: []).cellText(-0.001), "0.00")
        XCTAssertEqual(Palette.diverging(0), "#ffffff")
        XCTAssertNotEqual(Palette.diverging(1), Palette.diverging(-1))
    }

    /// Renders the demo report with headless chromium through fixtures/validation/report_check.sh.
    func testDemoReportPassesReportCheck() throws {
        let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].first { FileManager.default.isExecutableFile(atPath: $0) }
        guard chromium != nil else { throw XCTSkip("chromium not installed: report_check.sh not run (apt-get install -y chromium)") }
        let keep = ProcessInfo.processInfo.environment["CONSERVATTACK_REPORT_OUT"]
        let dir = try keep.map { URL(fileURLWithPath: $0) } ?? tempDir()
        defer { if keep == nil { try? FileManager.default.removeItem(at: dir) } }
        let (_, html) = try ReportWriter.write(try Validator.run(DemoInput.make()), to: dir)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        p.arguments = [repositoryRoot.appendingPathComponent("fixtures/validation/report_check.sh").path, html.path,
                       dir.appendingPathComponent("report.png").path]
        let pipe = Pipe()
        p.standardOutput = pipe; p.standardError = pipe
        try p.run()
        let out = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0, out)
        XCTAssertTrue(out.contains("non-background pixels"), out)
    }
}
