import Statistics

/// Result of a two-sample Kolmogorov-Smirnov test.
public struct KSResult: Sendable, Equatable, Codable {
    /// D = sup_x |F₁(x) − F₂(x)| of the (weighted) empirical CDFs.
    public var statistic: Double
    /// P(D_en ≥ D) from the Kolmogorov distribution with en = round(n₁n₂/(n₁+n₂)).
    public var pValue: Double
    /// The effective sizes used (Kish: (Σw)²/Σw²; the plain counts for unweighted samples).
    public var effectiveN1: Double
    public var effectiveN2: Double
}

/// Two-sample Kolmogorov-Smirnov test, optionally weighted.
///
/// Unweighted it is scipy.stats.ks_2samp(x1, x2, method="asymp"): D from the two empirical CDFs and
/// p = kstwo.sf(D, round(n₁n₂/(n₁+n₂))) (the Kolmogorov distribution at the effective size, see
/// `KolmogorovDistribution.survival`). Weighted, the empirical CDFs are weight-normalised and n₁, n₂ are
/// replaced by Kish effective sizes. NaN values are dropped.
public enum KolmogorovSmirnovTest {
    public static func test(_ x1: [Double], weights w1: [Double]? = nil, _ x2: [Double], weights w2: [Double]? = nil) throws -> KSResult {
        if let w = w1, w.count != x1.count { throw ValidatorError.lengthMismatch(what: "KS weights of sample 1", expected: x1.count, got: w.count) }
        if let w = w2, w.count != x2.count { throw ValidatorError.lengthMismatch(what: "KS weights of sample 2", expected: x2.count, got: w.count) }
        let a = sortedPairs(x1, w1), b = sortedPairs(x2, w2)
        guard !a.isEmpty else { throw ValidatorError.emptyHistogram("KS: first sample") }
        guard !b.isEmpty else { throw ValidatorError.emptyHistogram("KS: second sample") }
        let total1 = a.reduce(0) { $0 + $1.1 }, total2 = b.reduce(0) { $0 + $1.1 }
        guard total1 != 0, total2 != 0 else { throw ValidatorError.invalidInput("KS: a sample has zero total weight") }
        var i = 0, j = 0, c1 = 0.0, c2 = 0.0, d = 0.0
        while i < a.count || j < b.count {
            let v = min(i < a.count ? a[i].0 : .infinity, j < b.count ? b[j].0 : .infinity)
            while i < a.count && a[i].0 == v { c1 += a[i].1; i += 1 }
            while j < b.count && b[j].0 == v { c2 += b[j].1; j += 1 }
            d = max(d, abs(c1 / total1 - c2 / total2))
        }
        let n1 = effectiveSize(a), n2 = effectiveSize(b)
        let p = KolmogorovDistribution.survival(n: CheckThresholds.ksEffectiveSize(n1, n2), d: d)
        return KSResult(statistic: d, pValue: p, effectiveN1: n1, effectiveN2: n2)
    }

    private static func sortedPairs(_ x: [Double], _ w: [Double]?) -> [(Double, Double)] {
        var out = [(Double, Double)]()
        out.reserveCapacity(x.count)
        for (i, v) in x.enumerated() where !v.isNaN { out.append((v, w?[i] ?? 1)) }
        out.sort { $0.0 < $1.0 }
        return out
    }

    private static func effectiveSize(_ p: [(Double, Double)]) -> Double {
        var s = 0.0, s2 = 0.0
        for (_, w) in p { s += w; s2 += w * w }
        return s2 > 0 ? s * s / s2 : 0
    }
}
