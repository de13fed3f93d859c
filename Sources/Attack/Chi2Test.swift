import Statistics
/// Binned chi2 homogeneity test of two weighted histograms, in the style of ROOT's TH1::Chi2Test "WW":
///
///   χ² = Σ_b (W₂·h₁ − W₁·h₂)² / (W₂²·s₁² + W₁²·s₂² + W₂²·(f·h₂)²·[syst])
///
/// h = bin content (sum of weights), s² = sum of squared weights, W = total weight of each histogram,
/// f = optional relative systematic on histogram 2 (the nominal). Bins with zero variance in both
/// (empty in both) are skipped and reduce the degrees of freedom, ndf = (used bins) − 1.
/// "UW" is the special case s₁² = h₁ (unweighted first histogram).
public struct Chi2Result: Sendable, Equatable {
    public var chi2: Double
    public var ndf: Int
    public var pValue: Double
}

public enum Chi2Test {
    /// The test of histogram 1 (h1, sumw2_1) against histogram 2 (h2, sumw2_2).
    public static func weighted(_ h1: [Double], _ sumw2_1: [Double], _ h2: [Double], _ sumw2_2: [Double],
                                relativeSystematic f: Double = 0) -> Chi2Result {
        let n = min(h1.count, h2.count, sumw2_1.count, sumw2_2.count)
        let w1 = h1.prefix(n).reduce(0, +), w2 = h2.prefix(n).reduce(0, +)
        var chi2 = 0.0, used = 0
        for b in 0..<n {
            let syst = f * h2[b]
            let variance = w2 * w2 * sumw2_1[b] + w1 * w1 * (sumw2_2[b] + syst * syst)
            if variance <= 0 { continue }
            used += 1
            let delta = w2 * h1[b] - w1 * h2[b]
            chi2 += delta * delta / variance
        }
        let ndf = max(used - 1, 0)
        return Chi2Result(chi2: chi2, ndf: ndf, pValue: SpecialFunctions.chi2Survival(chi2, ndf: ndf))
    }

    /// "UW": histogram 1 unweighted (variance = content), histogram 2 weighted.
    public static func unweightedWeighted(_ h1: [Double], _ h2: [Double], _ sumw2_2: [Double],
                                          relativeSystematic f: Double = 0) -> Chi2Result {
        weighted(h1, h1, h2, sumw2_2, relativeSystematic: f)
    }
}
