import Foundation

/// A labelled matrix heat map (correlation coefficients) with a diverging colour scale and a colour bar.
struct HeatMap {
    var title: String
    var labels: [String]
    var values: [[Double]]
    /// Colour scale runs over [−range, range].
    var range: Double = 1

    /// The value with 2 (3 for small ranges) decimals, without a "−0.00".
    func cellText(_ v: Double) -> String {
        let decimals = range < 0.1 ? 3 : 2
        let t = String(format: "%.\(decimals)f", v)
        return Double(t) == 0 ? String(format: "%.\(decimals)f", 0.0) : t
    }

    func svg() -> String {
        let p = labels.count
        let cell = p <= 4 ? 64.0 : max(18, min(48, 300 / Double(max(p, 1))))
        let labelSpace = min(130, 14 + 7 * Double(labels.map(\.count).max() ?? 4))
        let left = labelSpace, top = 30.0 + labelSpace * 0.0 + 8
        let gridSize = cell * Double(p)
        let barX = left + gridSize + 18
        let width = barX + 64, height = top + gridSize + labelSpace + 10
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"plot\" viewBox=\"0 0 \(SVG.f(width)) \(SVG.f(height))\" width=\"\(Int(width))\" height=\"\(Int(height))\" role=\"img\" aria-label=\"\(SVG.escape(title))\">"
        s += "<title>\(SVG.escape(title))</title><text x=\"4\" y=\"18\" class=\"ptitle\">\(SVG.escape(title))</text>"
        let fontSize = cell >= 40 ? 12.0 : (cell >= 26 ? 10 : 0)
        for i in 0..<p {
            for j in 0..<p {
                let v = i < values.count && j < values[i].count ? values[i][j] : 0
                let x = left + Double(j) * cell, y = top + Double(i) * cell
                s += "<rect x=\"\(SVG.f(x))\" y=\"\(SVG.f(y))\" width=\"\(SVG.f(cell))\" height=\"\(SVG.f(cell))\" fill=\"\(Palette.diverging(v / range))\" stroke=\"#ffffff\" stroke-width=\"1\"><title>\(SVG.escape(labels[i])) × \(SVG.escape(labels[j])): \(SVG.num(v))</title></rect>"
                if fontSize > 0 {
                    let dark = abs(v / range) > 0.6
                    s += "<text x=\"\(SVG.f(x + cell / 2))\" y=\"\(SVG.f(y + cell / 2 + fontSize / 3))\" text-anchor=\"middle\" font-size=\"\(SVG.f(fontSize))\" fill=\"\(dark ? "#fff" : "#222")\">\(cellText(v))</text>"
                }
            }
            s += "<text x=\"\(SVG.f(left - 6))\" y=\"\(SVG.f(top + (Double(i) + 0.5) * cell + 4))\" class=\"tick\" text-anchor=\"end\">\(SVG.escape(labels[i]))</text>"
            let lx = left + (Double(i) + 0.5) * cell, ly = top + gridSize + 8
            s += "<text transform=\"translate(\(SVG.f(lx)),\(SVG.f(ly))) rotate(45)\" class=\"tick\">\(SVG.escape(labels[i]))</text>"
        }
        // Colour bar.
        let steps = 40, barH = max(gridSize, 120)
        for k in 0..<steps {
            let v = range * (1 - 2 * (Double(k) + 0.5) / Double(steps))
            s += "<rect x=\"\(SVG.f(barX))\" y=\"\(SVG.f(top + Double(k) * barH / Double(steps)))\" width=\"14\" height=\"\(SVG.f(barH / Double(steps) + 0.5))\" fill=\"\(Palette.diverging(v / range))\"/>"
        }
        s += "<rect x=\"\(SVG.f(barX))\" y=\"\(SVG.f(top))\" width=\"14\" height=\"\(SVG.f(barH))\" fill=\"none\" stroke=\"\(Palette.axis)\"/>"
        for (frac, v) in [(0.0, range), (0.5, 0.0), (1.0, -range)] {
            s += "<text x=\"\(SVG.f(barX + 18))\" y=\"\(SVG.f(top + frac * barH + 4))\" class=\"tick\">\(SVG.num(v))</text>"
        }
        return s + "</svg>"
    }
}
