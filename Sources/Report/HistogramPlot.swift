import Validation

/// A physicist's histogram overlay as inline SVG: nominal (filled) with its √Σw² band, perturbed (line),
/// data (points with √n error bars) on top; a ratio panel (perturbed / nominal, data / nominal) below with
/// the nominal relative uncertainty band. Under- and overflow are quoted in the corner (they take part in
/// the tests but sit outside the axis).
struct HistogramPlot {
    var title: String
    var xLabel: String
    var edges: [Double]
    var nominal: ValidationReport.BinnedValues
    var perturbed: ValidationReport.BinnedValues
    var data: ValidationReport.BinnedValues?
    var annotation: String? = nil
    var nominalLabel = "nominal"
    var perturbedLabel = "perturbed"
    var verticalLine: Double? = nil

    /// Scales nominal and perturbed by (data total / nominal total), as a data/MC shape plot does.
    mutating func normaliseSimulationToData() {
        guard let d = data else { return }
        let total = nominal.sumw.reduce(0, +), dt = d.sumw.reduce(0, +)
        guard total > 0, dt > 0 else { return }
        let k = dt / total
        nominal = .init(sumw: nominal.sumw.map { $0 * k }, sumw2: nominal.sumw2.map { $0 * k * k })
        perturbed = .init(sumw: perturbed.sumw.map { $0 * k }, sumw2: perturbed.sumw2.map { $0 * k * k })
        nominalLabel = "nominal (norm. to data)"
    }

    let width = 600.0, height = 450.0
    let left = 72.0, right = 18.0, top = 34.0, mainHeight = 270.0, gap = 8.0, ratioHeight = 86.0

