import Foundation
import Validation

/// The report's compact overview: one cell per region (row) and feature (column) of the nominal-vs-perturbed
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

    /// A p-value in at most 4 characters: 0.13, 1.00, 3e-04 (the tooltip has the exact value).
    static func shortP(_ p: Double?) -> String {
        guard let p else { return "—" }
        return p >= 0.01 ? String(format: "%.2f", p) : String(format: "%.0e", p)
    }

    /// The grid: one row per region (with its event count), one column per feature, so a dozen features and
    /// a handful of regions fit in a few lines above the plots.
    static func html(_ r: ValidationReport) -> String {
        let checks = r.checks.filter { $0.comparison == .nominalVsPerturbed }
        guard !checks.isEmpty else { return "" }
        var h = "<section id=\"overview\"><h2>Overview: regions × features, nominal vs perturbed</h2>"
        h += "<p class=\"small legend-row\">Smallest χ²/KS p-value; colour: how close the tests came to noticing "
        h += "<span class=\"sw\" style=\"background:\(colour(0))\"></span>far <span class=\"sw\" style=\"background:\(colour(0.7))\"></span>close "
        h += "<span class=\"sw\" style=\"background:\(colour(1))\"></span>noticed (p &lt; \(SVG.num(r.settings.alpha)) or JSD above its threshold). "
        h += "Click a cell for its plot, hover for every test; the full table follows the plots.</p>"
        h += "<div class=\"overview-scroll\"><table class=\"overview-grid\"><thead><tr><th>region \\ feature</th>"
        for feature in r.features { h += "<th class=\"feat\">\(SVG.escape(feature))</th>" }
        h += "</tr></thead><tbody>"
        for (ri, region) in r.regions.enumerated() {
            h += "<tr><th class=\"region\">\(SVG.escape(region.name)) <span class=\"mode\">\(region.nominalEvents)</span></th>"
            for (fi, feature) in r.features.enumerated() {
                let cell = checks.filter { $0.region == region.name && $0.feature == feature }
                guard let c = closeness(cell, alpha: r.settings.alpha) else { h += "<td class=\"empty\">—</td>"; continue }
                let tip = "\(feature) in \(region.name): " + cell.map { k -> String in
                    let value = k.pValue.map { "p = \(SVG.pValue($0))" }
                        ?? "\(SVG.num(k.statistic))\(k.threshold.map { " (\(String(format: "%.0f%%", 100 * k.statistic / $0)) of threshold \(SVG.num($0)))" } ?? "")"
                    return "\(k.test.rawValue) \(value)\(k.noticed ? " NOTICED" : "")"
                }.joined(separator: "; ")
                let noticed = cell.contains { $0.noticed }
                h += "<td style=\"background:\(colour(c))\" class=\"\(noticed ? "noticed" : "passed")\" title=\"\(SVG.escape(tip))\">"
                h += "<a href=\"#\(anchor(regionIndex: ri, featureIndex: fi))\">\(shortP(cell.compactMap(\.pValue).min()))</a></td>"
            }
            h += "</tr>"
        }
        h += "</tbody></table></div>"
        return h + "</section>"
    }

    static let css = """
    #overview h2{margin-top:14px}#overview p{margin:4px 0}.overview-scroll{overflow-x:auto}
    table.overview-grid{margin:4px 0 4px;font-size:12.5px}table.overview-grid td{padding:0;text-align:center;min-width:44px}
    table.overview-grid th{padding:2px 6px;font-size:12px;font-weight:600}table.overview-grid th.region{text-align:left;white-space:nowrap}
    table.overview-grid td a{display:block;padding:2px 5px;color:#1d1d1f;text-decoration:none}
    table.overview-grid td a:hover{outline:2px solid #1f5fa8}table.overview-grid td.noticed a{font-weight:700;color:#5c0d08}
    .legend-row .sw{display:inline-block;width:14px;height:11px;border:1px solid #bbb;margin:0 4px 0 10px;vertical-align:middle}
    figure:target{outline:3px solid #1f5fa8;outline-offset:2px}
    """
}
