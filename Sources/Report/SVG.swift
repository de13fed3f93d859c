import Foundation

/// Tiny helpers to write SVG/HTML text: escaping, compact numbers, axis ticks.
enum SVG {
    /// Escapes text for HTML/SVG content and attribute values.
    static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.count)
        for ch in s {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(ch)
            }
        }
        return out
    }

    /// A coordinate with two decimals.
    static func f(_ v: Double) -> String {
        guard v.isFinite else { return "0" }
        return String(format: "%.2f", v)
    }

    /// A number for people: up to 4 significant digits, scientific when tiny or huge.
    static func num(_ v: Double) -> String {
        guard v.isFinite else { return v.isNaN ? "NaN" : (v > 0 ? "∞" : "−∞") }
        if v == 0 { return "0" }
        let a = abs(v)
        if a < 1e-3 || a >= 1e6 { return String(format: "%.2e", v) }
        var s = String(format: "%.4g", v)
        if s.contains("e") { s = String(format: "%.3f", v) }
        return s
    }

    /// A p-value for people.
    static func pValue(_ p: Double?) -> String {
        guard let p else { return "—" }
        if p < 1e-4 { return p == 0 ? "< 1e-300" : String(format: "%.1e", p) }
        return String(format: "%.4f", p)
    }

    /// "Nice" tick positions covering [lo, hi] (about `target` of them; steps 1, 2, 2.5 or 5 × 10^k).
    static func ticks(_ lo: Double, _ hi: Double, target: Int = 6) -> [Double] {
        guard lo.isFinite, hi.isFinite, hi > lo else { return [lo] }
        let raw = (hi - lo) / Double(max(1, target))
        let mag = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 2.5, 5, 10].map { $0 * mag }.first { $0 >= raw } ?? 10 * mag
        var t = (lo / step).rounded(.up) * step
        var out: [Double] = []
        while t <= hi + step * 1e-9 && out.count < 50 {
            out.append(abs(t) < step * 1e-9 ? 0 : t)
            t += step
        }
        return out
    }

    /// The smallest 1, 2, 2.5 or 5 × 10^k that is ≥ v (v > 0).
    static func niceCeiling(_ v: Double) -> Double {
        guard v > 0, v.isFinite else { return 1 }
        let mag = pow(10, floor(log10(v)))
        return [1.0, 2, 2.5, 5, 10].map { $0 * mag }.first { $0 >= v * (1 - 1e-12) } ?? 10 * mag
    }

    /// Tick label with just enough decimals for the tick spacing.
    static func tickLabel(_ v: Double, step: Double) -> String {
        if abs(v) >= 1e5 || (abs(v) < 1e-3 && v != 0) { return String(format: "%.1e", v) }
        var decimals = 0, s = step
        while decimals < 6 && abs(s.rounded() - s) > 1e-6 * max(1, abs(s)) { s *= 10; decimals += 1 }
        return String(format: "%.\(decimals)f", v)
    }
}

/// A linear map from data to pixel coordinates.
struct LinearScale {
    let d0: Double, d1: Double, p0: Double, p1: Double
    func callAsFunction(_ v: Double) -> Double {
        guard d1 != d0 else { return (p0 + p1) / 2 }
        return p0 + (v - d0) / (d1 - d0) * (p1 - p0)
    }
}

/// Colours shared by every plot (colour-blind-safe pair: blue nominal, orange perturbed).
enum Palette {
    static let nominal = "#1f5fa8"
    static let nominalFill = "#9ec3ea"
    static let perturbed = "#d95f02"
    static let data = "#111111"
    static let band = "#7f7f7f"
    static let grid = "#e6e6e6"
    static let axis = "#333333"

    /// Diverging blue–white–red for v in [−1, 1].
    static func diverging(_ v: Double) -> String {
        let t = max(-1, min(1, v.isFinite ? v : 0))
        let (r, g, b): (Double, Double, Double)
        if t >= 0 { r = 255 - t * (255 - 178); g = 255 - t * (255 - 24); b = 255 - t * (255 - 43) }
        else { let s = -t; r = 255 - s * (255 - 33); g = 255 - s * (255 - 102); b = 255 - s * (255 - 172) }
        return String(format: "#%02x%02x%02x", Int(r.rounded()), Int(g.rounded()), Int(b.rounded()))
    }
}
