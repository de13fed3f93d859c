import Foundation
import Templates
import Validation

/// Renders a ValidationReport as one self-contained HTML page with inline SVG (no JavaScript).
///
/// Order: header with the verdict and key numbers → overview grid (features × regions, each cell a link to its
/// plot) → feature histograms per region → correlation heat maps → classifier scores and yield shifts → fit
/// templates (when given) → attack metrics → the full table of every check → warnings and definitions. What a
/// physicist looks at first (the verdict, where the tests came close, the distributions) comes before what they look up.
public enum HTMLReport {
    public static func render(_ r: ValidationReport, title: String = "ConservAttack validation report", templates: TemplateSet? = nil) -> String {
        var h = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        h += "<title>\(SVG.escape(title))</title><style>\(css)\n\(OverviewGrid.css)</style></head><body>"
        h += "<svg width=\"0\" height=\"0\" style=\"position:absolute\" aria-hidden=\"true\"><defs><pattern id=\"hatch\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\"><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"\(Palette.band)\" stroke-width=\"1.6\" stroke-opacity=\"0.75\"/></pattern></defs></svg>"
        h += "<main>"
        h += header(r, title: title)
        h += OverviewGrid.html(r)
        h += featureSection(r)
        h += correlationSection(r)
        if let s = r.scores { h += scoreSection(s, r) }
        if let t = templates { h += templateSection(t) }
        if let a = r.attack { h += attackSection(a) }
        h += verdictSection(r)
        h += footer(r)
        h += "</main></body></html>\n"
        return h
    }

    // MARK: - Sections

    static func header(_ r: ValidationReport, title: String) -> String {
        let s = r.summary
        var h = "<header><h1>\(SVG.escape(title))</h1>"
        h += "<p class=\"lead small\">The question this report answers: <em>would the standard validation of simulated events — χ², Kolmogorov-Smirnov and Jensen-Shannon comparisons of every input feature in every region, and the feature correlation matrices — notice that the events were perturbed, and how much does the classifier output move?</em></p>"
        let noticedClass = s.perturbationNoticed == 0 ? "ok" : "bad"
        h += "<div class=\"verdict \(noticedClass)\">\(SVG.escape(s.verdict))</div><div class=\"cards\">"
        h += card("checks that noticed", "\(s.perturbationNoticed) / \(s.perturbationChecks)", "nominal vs perturbed: p &lt; \(SVG.num(r.settings.alpha)) or JSD above its threshold")
        if let b = s.blindedChecks, let n = s.blindedNoticed {
            let names = r.regions.filter { $0.blinded == true }.map { SVG.escape($0.name) }.joined(separator: ", ")
            h += card("blinded region differs", "\(n) / \(b)", "checks in \(names), not counted above: data cannot check them before unblinding")
        }
        h += card("smallest p-value", SVG.pValue(s.minPValue), "over χ² and KS checks")
        h += card("largest JSD", s.maxJSD.map { SVG.num($0) } ?? "—", "Jensen-Shannon distance, base \(SVG.num(r.settings.jsdBase))")
        h += card("correlation change", s.maxCorrelationChange.map { String(format: "%.2f%%", $0 * 100) } ?? "—", "max ‖ΔC‖<sub>F</sub> / ‖C‖<sub>F</sub>")
        if let f = r.foolingRatio { h += card("fooling ratio", String(format: "%.1f%%", f * 100), "classification flipped by the perturbation (definition in §3)") }
        if let y = s.maxRelativeYieldShift { h += card("yield shift above WP", String(format: "%.1f%%", y * 100), "largest |Δ yield| / yield over regions") }
        h += "</div>"
        return h + "</header>"
    }

    static func verdictSection(_ r: ValidationReport) -> String {
        var h = "<section id=\"verdict\"><h2>5. Every check: nominal vs perturbed</h2>"
        h += "<p class=\"small\">Each row is one feature in one region. A cell is red when that test, as used in a standard validation, would have flagged a difference (p &lt; \(SVG.num(r.settings.alpha)); JSD above the threshold shown beside it: \(SVG.num(r.settings.jsdThreshold))\(r.settings.jsdStatisticalFloor ? ", raised to the JSD's \(SVG.num(100 * (1 - r.settings.alpha)))% quantile for two samples of these sizes drawn from one distribution" : "")). Under- and overflow bins take part. Nominal and perturbed are the same events, and these two-sample tests assume independent samples, so they are run here exactly as a standard validation would run them.</p>"
        h += table(r, comparison: .nominalVsPerturbed)
        let hasData = r.checks.contains { $0.comparison != .nominalVsPerturbed }
        if hasData {
            h += "<h3>Data vs simulation</h3><p class=\"small\">The same tests between data and the nominal, then the perturbed, simulation: the perturbed events should agree with data no worse than the nominal ones.</p>"
            h += table(r, comparison: .dataVsNominal)
            h += table(r, comparison: .dataVsPerturbed)
        }
        return h + "</section>"
    }

