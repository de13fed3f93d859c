/// Weighted Pearson correlation matrices and their relative change: the one definition behind the attack's
/// `rel_corr_change` (metrics.json) and the validation's correlation check (report.json).
///
/// ρ_ab = Σw(x_a − x̄_a)(x_b − x̄_b) / √(Σw(x_a − x̄_a)² Σw(x_b − x̄_b)²), x̄ = Σw x / Σw. A feature that takes one
/// single value on the selected rows (decided by exact comparison, so no rounding residue of the mean makes a
/// variance) has undefined correlations: its whole row and column count as 0, diagonal included. The relative
/// change ‖B − A‖_F / ‖A‖_F then leaves out a feature constant in both and counts a feature constant in the
/// reference only through its new row (its diagonal alone adds 1).
public enum CorrelationChange {
    /// The matrix (row-major, columns × columns) of the rows of `values` (rows × columns, row-major) selected by
    /// `mask` (all when nil), weights `weights` (1 when nil).
    public static func matrix(values: [Double], rows: Int, columns p: Int, weights: [Double]? = nil, mask: [Bool]? = nil) -> [Double] {
        var sw = 0.0
        var mean = [Double](repeating: 0, count: p)
        var first = [Double](repeating: .nan, count: p), constant = [Bool](repeating: true, count: p)
        var any = false
        for i in 0..<rows where mask?[i] ?? true {
            let wi = weights?[i] ?? 1
            sw += wi
            for a in 0..<p {
                let v = values[i * p + a]
                mean[a] += wi * v
                if !any { first[a] = v } else if v != first[a] { constant[a] = false }
            }
            any = true
        }
        var out = [Double](repeating: 0, count: p * p)
        guard any, sw != 0 else { return out }
        for a in 0..<p { mean[a] /= sw }
        var cov = [Double](repeating: 0, count: p * p)
        var dv = [Double](repeating: 0, count: p)
        for i in 0..<rows where mask?[i] ?? true {
            let wi = weights?[i] ?? 1
            for a in 0..<p { dv[a] = constant[a] ? 0 : values[i * p + a] - mean[a] }
            for a in 0..<p { for b in a..<p { cov[a * p + b] += wi * dv[a] * dv[b] } }
        }
        for a in 0..<p where !constant[a] && cov[a * p + a] > 0 {
            out[a * p + a] = 1
            for b in (a + 1)..<max(p, a + 1) where !constant[b] && cov[b * p + b] > 0 {
                let r = cov[a * p + b] / (cov[a * p + a] * cov[b * p + b]).squareRoot()
                out[a * p + b] = r; out[b * p + a] = r
            }
        }
        return out
    }

    /// ‖B − A‖_F / ‖A‖_F (0 when A is 0).
    public static func relativeFrobenius(from a: [Double], to b: [Double]) -> Double {
        var num = 0.0, den = 0.0
        for (va, vb) in zip(a, b) { num += (vb - va) * (vb - va); den += va * va }
        return den > 0 ? (num / den).squareRoot() : 0
    }
}
