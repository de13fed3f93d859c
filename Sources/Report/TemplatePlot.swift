import Templates

/// One region's fit templates as inline SVG: nominal (filled, with its √Σw² band), up (perturbed, solid line)
/// and down (mirrored, dashed) on top; the ratios up/nominal and down/nominal below, on a symmetric range
/// around 1 wide enough for the largest shift. Under- and overflow Σw are quoted in the corner.
struct TemplatePlot {
    var title: String
    var xLabel: String
    var templates: RegionTemplates
    var processLabel: String

    let width = 600.0, height = 450.0
    let left = 72.0, right = 18.0, top = 34.0, mainHeight = 270.0, gap = 8.0, ratioHeight = 86.0

    /// Half-width of the ratio panel's range: the smallest of 0.02, 0.05, 0.1, 0.2, 0.5 covering every
    /// finite ratio (bins with a nominal ≤ 0 have none).
    static func ratioSpan(_ nominal: [Double], _ variations: [[Double]]) -> Double {
        var worst = 0.0
        for v in variations { for (n, x) in zip(nominal, v) where n > 0 { worst = max(worst, abs(x / n - 1)) } }
        return [0.02, 0.05, 0.1, 0.2, 0.5].first { $0 >= worst * 1.1 } ?? 0.5
    }

    func svg() -> String {
        let edges = templates.nominal.edges, nb = edges.count - 1
        guard nb >= 1 else { return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"></svg>" }
        let inner = { (a: [Double]) in Array(a[1...nb]) }
        let n = inner(templates.nominal.sumw), ne = inner(templates.nominal.sumw2).map { $0.squareRoot() }
        let up = inner(templates.up.sumw), down = inner(templates.down.sumw)
        var yMax = 0.0
        for i in 0..<nb { yMax = max(yMax, n[i] + ne[i], up[i], down[i]) }
        if yMax <= 0 { yMax = 1 }
        let yTicks = SVG.ticks(0, yMax * 1.25, target: 5)
        let yTop = max(yMax * 1.25, yTicks.last ?? yMax)
        let plotW = width - left - right
        let x = LinearScale(d0: edges[0], d1: edges[nb], p0: left, p1: left + plotW)
        let y = LinearScale(d0: 0, d1: yTop, p0: top + mainHeight, p1: top)
        let span = Self.ratioSpan(n, [up, down])
        let r0 = top + mainHeight + gap
        let ry = LinearScale(d0: 1 - span, d1: 1 + span, p0: r0 + ratioHeight, p1: r0)
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"plot\" viewBox=\"0 0 \(SVG.f(width)) \(SVG.f(height))\" width=\"\(Int(width))\" height=\"\(Int(height))\" role=\"img\" aria-label=\"\(SVG.escape(title))\">"
        s += "<title>\(SVG.escape(title))</title><text x=\"\(SVG.f(left))\" y=\"20\" class=\"ptitle\">\(SVG.escape(title))</text>"
        let yStep = yTicks.count > 1 ? yTicks[1] - yTicks[0] : 1
        for t in yTicks where t <= yTop {
            s += "<line x1=\"\(SVG.f(left))\" x2=\"\(SVG.f(left + plotW))\" y1=\"\(SVG.f(y(t)))\" y2=\"\(SVG.f(y(t)))\" stroke=\"\(Palette.grid)\"/>"
            s += "<text x=\"\(SVG.f(left - 6))\" y=\"\(SVG.f(y(t) + 4))\" class=\"tick\" text-anchor=\"end\">\(SVG.tickLabel(t, step: yStep))</text>"
        }
        s += "<path d=\"\(steps(n, x, y, closed: true))\" fill=\"\(Palette.nominalFill)\" fill-opacity=\"0.55\" stroke=\"\(Palette.nominal)\" stroke-width=\"1.4\"/>"
        for i in 0..<nb where ne[i] > 0 {
            s += "<rect x=\"\(SVG.f(x(edges[i])))\" y=\"\(SVG.f(y(n[i] + ne[i])))\" width=\"\(SVG.f(x(edges[i + 1]) - x(edges[i])))\" height=\"\(SVG.f(y(max(0, n[i] - ne[i])) - y(n[i] + ne[i])))\" fill=\"url(#hatch)\" stroke=\"none\"/>"
        }
        s += "<path class=\"up\" d=\"\(steps(up, x, y, closed: false))\" fill=\"none\" stroke=\"\(Palette.perturbed)\" stroke-width=\"2\"/>"
        s += "<path class=\"down\" d=\"\(steps(down, x, y, closed: false))\" fill=\"none\" stroke=\"\(Self.downColour)\" stroke-width=\"2\" stroke-dasharray=\"6,4\"/>"
        s += "<rect x=\"\(SVG.f(left))\" y=\"\(SVG.f(top))\" width=\"\(SVG.f(plotW))\" height=\"\(SVG.f(mainHeight))\" fill=\"none\" stroke=\"\(Palette.axis)\"/>"
        s += "<text transform=\"translate(16,\(SVG.f(top + mainHeight / 2))) rotate(-90)\" class=\"alabel\" text-anchor=\"middle\">Events / bin (Σw)</text>"
        s += legend(x: left + plotW - 190, y: top + 16)
        let nf = templates.nominal.sumw, uf = templates.up.sumw
        let corner = "UF: \(SVG.num(nf[0])) / \(SVG.num(uf[0]))   OF: \(SVG.num(nf[nb + 1])) / \(SVG.num(uf[nb + 1]))"
        s += "<text x=\"\(SVG.f(left + 6))\" y=\"\(SVG.f(top + 14))\" class=\"note\">\(SVG.escape(corner))</text>"
        // Ratio panel.
        for t in [1 - span, 1 - span / 2, 1, 1 + span / 2, 1 + span] {
            s += "<line x1=\"\(SVG.f(left))\" x2=\"\(SVG.f(left + plotW))\" y1=\"\(SVG.f(ry(t)))\" y2=\"\(SVG.f(ry(t)))\" stroke=\"\(t == 1 ? "#999" : Palette.grid)\"/>"
            if t != 1 - span / 2 && t != 1 + span / 2 {
                s += "<text x=\"\(SVG.f(left - 6))\" y=\"\(SVG.f(ry(t) + 4))\" class=\"tick\" text-anchor=\"end\">\(SVG.tickLabel(t, step: span))</text>"
            }
        }
        for i in 0..<nb where n[i] > 0 {
            let rel = ne[i] / n[i]
            let lo = max(1 - span, 1 - rel), hi = min(1 + span, 1 + rel)
            s += "<rect x=\"\(SVG.f(x(edges[i])))\" y=\"\(SVG.f(ry(hi)))\" width=\"\(SVG.f(x(edges[i + 1]) - x(edges[i])))\" height=\"\(SVG.f(ry(lo) - ry(hi)))\" fill=\"\(Palette.band)\" fill-opacity=\"0.3\"/>"
        }
        for (values, colour, dash) in [(up, Palette.perturbed, ""), (down, Self.downColour, " stroke-dasharray=\"6,4\"")] {
            var d = "", pen = false
            for i in 0..<nb {
                guard n[i] > 0 else { pen = false; continue }
                let v = max(1 - span, min(1 + span, values[i] / n[i]))
                d += (pen ? " L" : " M") + "\(SVG.f(x(edges[i]))),\(SVG.f(ry(v))) L\(SVG.f(x(edges[i + 1]))),\(SVG.f(ry(v)))"
                pen = true
            }
            if !d.isEmpty { s += "<path d=\"\(d)\" fill=\"none\" stroke=\"\(colour)\" stroke-width=\"1.8\"\(dash)/>" }
        }
        s += "<rect x=\"\(SVG.f(left))\" y=\"\(SVG.f(r0))\" width=\"\(SVG.f(plotW))\" height=\"\(SVG.f(ratioHeight))\" fill=\"none\" stroke=\"\(Palette.axis)\"/>"
        s += "<text transform=\"translate(16,\(SVG.f(r0 + ratioHeight / 2))) rotate(-90)\" class=\"alabel\" text-anchor=\"middle\">ratio to nominal</text>"
        let xTicks = SVG.ticks(edges[0], edges[nb], target: 7)
        let xStep = xTicks.count > 1 ? xTicks[1] - xTicks[0] : 1
        let xb = r0 + ratioHeight
        for t in xTicks {
            s += "<line x1=\"\(SVG.f(x(t)))\" x2=\"\(SVG.f(x(t)))\" y1=\"\(SVG.f(xb))\" y2=\"\(SVG.f(xb + 5))\" stroke=\"\(Palette.axis)\"/>"
            s += "<text x=\"\(SVG.f(x(t)))\" y=\"\(SVG.f(xb + 18))\" class=\"tick\" text-anchor=\"middle\">\(SVG.tickLabel(t, step: xStep))</text>"
        }
        s += "<text x=\"\(SVG.f(left + plotW))\" y=\"\(SVG.f(height - 6))\" class=\"alabel\" text-anchor=\"end\">\(SVG.escape(xLabel))</text>"
        return s + "</svg>"
    }

