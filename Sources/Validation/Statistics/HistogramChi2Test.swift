import Statistics
/// ROOT's binned chi2 homogeneity tests (TH1::Chi2Test / Chi2TestX, N. Gagunashvili's method) on
/// histograms with the same binning, under- and overflow included (ROOT options "UF OF").
///
/// With n_i, w_i the bin contents, s_i² the squared bin errors, N = Σn_i, W = Σw_i and r the number
/// of bins taking part (a bin empty in both histograms is skipped and costs one degree of freedom;
/// ndf = r − 1):
///
/// | mode | meaning                      | statistic                                                                  |
/// |------|------------------------------|----------------------------------------------------------------------------|
/// | UU   | unweighted vs unweighted     | X² = 1/(N₁N₂) Σ (N₂n₁ᵢ − N₁n₂ᵢ)² / (n₁ᵢ + n₂ᵢ)                                |
/// | UW   | unweighted (1) vs weighted (2)| X² = Σ (nᵢ − N p̂ᵢ)²/(N p̂ᵢ) + Σ (wᵢ − W p̂ᵢ)²/sᵢ²,                           |
/// |      |                              | p̂ᵢ = [W wᵢ − N sᵢ² + √((W wᵢ − N sᵢ²)² + 4 W² sᵢ² nᵢ)] / (2W²)               |
/// | WW   | weighted vs weighted         | X² = Σ (W₁w₂ᵢ − W₂w₁ᵢ)² / (W₁² s₂ᵢ² + W₂² s₁ᵢ²)                             |
///
/// p-value = P(χ²_ndf ≥ X²) (TMath::Prob). UW: a bin where the weighted histogram has zero content and
/// zero error uses sᵢ² = Σs²/W (ROOT's substitute); where sᵢ² = 0 the second sum skips that bin.
public enum Chi2Mode: String, Sendable, Codable, CaseIterable {
    case uu = "UU", uw = "UW", ww = "WW"
}

/// Result of one binned chi2 test.
public struct HistogramChi2Result: Sendable, Equatable, Codable {
    public var statistic: Double
    public var ndf: Int
    public var pValue: Double
    public var mode: Chi2Mode
}

public enum HistogramChi2Test {
    /// Compares two histograms (same binning) with ROOT's Chi2TestX formulas, under/overflow included.
    public static func test(_ h1: Histogram1D, _ h2: Histogram1D, mode: Chi2Mode) throws -> HistogramChi2Result {
        guard h1.binning == h2.binning else { throw ValidatorError.invalidBinning("chi2: the two histograms differ in binning") }
        return try test(content1: h1.sumW, errorSq1: h1.sumW2, content2: h2.sumW, errorSq2: h2.sumW2, mode: mode)
    }

    /// The same on raw bin arrays (every array the same length; each bin takes part).
    public static func test(content1 c1: [Double], errorSq1 e1: [Double], content2 c2: [Double], errorSq2 e2: [Double],
                            mode: Chi2Mode) throws -> HistogramChi2Result {
        let nb = c1.count
        for (name, a) in [("errorSq1", e1), ("content2", c2), ("errorSq2", e2)] where a.count != nb {
            throw ValidatorError.lengthMismatch(what: "chi2 \(name)", expected: nb, got: a.count)
        }
        let sum1 = c1.reduce(0, +), sum2 = c2.reduce(0, +)
        guard sum1 != 0 else { throw ValidatorError.emptyHistogram("chi2 \(mode.rawValue): first histogram") }
        guard sum2 != 0 else { throw ValidatorError.emptyHistogram("chi2 \(mode.rawValue): second histogram") }
        var ndf = nb - 1
        var chi2 = 0.0
        switch mode {
        case .uu:
            for i in 0..<nb {
                let n1 = c1[i], n2 = c2[i]
                if n1 == 0 && n2 == 0 { ndf -= 1; continue }
                let delta = sum2 * n1 - sum1 * n2
                chi2 += delta * delta / (n1 + n2)
            }
            chi2 /= sum1 * sum2
        case .uw:
            let sumErr2 = e2.reduce(0, +)
            var n = sum1
            for i in 0..<nb {
                var ni = c1[i]
                let wi = c2[i]
                var s2 = e2[i]
                if ni == 0 && wi == 0 { ndf -= 1; continue }
                if wi == 0 && s2 == 0 {
                    guard sumErr2 > 0 else {
                        throw ValidatorError.degenerateBin(test: "chi2 UW", bin: i, reason: "weighted histogram has zero content and zero error everywhere")
                    }
                    s2 = sumErr2 / sum2
                }
                // p̂ = (b + √(b² + 4W²s²n)) / (2W²), b = W w − N s². When it degenerates to 0/0 (n = 0 and
                // b = 0) ROOT adds one event to the unweighted side until it does not; so do we.
                var b = sum2 * wi - n * s2
                var root = (b * b + 4 * sum2 * sum2 * s2 * ni).squareRoot()
                var guardCount = 0
                while (b * b + ni == 0 || b + root == 0) && guardCount < 1_000_000 {
                    n += 1; ni += 1; guardCount += 1
                    b = sum2 * wi - n * s2
                    root = (b * b + 4 * sum2 * sum2 * s2 * ni).squareRoot()
                }
                let p = (b + root) / (2 * sum2 * sum2)
                let expected1 = p * n, expected2 = p * sum2
                let d1 = ni - expected1, d2 = wi - expected2
                chi2 += d1 * d1 / expected1
                if s2 > 0 { chi2 += d2 * d2 / s2 }
            }
        case .ww:
            for i in 0..<nb {
                let w1 = c1[i], w2 = c2[i], s1 = e1[i], s2 = e2[i]
                if w1 == 0 && w2 == 0 { ndf -= 1; continue }
                guard s1 != 0 || s2 != 0 else {
                    throw ValidatorError.degenerateBin(test: "chi2 WW", bin: i, reason: "both histograms have zero error with non-zero content")
                }
                let delta = sum2 * w1 - sum1 * w2
                chi2 += delta * delta / (sum1 * sum1 * s2 + sum2 * sum2 * s1)
            }
        }
        return HistogramChi2Result(statistic: chi2, ndf: ndf, pValue: SpecialFunctions.chi2Survival(chi2, ndf: ndf), mode: mode)
    }
}
