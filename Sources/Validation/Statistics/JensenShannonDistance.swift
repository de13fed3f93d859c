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
}