    static let downColour = "#7b3294"

    private func steps(_ v: [Double], _ x: LinearScale, _ y: LinearScale, closed: Bool) -> String {
        let edges = templates.nominal.edges
        var d = "M\(SVG.f(x(edges[0]))),\(SVG.f(y(0)))"
        for i in 0..<v.count { d += " L\(SVG.f(x(edges[i]))),\(SVG.f(y(v[i]))) L\(SVG.f(x(edges[i + 1]))),\(SVG.f(y(v[i])))" }
        d += " L\(SVG.f(x(edges[v.count]))),\(SVG.f(y(0)))"
        return closed ? d + " Z" : d
    }

    private func legend(x: Double, y: Double) -> String {
        var s = "<g class=\"legend\">"
        s += "<rect x=\"\(SVG.f(x))\" y=\"\(SVG.f(y - 9))\" width=\"18\" height=\"11\" fill=\"\(Palette.nominalFill)\" stroke=\"\(Palette.nominal)\"/>"
        s += "<text x=\"\(SVG.f(x + 24))\" y=\"\(SVG.f(y))\">\(SVG.escape(processLabel)) nominal</text>"
        s += "<line x1=\"\(SVG.f(x))\" x2=\"\(SVG.f(x + 18))\" y1=\"\(SVG.f(y + 12))\" y2=\"\(SVG.f(y + 12))\" stroke=\"\(Palette.perturbed)\" stroke-width=\"2\"/>"
        s += "<text x=\"\(SVG.f(x + 24))\" y=\"\(SVG.f(y + 16))\">up (perturbed)</text>"
        s += "<line x1=\"\(SVG.f(x))\" x2=\"\(SVG.f(x + 18))\" y1=\"\(SVG.f(y + 28))\" y2=\"\(SVG.f(y + 28))\" stroke=\"\(Self.downColour)\" stroke-width=\"2\" stroke-dasharray=\"6,4\"/>"
        s += "<text x=\"\(SVG.f(x + 24))\" y=\"\(SVG.f(y + 32))\">down (mirrored)</text>"
        return s + "</g>"
    }
}
