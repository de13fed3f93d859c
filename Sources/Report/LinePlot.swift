import Foundation

/// A simple line plot (e.g. fooling ratio against attack iteration).
struct LinePlot {
    var title: String
    var xLabel: String
    var yLabel: String
    var series: [(name: String, values: [Double], colour: String)]
    /// The x value of each series' first point.
    var firstX: Int = 0
    /// Labels of the points, one per index (e.g. the bounds of a robustness curve); nil = integer ticks from firstX.
    var xTickLabels: [String]? = nil

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
        let xTicks = xTickLabels.map { l in (0..<l.count).map(Double.init) } ?? SVG.ticks(0, Double(max(1, n - 1)), target: 8).filter { $0 == $0.rounded() }
        for t in xTicks {
            let label = xTickLabels.map { SVG.escape($0[Int(t)]) } ?? "\(Int(t) + firstX)"
            s += "<line x1=\"\(SVG.f(x(t)))\" x2=\"\(SVG.f(x(t)))\" y1=\"\(SVG.f(height - bottom))\" y2=\"\(SVG.f(height - bottom + 5))\" stroke=\"\(Palette.axis)\"/>"
            s += "<text x=\"\(SVG.f(x(t)))\" y=\"\(SVG.f(height - bottom + 18))\" class=\"tick\" text-anchor=\"middle\">\(label)</text>"
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