    static func table(_ r: ValidationReport, comparison: ValidationReport.Comparison) -> String {
        let checks = r.checks.filter { $0.comparison == comparison }
        guard !checks.isEmpty else { return "" }
        var h = "<table class=\"verdict-table\" data-comparison=\"\(comparison.rawValue)\"><caption>\(comparison.rawValue.replacingOccurrences(of: "_", with: " "))</caption>"
        h += "<thead><tr><th>region</th><th>feature</th><th>χ² / ndf</th><th>χ² p</th><th>KS D</th><th>KS p</th><th>JSD</th><th>noticed?</th></tr></thead><tbody>"
        var seen = Set<String>()
        for c in checks where !seen.contains(c.region + "\u{0}" + c.feature) {
            seen.insert(c.region + "\u{0}" + c.feature)
            let group = checks.filter { $0.region == c.region && $0.feature == c.feature }
            let chi = group.first { $0.test == .chi2 }, ks = group.first { $0.test == .ks }, js = group.first { $0.test == .jsd }
            let any = group.contains { $0.noticed }
            func cls(_ x: ValidationReport.Check?) -> String { x.map { $0.noticed ? " class=\"bad\"" : " class=\"ok\"" } ?? "" }
            h += "<tr><td>\(SVG.escape(c.region))</td><td class=\"feat\">\(SVG.escape(c.feature))</td>"
            h += "<td\(cls(chi))>\(chi.map { "\(SVG.num($0.statistic)) / \($0.ndf ?? 0) <span class=\"mode\">\($0.mode ?? "")</span>" } ?? "—")</td>"
            h += "<td\(cls(chi))>\(SVG.pValue(chi?.pValue))</td>"
            h += "<td\(cls(ks))>\(ks.map { SVG.num($0.statistic) } ?? "—")</td><td\(cls(ks))>\(SVG.pValue(ks?.pValue))</td>"
            h += "<td\(cls(js))>\(js.map { SVG.num($0.statistic) } ?? "—")\(js?.threshold.map { " <span class=\"mode\">(thr. \(SVG.num($0)))</span>" } ?? "")</td>"
            h += "<td class=\"\(any ? "bad" : "ok") verdict-cell\">\(any ? "yes" : "no")</td></tr>"
        }
        return h + "</tbody></table>"
    }

    static func featureSection(_ r: ValidationReport) -> String {
        var h = "<section id=\"features\"><h2>1. Feature distributions</h2>"
        h += "<p class=\"small\">Filled: nominal simulation with its statistical uncertainty (hatched, √Σw²); line: perturbed; points: data when given. Lower panels: ratio to nominal with the nominal relative uncertainty (grey). UF/OF: under/overflow Σw (nominal / perturbed). When data are shown, both simulations are scaled to the data total (the tests compare shapes either way).</p>"
        for (ri, region) in r.regions.map(\.name).enumerated() {
            let hs = r.histograms.filter { $0.region == region }
            guard !hs.isEmpty else { continue }
            h += "<h3>Region: \(SVG.escape(region))</h3><div class=\"grid\">"
            for f in hs {
                let chi = r.checks.first { $0.region == region && $0.feature == f.feature && $0.comparison == .nominalVsPerturbed && $0.test == .chi2 }
                let ks = r.checks.first { $0.region == region && $0.feature == f.feature && $0.comparison == .nominalVsPerturbed && $0.test == .ks }
                let note = "χ² p = \(SVG.pValue(chi?.pValue)), KS p = \(SVG.pValue(ks?.pValue))"
                var plot = HistogramPlot(title: "\(f.feature) — \(region)", xLabel: f.feature, edges: f.edges,
                                         nominal: f.nominal, perturbed: f.perturbed, data: f.data, annotation: note)
                plot.normaliseSimulationToData()
                let id = r.features.firstIndex(of: f.feature).map { " id=\"\(OverviewGrid.anchor(regionIndex: ri, featureIndex: $0))\"" } ?? ""
                h += "<figure data-feature=\"\(SVG.escape(f.feature))\"\(id)>\(plot.svg())</figure>"
            }
            h += "</div>"
        }
        return h + "</section>"
    }

    static func correlationSection(_ r: ValidationReport) -> String {
        guard !r.correlation.isEmpty else { return "" }
        var h = "<section id=\"correlation\"><h2>2. Feature correlations</h2>"
        h += "<p class=\"small\">Weighted Pearson correlation coefficients. The relative change is ‖C<sub>perturbed</sub> − C<sub>nominal</sub>‖<sub>F</sub> / ‖C<sub>nominal</sub>‖<sub>F</sub> (flagged above \(SVG.num(r.settings.correlationThreshold))).</p>"
        for c in r.correlation {
            let diff = zip(c.perturbed, c.nominal).map { zip($0, $1).map { $0 - $1 } }
            let maxDiff = max(0.01, diff.flatMap { $0 }.map(abs).max() ?? 0)
            let range = SVG.niceCeiling(maxDiff)
            h += "<h3>Region: \(SVG.escape(c.region)) — relative change <span class=\"\(c.noticed ? "badtext" : "oktext")\">\(String(format: "%.2f%%", c.relativeChange * 100))</span></h3><div class=\"grid3\">"
            h += "<figure>\(HeatMap(title: "nominal", labels: c.features, values: c.nominal).svg())</figure>"
            h += "<figure>\(HeatMap(title: "perturbed", labels: c.features, values: c.perturbed).svg())</figure>"
            h += "<figure>\(HeatMap(title: "perturbed − nominal", labels: c.features, values: diff, range: range).svg())</figure>"
            h += "</div>"
        }
        return h + "</section>"
    }

    static func scoreSection(_ s: ValidationReport.ScoreSummary, _ r: ValidationReport) -> String {
        var h = "<section id=\"scores\"><h2>3. Classifier score</h2>"
        h += "<p class=\"small\">The classifier output for the nominal and the perturbed events (dashed: working point \(SVG.num(s.workingPoint))). The change of the yield above the working point is the hidden systematic a physicist would quote.</p>"
        h += "<table><thead><tr><th>region</th><th>yield nominal</th><th>yield perturbed</th><th>shift</th><th>relative shift</th><th>shift / stat. unc.</th><th>score χ² p</th><th>score KS p</th></tr></thead><tbody>"
        for g in s.regions {
            let pull = g.yieldNominalError > 0 ? SVG.num(g.yieldShift / g.yieldNominalError) + " σ" : "—"
            h += "<tr><td>\(SVG.escape(g.region))</td><td>\(SVG.num(g.yieldNominal)) ± \(SVG.num(g.yieldNominalError))</td><td>\(SVG.num(g.yieldPerturbed))</td>"
            h += "<td>\(SVG.num(g.yieldShift))</td><td>\(g.relativeYieldShift.map { String(format: "%+.2f%%", $0 * 100) } ?? "—")</td><td>\(pull)</td>"
            h += "<td>\(SVG.pValue(g.chi2?.pValue))</td><td>\(SVG.pValue(g.ks?.pValue))</td></tr>"
        }
        h += "</tbody></table><div class=\"grid\">"
        for g in s.regions {
            let note = g.relativeYieldShift.map { String(format: "yield above WP %+.2f%%", $0 * 100) }
            let plot = HistogramPlot(title: "classifier score — \(g.region)", xLabel: "classifier score", edges: g.edges,
                                     nominal: g.nominal, perturbed: g.perturbed, data: nil, annotation: note, verticalLine: s.workingPoint)
            h += "<figure data-score-region=\"\(SVG.escape(g.region))\">\(plot.svg())</figure>"
        }
        if let f = r.foolingRatio {
            h += "</div><p>Fooling ratio: <strong>\(String(format: "%.2f%%", f * 100))</strong> — \(SVG.escape(r.foolingDefinition ?? "")).</p>"
        } else { h += "</div>" }
        return h + "</section>"
    }

    static func attackSection(_ a: AttackDiagnostics) -> String {
        var h = "<section id=\"attack\"><h2>4. Attack</h2>"
        let colours = [Palette.perturbed, Palette.nominal, "#2ca02c", "#9467bd", "#8c564b"]
        let fooling = a.series.filter { $0.name.lowercased().contains("fool") }
        let others = a.series.filter { !$0.name.lowercased().contains("fool") }
        if !fooling.isEmpty {
            let plot = LinePlot(title: "fooling ratio by iteration", xLabel: "iteration", yLabel: "fooling ratio",
                                series: fooling.enumerated().map { ($1.name, $1.values, colours[$0 % colours.count]) },
                                firstX: a.firstIteration ?? 1)
            h += "<div class=\"grid\"><figure>\(plot.svg())</figure>"
            for (k, sr) in others.prefix(3).enumerated() {
                let p = LinePlot(title: "\(sr.name) by iteration", xLabel: "iteration", yLabel: sr.name, series: [(sr.name, sr.values, colours[(k + 1) % colours.count])],
                                 firstX: a.firstIteration ?? 1)
                h += "<figure>\(p.svg())</figure>"
            }
            h += "</div>"
        }
        if !a.scalars.isEmpty {
            h += "<table><thead><tr><th>attack metric</th><th>value</th></tr></thead><tbody>"
            for s in a.scalars { h += "<tr><td>\(SVG.escape(s.name))</td><td>\(SVG.num(s.value))</td></tr>" }
            h += "</tbody></table>"
        }
        return h + "</section>"
    }

    static func footer(_ r: ValidationReport) -> String {
        var h = "<footer>"
        if !r.warnings.isEmpty {
            h += "<h2>Warnings</h2><ul>" + r.warnings.map { "<li>\(SVG.escape($0))</li>" }.joined() + "</ul>"
        }
        h += "<h2>Definitions</h2><ul class=\"small\">"
        h += "<li>χ²: ROOT's TH1::Chi2Test homogeneity test on the binned distributions including under/overflow; UU for two unweighted samples, UW for unweighted data vs weighted simulation, WW for two weighted samples. Bins empty in both samples are dropped (one degree of freedom each).</li>"
        h += "<li>KS: two-sample Kolmogorov-Smirnov on the unbinned (weighted) values; p-value from the Kolmogorov distribution at the effective size n₁n₂/(n₁+n₂) (Kish effective counts when weighted), as scipy.stats.ks_2samp(method='asymp').</li>"
        h += "<li>JSD: Jensen-Shannon distance between the normalised histograms, logarithm base \(SVG.num(r.settings.jsdBase)) (0 = identical, 1 = disjoint in base 2), as scipy.spatial.distance.jensenshannon.</li>"
        let regions = r.regions.map { "\(SVG.escape($0.name)) (\($0.nominalEvents) events, Σw = \(SVG.num($0.nominalWeight)))" }
        h += "<li>Features: \(r.features.map(SVG.escape).joined(separator: ", ")). Regions: \(regions.joined(separator: "; ")).</li>"
        h += "<li>Binning: \(r.settings.bins) equal-width bins per feature on the nominal events' [min, max] in each region unless edges were given.</li>"
        h += "</ul><p class=\"small\">Generated by conservattack (report schema v\(r.schemaVersion)).</p></footer>"
        return h
    }

    static func card(_ label: String, _ value: String, _ note: String) -> String {
        "<div class=\"card\"><div class=\"value\">\(value)</div><div class=\"label\">\(SVG.escape(label))</div><div class=\"note\">\(note)</div></div>"
    }

    static let css = """
    body{margin:0;background:#f6f6f4;color:#1d1d1f;font:15px/1.45 -apple-system,"Segoe UI",Helvetica,Arial,sans-serif}
    main{max-width:1240px;margin:0 auto;padding:24px 20px 60px;background:#fff}
    h1{font-size:24px;margin:0 0 4px}h2{font-size:20px;margin:26px 0 6px;border-bottom:2px solid #e3e3e3;padding-bottom:4px}
    h3{font-size:16px;margin:20px 0 6px}.lead{font-size:15px;color:#333;max-width:1200px;margin:2px 0 6px}.small{font-size:13px;color:#555}
    .verdict{font-size:16px;font-weight:600;padding:8px 14px;border-radius:6px;margin:8px 0}
    .verdict.ok{background:#e8f4ea;border-left:6px solid #2e7d32}.verdict.bad{background:#fdecea;border-left:6px solid #c62828}
    .cards{display:flex;flex-wrap:wrap;gap:10px;margin:8px 0}
    .card{flex:1 1 170px;border:1px solid #ddd;border-radius:6px;padding:6px 10px;background:#fafafa}
    .card .value{font-size:19px;font-weight:700}.card .label{font-size:13px;font-weight:600;color:#333}.card .note{font-size:11.5px;color:#666}
    table{border-collapse:collapse;margin:8px 0 16px;font-size:13.5px;font-variant-numeric:tabular-nums}
    caption{text-align:left;font-weight:600;padding:4px 0;color:#444}
    th,td{border:1px solid #ddd;padding:4px 9px;text-align:right}th{background:#f0f0f0}
    td:first-child,td.feat,th:first-child{text-align:left}
    td.ok{background:#eef7ef}td.bad{background:#fbe3e1;color:#8e1b13;font-weight:600}td.verdict-cell{text-align:center}
    .mode{font-size:11px;color:#777}.oktext{color:#2e7d32}.badtext{color:#c62828}
    .grid{display:grid;grid-template-columns:repeat(2,minmax(0,1fr));gap:8px 16px}
    .grid3{display:grid;grid-template-columns:repeat(3,minmax(0,1fr));gap:8px 12px}
    figure{margin:0}svg.plot{width:100%;height:auto;max-width:600px;font-family:Helvetica,Arial,sans-serif}
    .ptitle{font-size:14px;font-weight:600}.tick{font-size:11px;fill:#333}.alabel{font-size:12.5px;fill:#222}
    .note{font-size:11px;fill:#555}.legend,.legend text{font-size:11.5px;fill:#222}
    footer{margin-top:30px}
    """
}
