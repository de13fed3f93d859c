import Columnar
import Statistics

/// Weighted Pearson correlation matrices and their change.
public enum Correlation {
    /// The weighted Pearson correlation matrix (columns × columns) of the rows of `x` selected by `mask`
    /// (all rows when nil), weights `w` (1 when nil): `Statistics.CorrelationChange.matrix`, the definition the
    /// attack's metrics use too (a feature constant on the selected rows has a zero row, diagonal included).
    public static func matrix(_ x: FeatureMatrix, weights w: [Double]? = nil, mask: [Bool]? = nil) -> [[Double]] {
        let p = x.columns
        let flat = CorrelationChange.matrix(values: x.values, rows: x.rows, columns: p, weights: w, mask: mask)
        return (0..<p).map { Array(flat[$0 * p ..< ($0 + 1) * p]) }
    }

    /// ‖B − A‖_F / ‖A‖_F (the Frobenius norm of the change relative to the reference matrix A).
    public static func relativeFrobeniusChange(from a: [[Double]], to b: [[Double]]) -> Double {
        CorrelationChange.relativeFrobenius(from: a.flatMap { $0 }, to: b.flatMap { $0 })
    }
}
