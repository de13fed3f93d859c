import Foundation

/// Jensen–Shannon distance (base-2 logarithms) between binned distributions.
///
/// The attack uses the per-bin decomposition JS² = Σ_b f(p_b, q_b) with p = h / W, q = r / W
/// (h, r bin contents, W the population's total weight, unchanged by moving an event), so moving one event
/// changes two terms only. Negative bin contents (negative MC weights) count as 0.
/// `referenceDistance` is the reference implementation's definition (floored at 1e-10, normalised),
/// which differs from the decomposed one by < 1e-8.
public enum JensenShannon {
    /// One bin's contribution to the JS divergence: ½[p log₂(2p/(p+q)) + q log₂(2q/(p+q))].
    @inlinable
    public static func term(_ p: Double, _ q: Double) -> Double {
        let a = max(p, 0), b = max(q, 0)
        let m = a + b
        if m <= 0 { return 0 }
        var t = 0.0
        if a > 0 { t += a * log2(2 * a / m) }
        if b > 0 { t += b * log2(2 * b / m) }
        return 0.5 * t
    }

    /// JS distance of two histograms with totals `totalP`, `totalQ` via the decomposition.
    public static func distance(_ h: [Double], totalP: Double, _ r: [Double], totalQ: Double) -> Double {
        var s = 0.0
        for b in 0..<min(h.count, r.count) {
            s += term(totalP > 0 ? h[b] / totalP : 0, totalQ > 0 ? r[b] / totalQ : 0)
        }
        return max(s, 0).squareRoot()
    }

    /// The reference's JS distance: both histograms floored at 1e-10, normalised, base 2, square root.
    public static func referenceDistance(_ p: [Double], _ q: [Double]) -> Double {
        let eps = 1e-10
        let pf = p.map { max($0, eps) }, qf = q.map { max($0, eps) }
        let sp = pf.reduce(0, +), sq = qf.reduce(0, +)
        var d = 0.0
        for b in 0..<min(pf.count, qf.count) {
            let pp = pf[b] / sp, qq = qf[b] / sq
            let m = max(0.5 * (pp + qq), eps)
            d += pp * log2(pp / m) + qq * log2(qq / m)
        }
        return max(0.5 * d, 0).squareRoot()
    }
}
