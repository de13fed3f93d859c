import Foundation

/// The thresholds at which the standard checks notice a perturbation: one definition for the validation (which
/// applies them) and the attack's `checks` mode (which stays inside them).
public enum CheckThresholds {
    /// The (1 − alpha) quantile of the JS distance between two samples drawn from one distribution, from the
    /// asymptotic law 8·JS ≈ (1/n₁ + 1/n₂)·χ²_{k−1} (JS the divergence in nats, k the bins, n the (effective)
    /// sample sizes): √(q_{1−α}(χ²_{k−1}) (1/n₁ + 1/n₂) / (8 ln b)). Below it a JSD is statistical noise.
    public static func jsdNullQuantile(bins k: Int, n1: Double, n2: Double, alpha: Double, base: Double? = nil) -> Double {
        guard k > 1, n1 > 0, n2 > 0, alpha > 0, alpha < 1 else { return 0 }
        let q = SpecialFunctions.chi2Quantile(1 - alpha, ndf: k - 1)
        var div = q * (1 / n1 + 1 / n2) / 8
        if let base { div /= log(base) }
        return div.squareRoot()
    }

    /// The JS distance above which the JSD check notices: `threshold`, raised to the null quantile for k bins
    /// non-empty in either sample and effective sizes n₁, n₂ when `statisticalFloor` is on.
    public static func jsdThreshold(threshold: Double, statisticalFloor: Bool, bins k: Int, n1: Double, n2: Double,
                                    alpha: Double, base: Double?) -> Double {
        statisticalFloor ? max(threshold, jsdNullQuantile(bins: k, n1: n1, n2: n2, alpha: alpha, base: base)) : threshold
    }

    /// The size at which the two-sample KS p-value is evaluated: round(n₁n₂/(n₁+n₂)) (at least 1).
    public static func ksEffectiveSize(_ n1: Double, _ n2: Double) -> Int {
        guard n1 > 0, n2 > 0 else { return 1 }
        return max(1, Int((n1 * n2 / (n1 + n2)).rounded(.toNearestOrEven)))
    }

    /// The largest KS distance D with P(D_n ≥ D) ≥ alpha (the KS check does not notice up to it), by bisection
    /// on `KolmogorovDistribution.survival` (decreasing in D).
    public static func ksCriticalDistance(alpha: Double, effectiveSize n: Int) -> Double {
        var lo = 0.0, hi = 1.0
        if KolmogorovDistribution.survival(n: n, d: hi) >= alpha { return 1 }
        for _ in 0..<80 {
            let mid = 0.5 * (lo + hi)
            if KolmogorovDistribution.survival(n: n, d: mid) >= alpha { lo = mid } else { hi = mid }
        }
        return lo
    }

    /// Kish effective size (Σw)²/Σw² (0 without weight).
    public static func kishSize(sumW: Double, sumW2: Double) -> Double { sumW2 > 0 ? sumW * sumW / sumW2 : 0 }
}
