import Columnar

/// Weighted Pearson correlation matrices and their change.
public enum Correlation {
    /// The weighted Pearson correlation matrix (columns × columns) of the rows of `x` selected by `mask`
    /// (all rows when nil), weights `w` (1 when nil):
    /// ρ_ab = Σw(x_a − x̄_a)(x_b − x̄_b) / √(Σw(x_a − x̄_a)² Σw(x_b − x̄_b)²), x̄ = Σw x / Σw.
    /// A constant feature has ρ = 0 off the diagonal and 1 on it.
    public static func matrix(_ x: FeatureMatrix, weights w: [Double]? = nil, mask: [Bool]? = nil) -> [[Double]] {
        let p = x.columns
        var sw = 0.0
        var mean = [Double](repeating: 0, count: p)
        for i in 0..<x.rows where mask?[i] ?? true {
            let wi = w?[i] ?? 1
            sw += wi
            for a in 0..<p { mean[a] += wi * x[i, a] }
        }
        guard sw != 0 else { return identity(p) }
        for a in 0..<p { mean[a] /= sw }
        var cov = [Double](repeating: 0, count: p * p)
        var d = [Double](repeating: 0, count: p)
        for i in 0..<x.rows where mask?[i] ?? true {
            let wi = w?[i] ?? 1
            for a in 0..<p { d[a] = x[i, a] - mean[a] }
            for a in 0..<p { for b in a..<p { cov[a * p + b] += wi * d[a] * d[b] } }
        }
        var out = identity(p)
        for a in 0..<p {
            for b in (a + 1)..<max(p, a + 1) {
                let den = (cov[a * p + a] * cov[b * p + b]).squareRoot()
                let r = den > 0 ? cov[a * p + b] / den : 0
                out[a][b] = r; out[b][a] = r
            }
        }
        return out
    }

    /// ‖B − A‖_F / ‖A‖_F (the Frobenius norm of the change relative to the reference matrix A).
    public static func relativeFrobeniusChange(from a: [[Double]], to b: [[Double]]) -> Double {
        var num = 0.0, den = 0.0
        for (ra, rb) in zip(a, b) {
            for (va, vb) in zip(ra, rb) { num += (vb - va) * (vb - va); den += va * va }
        }
        return den > 0 ? (num / den).squareRoot() : 0
    }

    private static func identity(_ p: Int) -> [[Double]] {
        (0..<p).map { i in (0..<p).map { $0 == i ? 1.0 : 0.0 } }
    }
}
