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

/// A simple line plot (e.g. fooling ratio against attack iteration).
struct LinePlot {
    var title: String
    var xLabel: String
    var yLabel: String
    var series: [(name: String, values: [Double], colour: String)]

    func svg() -> String {
        let width = 600.0, height = 320.0, left = 72.0, right = 18.0, top = 34.0, bottom = 48.0
        let n = series.map(\.values.count).max() ?? 0
        let all = series.flatMap(\.values).filter(\.isFinite)
        let yLo = min(0, all.min() ?? 0), yHi0 = max(all.max() ?? 1, yLo + 1e-9)
        let yTicks = SVG.ticks(yLo, yHi0 * 1.1, target: 5)
        let yHi = max(yHi0 * 1.1, yTicks.last ?? yHi0)
        let x = LinearScale(d0: 0, d1: Double(max(1, n - 1)), p0: left, p1: width - right)
        let y = LinearScale(d0: yLo, d1: yHi, p0: height - bottom, p1: top)
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"plot\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" width=\"\(Int(width))\" height=\"\(Int(height))\" role=\"img\" aria-label=\"\(SVG.escape(title))\">"
        s += "<title>\(SVG.escape(title))</title><text x=\"\(SVG.f(left))\" y=\"20\" class=\"ptitle\">\(SVG.escape(title))</text>"
        let yStep = yTicks.count > 1 ? yTicks[1] - yTicks[0] : 1
        for t in yTicks where t <= yHi {
            s += "<line x1=\"\(SVG.f(left))\" x2=\"\(SVG.f(width - right))\" y1=\"\(SVG.f(y(t)))\" y2=\"\(SVG.f(y(t)))\" stroke=\"\(Palette.grid)\"/>"
            s += "<text x=\"\(SVG.f(left - 6))\" y=\"\(SVG.f(y(t) + 4))\" class=\"tick\" text-anchor=\"end\">\(SVG.tickLabel(t, step: yStep))</text>"
        }
        let xTicks = SVG.ticks(0, Double(max(1, n - 1)), target: 8).filter { $0 == $0.rounded() }
        for t in xTicks {
            s += "<line x1=\"\(SVG.f(x(t)))\" x2=\"\(SVG.f(x(t)))\" y1=\"\(SVG.f(height - bottom))\" y2=\"\(SVG.f(height - bottom + 5))\" stroke=\"\(Palette.axis)\"/>"
            s += "<text x=\"\(SVG.f(x(t)))\" y=\"\(SVG.f(height - bottom + 18))\" class=\"tick\" text-anchor=\"middle\">\(Int(t))</text>"
        }
        for (k, sr) in series.enumerated() {
            var d = ""
            for (i, v) in sr.values.enumerated() where v.isFinite { d += (d.isEmpty ? "M" : " L") + "\(SVG.f(x(Double(i)))),\(SVG.f(y(v)))" }
            s += "<path d=\"\(d)\" fill=\"none\" stroke=\"\(sr.colour)\" stroke-width=\"2\"/>"
            for (i, v) in sr.values.enumerated() where v.isFinite && sr.values.count <= 60 {
                s += "<circle cx=\"\(SVG.f(x(Double(i))))\" cy=\"\(SVG.f(y(v)))\" r=\"2.5\" fill=\"\(sr.colour)\"/>"
            }
            s += "<line x1=\"\(SVG.f(width - right - 170))\" x2=\"\(SVG.f(width - right - 152))\" y1=\"\(SVG.f(top + 14 + Double(k) * 16))\" y2=\"\(SVG.f(top + 14 + Double(k) * 16))\" stroke=\"\(sr.colour)\" stroke-width=\"2\"/>"
            s += "<text x=\"\(SVG.f(width - right - 146))\" y=\"\(SVG.f(top + 18 + Double(k) * 16))\" class=\"legend\">\(SVG.escape(sr.name))</text>"
        }
        s += "<rect x=\"\(SVG.f(left))\" y=\"\(SVG.f(top))\" width=\"\(SVG.f(width - left - right))\" height=\"\(SVG.f(height - top - bottom))\" fill=\"none\" stroke=\"\(Palette.axis)\"/>"
        s += "<text transform=\"translate(16,\(SVG.f((top + height - bottom) / 2))) rotate(-90)\" class=\"alabel\" text-anchor=\"middle\">\(SVG.escape(yLabel))</text>"
        s += "<text x=\"\(SVG.f(width - right))\" y=\"\(SVG.f(height - 8))\" class=\"alabel\" text-anchor=\"end\">\(SVG.escape(xLabel))</text>"
        return s + "</svg>"
    }
}