    func svg() -> String {
        let nb = edges.count - 1
        guard nb >= 1, nominal.sumw.count == nb + 2, perturbed.sumw.count == nb + 2 else { return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"></svg>" }
        let inner = { (a: [Double]) in Array(a[1...nb]) }
        let n = inner(nominal.sumw), ne = inner(nominal.sumw2).map { $0.squareRoot() }
        let p = inner(perturbed.sumw), pe = inner(perturbed.sumw2).map { $0.squareRoot() }
        let d = data.map { inner($0.sumw) }, de = data.map { inner($0.sumw2).map { $0.squareRoot() } }
        var yMax = 0.0
        for i in 0..<nb {
            yMax = max(yMax, n[i] + ne[i], p[i])
            if let d, let de { yMax = max(yMax, d[i] + de[i]) }
        }
        if yMax <= 0 { yMax = 1 }
        let yTicks = SVG.ticks(0, yMax * 1.25, target: 5)
        let yTop = max(yMax * 1.25, yTicks.last ?? yMax)
        let plotW = width - left - right
        let x = LinearScale(d0: edges[0], d1: edges[nb], p0: left, p1: left + plotW)
        let y = LinearScale(d0: 0, d1: yTop, p0: top + mainHeight, p1: top)
        let r0 = top + mainHeight + gap
        let ry = LinearScale(d0: 0.5, d1: 1.5, p0: r0 + ratioHeight, p1: r0)
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"plot\" viewBox=\"0 0 \(SVG.f(width)) \(SVG.f(height))\" width=\"\(Int(width))\" height=\"\(Int(height))\" role=\"img\" aria-label=\"\(SVG.escape(title))\">"
        s += "<title>\(SVG.escape(title))</title>"
        s += "<text x=\"\(SVG.f(left))\" y=\"20\" class=\"ptitle\">\(SVG.escape(title))</text>"
        // Grid and y axis (main).
        let yStep = yTicks.count > 1 ? yTicks[1] - yTicks[0] : 1
        for t in yTicks where t <= yTop {
            s += "<line x1=\"\(SVG.f(left))\" x2=\"\(SVG.f(left + plotW))\" y1=\"\(SVG.f(y(t)))\" y2=\"\(SVG.f(y(t)))\" stroke=\"\(Palette.grid)\"/>"
            s += "<text x=\"\(SVG.f(left - 6))\" y=\"\(SVG.f(y(t) + 4))\" class=\"tick\" text-anchor=\"end\">\(SVG.tickLabel(t, step: yStep))</text>"
        }
        // Nominal: filled steps, band, outline.
        var area = "M\(SVG.f(x(edges[0]))),\(SVG.f(y(0)))"
        for i in 0..<nb { area += " L\(SVG.f(x(edges[i]))),\(SVG.f(y(n[i]))) L\(SVG.f(x(edges[i + 1]))),\(SVG.f(y(n[i])))" }
        area += " L\(SVG.f(x(edges[nb]))),\(SVG.f(y(0))) Z"
        s += "<path d=\"\(area)\" fill=\"\(Palette.nominalFill)\" fill-opacity=\"0.55\" stroke=\"\(Palette.nominal)\" stroke-width=\"1.4\"/>"
        for i in 0..<nb where ne[i] > 0 {
            s += "<rect x=\"\(SVG.f(x(edges[i])))\" y=\"\(SVG.f(y(n[i] + ne[i])))\" width=\"\(SVG.f(x(edges[i + 1]) - x(edges[i])))\" height=\"\(SVG.f(y(n[i] - ne[i]) - y(n[i] + ne[i])))\" fill=\"url(#hatch)\" stroke=\"none\"/>"
        }
        s += "<path d=\"\(steps(p, x, y))\" fill=\"none\" stroke=\"\(Palette.perturbed)\" stroke-width=\"2\"/>"
        if let d, let de {
            for i in 0..<nb where d[i] > 0 {
                let cx = x((edges[i] + edges[i + 1]) / 2)
                s += "<line x1=\"\(SVG.f(cx))\" x2=\"\(SVG.f(cx))\" y1=\"\(SVG.f(y(d[i] - de[i])))\" y2=\"\(SVG.f(y(d[i] + de[i])))\" stroke=\"\(Palette.data)\" stroke-width=\"1.2\"/>"
                s += "<circle cx=\"\(SVG.f(cx))\" cy=\"\(SVG.f(y(d[i])))\" r=\"2.6\" fill=\"\(Palette.data)\"/>"
            }
        }
        if let v = verticalLine, v >= edges[0], v <= edges[nb] {
            s += "<line x1=\"\(SVG.f(x(v)))\" x2=\"\(SVG.f(x(v)))\" y1=\"\(SVG.f(top))\" y2=\"\(SVG.f(r0 + ratioHeight))\" stroke=\"#444\" stroke-dasharray=\"5,4\"/>"
        }
        s += "<rect x=\"\(SVG.f(left))\" y=\"\(SVG.f(top))\" width=\"\(SVG.f(plotW))\" height=\"\(SVG.f(mainHeight))\" fill=\"none\" stroke=\"\(Palette.axis)\"/>"
        s += "<text transform=\"translate(16,\(SVG.f(top + mainHeight / 2))) rotate(-90)\" class=\"alabel\" text-anchor=\"middle\">Events / bin (Σw)</text>"
        s += legend(x: left + plotW - 170, y: top + 16)
        var corner = "UF: \(SVG.num(nominal.sumw[0])) / \(SVG.num(perturbed.sumw[0]))   OF: \(SVG.num(nominal.sumw[nb + 1])) / \(SVG.num(perturbed.sumw[nb + 1]))"
        if let a = annotation { corner = a + "   " + corner }
        s += "<text x=\"\(SVG.f(left + 6))\" y=\"\(SVG.f(top + 14))\" class=\"note\">\(SVG.escape(corner))</text>"
        // Ratio panel.
        for t in [0.5, 0.75, 1.0, 1.25, 1.5] {
            s += "<line x1=\"\(SVG.f(left))\" x2=\"\(SVG.f(left + plotW))\" y1=\"\(SVG.f(ry(t)))\" y2=\"\(SVG.f(ry(t)))\" stroke=\"\(t == 1 ? "#999" : Palette.grid)\"/>"
            if t != 0.75 && t != 1.25 {
                s += "<text x=\"\(SVG.f(left - 6))\" y=\"\(SVG.f(ry(t) + 4))\" class=\"tick\" text-anchor=\"end\">\(SVG.tickLabel(t, step: 0.5))</text>"
            }
        }
        for i in 0..<nb where n[i] > 0 {
            let rel = ne[i] / n[i]
            let lo = max(0.5, 1 - rel), hi = min(1.5, 1 + rel)
            s += "<rect x=\"\(SVG.f(x(edges[i])))\" y=\"\(SVG.f(ry(hi)))\" width=\"\(SVG.f(x(edges[i + 1]) - x(edges[i])))\" height=\"\(SVG.f(ry(lo) - ry(hi)))\" fill=\"\(Palette.band)\" fill-opacity=\"0.3\"/>"
        }
        var rp = "", pen = false
        for i in 0..<nb {
            guard n[i] > 0 else { pen = false; continue }
            let v = max(0.5, min(1.5, p[i] / n[i]))
            rp += (pen ? " L" : " M") + "\(SVG.f(x(edges[i]))),\(SVG.f(ry(v))) L\(SVG.f(x(edges[i + 1]))),\(SVG.f(ry(v)))"
            pen = true
        }
        if !rp.isEmpty { s += "<path d=\"\(rp)\" fill=\"none\" stroke=\"\(Palette.perturbed)\" stroke-width=\"1.8\"/>" }
        if let d, let de {
            for i in 0..<nb where n[i] > 0 && d[i] > 0 {
                let v = d[i] / n[i], e = de[i] / n[i]
                guard v >= 0.5 && v <= 1.5 else { continue }
                let cx = x((edges[i] + edges[i + 1]) / 2)
                s += "<line x1=\"\(SVG.f(cx))\" x2=\"\(SVG.f(cx))\" y1=\"\(SVG.f(ry(max(0.5, v - e))))\" y2=\"\(SVG.f(ry(min(1.5, v + e))))\" stroke=\"\(Palette.data)\"/>"
                s += "<circle cx=\"\(SVG.f(cx))\" cy=\"\(SVG.f(ry(v)))\" r=\"2.2\" fill=\"\(Palette.data)\"/>"
            }
        }
        s += "<rect x=\"\(SVG.f(left))\" y=\"\(SVG.f(r0))\" width=\"\(SVG.f(plotW))\" height=\"\(SVG.f(ratioHeight))\" fill=\"none\" stroke=\"\(Palette.axis)\"/>"
        s += "<text transform=\"translate(16,\(SVG.f(r0 + ratioHeight / 2))) rotate(-90)\" class=\"alabel\" text-anchor=\"middle\">ratio to nominal</text>"
        // x axis.
        let xTicks = SVG.ticks(edges[0], edges[nb], target: 7)
        let xStep = xTicks.count > 1 ? xTicks[1] - xTicks[0] : 1
        let xb = r0 + ratioHeight
        for t in xTicks {
            s += "<line x1=\"\(SVG.f(x(t)))\" x2=\"\(SVG.f(x(t)))\" y1=\"\(SVG.f(xb))\" y2=\"\(SVG.f(xb + 5))\" stroke=\"\(Palette.axis)\"/>"
            s += "<line x1=\"\(SVG.f(x(t)))\" x2=\"\(SVG.f(x(t)))\" y1=\"\(SVG.f(top + mainHeight))\" y2=\"\(SVG.f(top + mainHeight - 5))\" stroke=\"\(Palette.axis)\"/>"
            s += "<text x=\"\(SVG.f(x(t)))\" y=\"\(SVG.f(xb + 18))\" class=\"tick\" text-anchor=\"middle\">\(SVG.tickLabel(t, step: xStep))</text>"
        }
        s += "<text x=\"\(SVG.f(left + plotW))\" y=\"\(SVG.f(height - 6))\" class=\"alabel\" text-anchor=\"end\">\(SVG.escape(xLabel))</text>"
        s += "</svg>"
        return s
    }

