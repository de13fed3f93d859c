import Foundation
import Validation

/// The report's compact overview: one cell per feature (row) and region (column) of the nominal-vs-perturbed
/// checks, coloured by how close the most sensitive test came to noticing the perturbation, each cell a
/// link to that feature's histogram in that region (anchors from `anchor(region:feature:)`).
///
/// Cell closeness c = max(log(p_min) / log(α), JSD / JSD threshold), where p_min is the smaller of the χ²
/// and KS p-values: c ≥ 1 means a standard validation would have noticed (red); below 1 the colour runs
/// from green (c = 0) through amber. The cell text is p_min; its tooltip lists every test.
enum OverviewGrid {
    /// The id of the histogram figure of `feature` in `region` (ids built from indices, so any name is safe).
    static func anchor(regionIndex: Int, featureIndex: Int) -> String { "plot-r\(regionIndex)-f\(featureIndex)" }

    /// The anchor of `feature` in `region` for report `r` (nil when either is not in the report).
    static func anchor(_ r: ValidationReport, region: String, feature: String) -> String? {
        guard let ri = r.regions.firstIndex(where: { $0.name == region }), let fi = r.features.firstIndex(of: feature) else { return nil }
        return anchor(regionIndex: ri, featureIndex: fi)
    }

    /// Closeness to being noticed (≥ 1: noticed), nil when there is no check for the cell.
    static func closeness(_ checks: [ValidationReport.Check], alpha: Double) -> Double? {
        guard !checks.isEmpty else { return nil }
        var c = 0.0
        for k in checks {
            if k.noticed { c = max(c, 1) }
            if let p = k.pValue, alpha > 0, alpha < 1 {
                c = max(c, p <= 0 ? 1 : log(p) / log(alpha))
            }
            if k.test == .jsd, let t = k.threshold, t > 0 { c = max(c, k.statistic / t) }
        }
        return c
    }

    /// Green (0) → amber (0.99) → red (≥ 1).
    static func colour(_ c: Double) -> String {
        if c >= 1 { return "#e57373" }
        let t = max(0, min(1, c))
        // #d7eed9 (green) → #ffe08a (amber)
        let r = 215 + t * (255 - 215), g = 238 + t * (224 - 238), b = 217 + t * (138 - 217)
        return String(format: "#%02x%02x%02x", Int(r.rounded()), Int(g.rounded()), Int(b.rounded()))
    }

    static func html(_ r: ValidationReport) -> String {
        let checks = r.checks.filter { $0.comparison == .nominalVsPerturbed }
        guard !checks.isEmpty else { return "" }
        let regions = r.regions.map(\.name)
        var h = "<section id=\"overview\"><h2>Overview: features × regions</h2>"
        h += "<p class=\"small\">Each cell is one feature in one region, nominal vs perturbed: the smallest of the χ² and KS p-values, "
        h += "coloured by how close the tests came to noticing (red: p &lt; \(SVG.num(r.settings.alpha)) or JSD above its threshold; "
        h += "amber: close; green: far). Click a cell for its histogram; the full table of every check follows the plots.</p>"
        h += "<table class=\"overview-grid\"><thead><tr><th>feature</th>"
        for name in regions { h += "<th>\(SVG.escape(name))</th>" }
        h += "</tr></thead><tbody>"
        for (fi, feature) in r.features.enumerated() {
            h += "<tr><th class=\"feat\">\(SVG.escape(feature))</th>"
            for (ri, region) in regions.enumerated() {
                let cell = checks.filter { $0.region == region && $0.feature == feature }
                guard let c = closeness(cell, alpha: r.settings.alpha) else { h += "<td class=\"empty\">—</td>"; continue }
                let pMin = cell.compactMap(\.pValue).min()
                let jsd = cell.first { $0.test == .jsd }
                var tip = cell.map { k -> String in
                    let value = k.pValue.map { "p = \(SVG.pValue($0))" } ?? "\(SVG.num(k.statistic))\(k.threshold.map { " (threshold \(SVG.num($0)))" } ?? "")"
                    return "\(k.test.rawValue) \(value)\(k.noticed ? " NOTICED" : "")"
                }.joined(separator: "; ")
                tip = "\(feature) in \(region): " + tip
                let ratio = jsd.flatMap { j in j.threshold.map { j.statistic / $0 } }
                let noticed = cell.contains { $0.noticed }
                h += "<td style=\"background:\(colour(c))\" class=\"\(noticed ? "noticed" : "passed")\" title=\"\(SVG.escape(tip))\">"
                h += "<a href=\"#\(anchor(regionIndex: ri, featureIndex: fi))\">\(SVG.pValue(pMin))"
                if let ratio { h += "<span class=\"jsdr\">JSD \(String(format: "%.0f%%", ratio * 100))</span>" }
                h += "</a></td>"
            }
            h += "</tr>"
        }
        h += "</tbody></table>"
        h += "<p class=\"small legend-row\"><span class=\"sw\" style=\"background:\(colour(0))\"></span>far from noticed "
        h += "<span class=\"sw\" style=\"background:\(colour(0.7))\"></span>close "
        h += "<span class=\"sw\" style=\"background:\(colour(1))\"></span>noticed · JSD %: distance / threshold</p>"
        return h + "</section>"
    }

    static let css = """
    table.overview-grid{margin:6px 0 4px}table.overview-grid td{padding:0;text-align:center;min-width:92px}
    table.overview-grid td a{display:block;padding:3px 8px;color:#1d1d1f;text-decoration:none}
    table.overview-grid td a:hover{outline:2px solid #1f5fa8}table.overview-grid td.noticed a{font-weight:700;color:#5c0d08}
    table.overview-grid th.feat{text-align:left}.jsdr{display:block;font-size:10.5px;color:#555}
    .legend-row .sw{display:inline-block;width:14px;height:11px;border:1px solid #bbb;margin:0 4px 0 10px;vertical-align:middle}
    figure:target{outline:3px solid #1f5fa8;outline-offset:2px}
    """
}
