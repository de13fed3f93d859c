import Foundation

/// Special functions behind the p-values: regularised incomplete gamma (chi2) and its helpers.
///
/// Implemented here (no external maths library): the series expansion of P(a, x) for x < a + 1 and the
/// modified-Lentz continued fraction of Q(a, x) otherwise, both to relative precision ~1e-15.
public enum SpecialFunctions {
    /// log Γ(x) for x > 0.
    public static func logGamma(_ x: Double) -> Double { Foundation.lgamma(x) }

    /// Regularised lower incomplete gamma P(a, x) = γ(a, x) / Γ(a), a > 0, x ≥ 0 (scipy.special.gammainc).
    public static func regularizedGammaP(_ a: Double, _ x: Double) -> Double {
        guard a > 0, x.isFinite || x == .infinity, !x.isNaN else { return .nan }
        if x <= 0 { return 0 }
        if x == .infinity { return 1 }
        if x < a + 1 { return gammaSeries(a, x) }
        return 1 - gammaContinuedFraction(a, x)
    }

    /// Regularised upper incomplete gamma Q(a, x) = 1 − P(a, x) (scipy.special.gammaincc).
    public static func regularizedGammaQ(_ a: Double, _ x: Double) -> Double {
        guard a > 0, !x.isNaN else { return .nan }
        if x <= 0 { return 1 }
        if x == .infinity { return 0 }
        if x < a + 1 { return 1 - gammaSeries(a, x) }
        return gammaContinuedFraction(a, x)
    }

    /// Probability that a chi2 with `ndf` degrees of freedom exceeds `chi2` (scipy.stats.chi2.sf), the one
    /// definition the attack and the validation share: 1 when chi2 == 0 (also at ndf 0: both histograms in one
    /// and the same bin have identical shapes, there is nothing to notice), 0 when ndf ≤ 0 and chi2 > 0
    /// (ROOT's TMath::Prob gives 0 at ndf 0 whatever chi2), 0 when chi2 < 0 or NaN.
    public static func chi2Survival(_ chi2: Double, ndf: Int) -> Double {
        if chi2.isNaN || chi2 < 0 { return 0 }
        if chi2 == 0 { return 1 }
        if ndf <= 0 { return 0 }
        return regularizedGammaQ(0.5 * Double(ndf), 0.5 * chi2)
    }

    /// The chi2 value whose survival probability is `p` (bisection on `chi2Survival`, so small p keep their
    /// relative precision); 0 at ndf ≤ 0, where only chi2 = 0 keeps p ≥ any threshold.
    public static func chi2Critical(p: Double, ndf: Int) -> Double {
        guard ndf > 0 else { return 0 }
        var lo = 0.0, hi = Double(ndf) + 10 * Double(ndf).squareRoot() + 100
        while chi2Survival(hi, ndf: ndf) > p { hi *= 2 }
        for _ in 0..<200 {
            let mid = 0.5 * (lo + hi)
            if chi2Survival(mid, ndf: ndf) > p { lo = mid } else { hi = mid }
            if hi - lo <= 1e-13 * hi { break }
        }
        return lo
    }

    /// The x with P(χ²_ndf ≤ x) = p (scipy.stats.chi2.ppf), by bisection on the regularised gamma P.
    public static func chi2Quantile(_ p: Double, ndf: Int) -> Double {
        guard ndf > 0, p > 0 else { return 0 }
        guard p < 1 else { return .infinity }
        let a = 0.5 * Double(ndf)
        var lo = 0.0, hi = max(1.0, Double(ndf))
        while regularizedGammaP(a, hi / 2) < p { hi *= 2 }
        for _ in 0..<200 {
            let mid = (lo + hi) / 2
            if regularizedGammaP(a, mid / 2) < p { lo = mid } else { hi = mid }
            if hi - lo <= 1e-13 * hi { break }
        }
        return (lo + hi) / 2
    }

    /// P(a, x) by its power series: e^{-x} x^a / Γ(a+1) · Σ x^n / ((a+1)…(a+n)).
    private static func gammaSeries(_ a: Double, _ x: Double) -> Double {
        var term = 1.0 / a, sum = term, ap = a
        for _ in 0..<100_000 {
            ap += 1
            term *= x / ap
            sum += term
            if abs(term) < abs(sum) * 1e-17 { break }
        }
        return sum * exp(-x + a * log(x) - logGamma(a))
    }

    /// Q(a, x) by the continued fraction for Γ(a, x), evaluated with the modified Lentz method.
    private static func gammaContinuedFraction(_ a: Double, _ x: Double) -> Double {
        let tiny = 1e-300
        var b = x + 1 - a, c = 1 / tiny, d = 1 / b, h = d
        var i = 1.0
        while i < 100_000 {
            let an = -i * (i - a)
            b += 2
            d = an * d + b; if abs(d) < tiny { d = tiny }
            c = b + an / c; if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < 1e-16 { break }
            i += 1
        }
        return exp(-x + a * log(x) - logGamma(a)) * h
    }
}
