import Foundation

/// Regularised incomplete gamma functions P(a, x) and Q(a, x) = 1 − P(a, x), and the chi2 survival function.
/// Series expansion for x < a + 1, Lentz continued fraction otherwise; relative accuracy ~1e-14.
public enum IncompleteGamma {
    /// Lower regularised P(a, x), a > 0, x ≥ 0.
    public static func lowerRegularized(_ a: Double, _ x: Double) -> Double {
        guard a > 0, x > 0 else { return x <= 0 ? 0 : .nan }
        if x < a + 1 { return series(a, x) }
        return 1 - continuedFraction(a, x)
    }

    /// Upper regularised Q(a, x), a > 0, x ≥ 0.
    public static func upperRegularized(_ a: Double, _ x: Double) -> Double {
        guard a > 0, x > 0 else { return x <= 0 ? 1 : .nan }
        if x < a + 1 { return 1 - series(a, x) }
        return continuedFraction(a, x)
    }

    /// P(χ² ≥ x) for `dof` degrees of freedom.
    public static func chi2Survival(_ x: Double, dof: Int) -> Double {
        guard dof > 0 else { return x > 0 ? 0 : 1 }
        return upperRegularized(Double(dof) / 2, x / 2)
    }

    /// The χ² value whose survival probability is `p` (bisection; monotone).
    public static func chi2Critical(p: Double, dof: Int) -> Double {
        guard dof > 0 else { return 0 }
        var lo = 0.0, hi = Double(dof) + 10 * Double(dof).squareRoot() + 100
        while chi2Survival(hi, dof: dof) > p { hi *= 2 }
        for _ in 0..<200 {
            let mid = 0.5 * (lo + hi)
            if chi2Survival(mid, dof: dof) > p { lo = mid } else { hi = mid }
            if hi - lo <= 1e-13 * hi { break }
        }
        return lo
    }

    private static func logPrefactor(_ a: Double, _ x: Double) -> Double { a * log(x) - x - lgamma(a) }

    private static func series(_ a: Double, _ x: Double) -> Double {
        var ap = a, term = 1 / a, sum = term
        for _ in 0..<10_000 {
            ap += 1
            term *= x / ap
            sum += term
            if abs(term) < abs(sum) * 1e-16 { break }
        }
        return min(1, sum * exp(logPrefactor(a, x)))
    }

    private static func continuedFraction(_ a: Double, _ x: Double) -> Double {
        let tiny = 1e-300
        var b = x + 1 - a, c = 1 / tiny, d = 1 / b, h = d
        for i in 1...10_000 {
            let an = -Double(i) * (Double(i) - a)
            b += 2
            d = an * d + b; if abs(d) < tiny { d = tiny }
            c = b + an / c; if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < 1e-16 { break }
        }
        return min(1, exp(logPrefactor(a, x)) * h)
    }
}
