import Foundation

/// Jensen-Shannon distance between two binned distributions (scipy.spatial.distance.jensenshannon).
///
/// p and q are normalised to unit sum, m = (p + q)/2 and
/// JSD = √( (KL(p‖m) + KL(q‖m)) / (2 ln b) ) with b the logarithm base (e for natural units, 2 for bits;
/// in base 2 the distance lies in [0, 1]). Negative entries (negative event weights) are clamped to 0.
public enum JensenShannonDistance {
    /// The distance; `base` nil means natural logarithm.
    public static func distance(_ p: [Double], _ q: [Double], base: Double? = nil) throws -> Double {
        guard p.count == q.count else { throw ValidatorError.lengthMismatch(what: "JSD second distribution", expected: p.count, got: q.count) }
        let pc = p.map { max(0, $0) }, qc = q.map { max(0, $0) }
        let sp = pc.reduce(0, +), sq = qc.reduce(0, +)
        guard sp > 0, sq > 0 else { throw ValidatorError.emptyHistogram("JSD: a distribution has no positive content") }
        var js = 0.0
        for i in 0..<pc.count {
            let a = pc[i] / sp, b = qc[i] / sq, m = (a + b) / 2
            if a > 0 { js += a * log(a / m) }
            if b > 0 { js += b * log(b / m) }
        }
        if let base { js /= log(base) }
        return max(0, js / 2).squareRoot()
    }

    /// The (1 − alpha) quantile of the JS distance between two samples drawn from one distribution, from the
    /// asymptotic law 8·JS ≈ (1/n₁ + 1/n₂)·χ²_{k−1} (JS the divergence in nats, k the bins, n the (effective)
    /// sample sizes): √(q_{1−α}(χ²_{k−1}) (1/n₁ + 1/n₂) / (8 ln b)). Below it a JSD is statistical noise.
    public static func nullQuantile(bins k: Int, n1: Double, n2: Double, alpha: Double, base: Double? = nil) -> Double {
        guard k > 1, n1 > 0, n2 > 0, alpha > 0, alpha < 1 else { return 0 }
        let q = SpecialFunctions.chi2Quantile(1 - alpha, ndf: k - 1)
        var div = q * (1 / n1 + 1 / n2) / 8
        if let base { div /= log(base) }
        return div.squareRoot()
    }
}