    private func steps(_ v: [Double], _ x: LinearScale, _ y: LinearScale) -> String {
        var d = "M\(SVG.f(x(edges[0]))),\(SVG.f(y(0)))"
        for i in 0..<v.count { d += " L\(SVG.f(x(edges[i]))),\(SVG.f(y(v[i]))) L\(SVG.f(x(edges[i + 1]))),\(SVG.f(y(v[i])))" }
        d += " L\(SVG.f(x(edges[v.count]))),\(SVG.f(y(0)))"
        return d
    }

    private func legend(x: Double, y: Double) -> String {
        var s = "<g class=\"legend\">"
        s += "<rect x=\"\(SVG.f(x))\" y=\"\(SVG.f(y - 9))\" width=\"18\" height=\"11\" fill=\"\(Palette.nominalFill)\" stroke=\"\(Palette.nominal)\"/>"
        s += "<text x=\"\(SVG.f(x + 24))\" y=\"\(SVG.f(y))\">\(SVG.escape(nominalLabel))</text>"
        s += "<rect x=\"\(SVG.f(x))\" y=\"\(SVG.f(y + 7))\" width=\"18\" height=\"11\" fill=\"url(#hatch)\" stroke=\"\(Palette.band)\"/>"
        s += "<text x=\"\(SVG.f(x + 24))\" y=\"\(SVG.f(y + 16))\">stat. unc. (√Σw²)</text>"
        s += "<line x1=\"\(SVG.f(x))\" x2=\"\(SVG.f(x + 18))\" y1=\"\(SVG.f(y + 28))\" y2=\"\(SVG.f(y + 28))\" stroke=\"\(Palette.perturbed)\" stroke-width=\"2\"/>"
        s += "<text x=\"\(SVG.f(x + 24))\" y=\"\(SVG.f(y + 32))\">\(SVG.escape(perturbedLabel))</text>"
        if data != nil {
            s += "<circle cx=\"\(SVG.f(x + 9))\" cy=\"\(SVG.f(y + 44))\" r=\"3\" fill=\"\(Palette.data)\"/>"
            s += "<text x=\"\(SVG.f(x + 24))\" y=\"\(SVG.f(y + 48))\">data</text>"
        }
        return s + "</g>"
    }
}
