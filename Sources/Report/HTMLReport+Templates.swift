import Templates

extension HTMLReport {
    /// The fit templates: per region the yields of nominal, up and down and a plot with their ratios.
    static func templateSection(_ t: TemplateSet) -> String {
        var h = "<section id=\"templates\"><h2>4b. Fit templates: the attack as a systematic uncertainty</h2>"
        h += "<p class=\"small\">For a profile-likelihood fit (CMS Combine, HistFactory, pyhf) the perturbed sample is the “up” template of a nuisance parameter <code>\(SVG.escape(t.systematic))</code> of the process <code>\(SVG.escape(t.process))</code>, and its mirror image about the nominal (2 × nominal − up, floored at 0) the “down” template. Observable: \(SVG.escape(t.observable)). Files: <code>templates.root</code> (<code>REGION/\(SVG.escape(t.process))</code>, <code>REGION/\(SVG.escape(t.variationName(up: true)))</code>, <code>REGION/\(SVG.escape(t.variationName(up: false)))</code>) and the pyhf <code>workspace.json</code>. Yields include under- and overflow.</p>"
        h += "<table data-templates=\"\(SVG.escape(t.systematic))\"><thead><tr><th>region</th><th>nominal Σw</th><th>up Σw</th><th>up / nominal − 1</th><th>down Σw</th><th>shape change ½Σ|up − nominal|</th></tr></thead><tbody>"
        for r in t.regions {
            let n = r.nominal.integral, u = r.up.integral
            let rel = n != 0 ? String(format: "%+.2f%%", 100 * (u - n) / n) : "—"
            let moved = zip(r.nominal.sumw, r.up.sumw).map { abs($0 - $1) }.reduce(0, +) / 2
            h += "<tr><td>\(SVG.escape(r.name))</td><td>\(SVG.num(n))</td><td>\(SVG.num(u))</td><td>\(rel)</td><td>\(SVG.num(r.down.integral))</td><td>\(SVG.num(moved))</td></tr>"
        }
        h += "</tbody></table><div class=\"grid\">"
        for r in t.regions {
            let plot = TemplatePlot(title: "\(t.process) templates — \(r.name)", xLabel: t.observable, templates: r, processLabel: t.process)
            h += "<figure data-template-region=\"\(SVG.escape(r.name))\">\(plot.svg())</figure>"
        }
        h += "</div>"
        if !t.warnings.isEmpty { h += "<ul class=\"small\">" + t.warnings.map { "<li>\(SVG.escape($0))</li>" }.joined() + "</ul>" }
        return h + "</section>"
    }
}
