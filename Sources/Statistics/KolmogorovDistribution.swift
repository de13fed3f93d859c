import Foundation

/// The distribution of the two-sided Kolmogorov-Smirnov statistic D_n.
///
/// `survival(n:d:)` is P(D_n ≥ d) for a sample of size n, computed the way Simard & L'Ecuyer (2011,
/// J. Stat. Softw. 39(11)) recommend, which is also what scipy.stats.kstwo.sf does:
///
/// | region (t = n·d, s = n·d²)          | method                                                    |
/// |--------------------------------------|-----------------------------------------------------------|
/// | t ≤ 1 or t ≥ n − 1                   | Ruben-Gambino closed forms                                |
/// | d ≥ 0.5                              | 2 × exact one-sided Smirnov tail (Birnbaum-Tingey sum)    |
/// | n ≤ 140, s ≤ 4                       | Durbin matrix (Marsaglia-Tsang-Wang), exact               |
/// | n ≤ 140, s > 4                       | 2 × Smirnov tail                                          |
/// | n > 140, s ≥ 370                     | 0                                                         |
/// | n > 140, s ≥ 2.2                     | 2 × Smirnov tail                                          |
/// | n > 140, s ≥ 18 (cdf side)           | 1 − 1                                                     |
/// | n ≤ 1e5 and n·d^1.5 ≤ 1.4            | 1 − Durbin matrix CDF                                     |
/// | otherwise                            | 1 − Pelz-Good asymptotic expansion                        |
///
/// `asymptoticSurvival(_:)` is Kolmogorov's limiting distribution P(K ≥ z) (scipy.stats.kstwobign.sf).
public enum KolmogorovDistribution {
    /// P(D_n ≥ d), the two-sided one-sample KS tail for sample size n (scipy.stats.kstwo.sf(d, n)).
    public static func survival(n: Int, d: Double) -> Double {
        guard n > 0, !d.isNaN else { return .nan }
        if d >= 1 { return 0 }
        if d <= 0 { return 1 }
        let nd = Double(n), t = nd * d
        if t <= 1 {
            if t <= 0.5 { return 1 }
            return clip(1 - exp(logFactorialOverPower(n) + nd * log(2 * t - 1)))
        }
        if t >= nd - 1 { return clip(2 * pow(1 - d, nd)) }
        if d >= 0.5 { return clip(2 * smirnovSurvival(n: n, d: d)) }
        let s = t * d
        if n <= 140 {
            if s <= 4 { return clip(1 - durbinCDF(n: n, d: d)) }
            return clip(2 * smirnovSurvival(n: n, d: d))
        }
        if s >= 370 { return 0 }
        if s >= 2.2 { return clip(2 * smirnovSurvival(n: n, d: d)) }
        let cdf: Double
        if s >= 18 { cdf = 1 }
        else if n <= 100_000 && nd * pow(d, 1.5) <= 1.4 { cdf = durbinCDF(n: n, d: d) }
        else { cdf = pelzGoodCDF(n: n, d: d) }
        return clip(1 - cdf)
    }

    /// Kolmogorov's limiting distribution P(K ≥ z) = 2 Σ_{k≥1} (−1)^{k−1} e^{−2k²z²}
    /// (for small z evaluated as 1 − √(2π)/z Σ_k e^{−(2k−1)²π²/(8z²)}).
    public static func asymptoticSurvival(_ z: Double) -> Double {
        guard !z.isNaN else { return .nan }
        if z <= 0 { return 1 }
        if z < 1 {
            var sum = 0.0
            for k in 1...20 {
                let m = Double(2 * k - 1)
                let term = exp(-m * m * Double.pi * Double.pi / (8 * z * z))
                sum += term
                if term < 1e-18 * sum { break }
            }
            return clip(1 - (2 * Double.pi).squareRoot() / z * sum)
        }
        var sum = 0.0, sign = 1.0
        for k in 1...100 {
            let kk = Double(k)
            let term = exp(-2 * kk * kk * z * z)
            sum += sign * term
            if term < 1e-18 { break }
            sign = -sign
        }
        return clip(2 * sum)
    }

    /// Exact one-sided tail P(D⁺_n ≥ d) = d Σ_{j=0}^{⌊n(1−d)⌋} C(n, j) (d + j/n)^{j−1} (1 − d − j/n)^{n−j}
    /// (Birnbaum & Tingey 1951), summed in log space (scipy.special.smirnov).
    public static func smirnovSurvival(n: Int, d: Double) -> Double {
        guard n > 0, !d.isNaN else { return .nan }
        if d <= 0 { return 1 }
        if d >= 1 { return 0 }
        let nd = Double(n)
        let jmax = min(n, Int((nd * (1 - d)).rounded(.down)))
        let logNFact = SpecialFunctions.logGamma(nd + 1)
        var sum = 0.0
        for j in 0...max(0, jmax) {
            let jd = Double(j)
            let p = d + jd / nd, q = 1 - p
            var logTerm = logNFact - SpecialFunctions.logGamma(jd + 1) - SpecialFunctions.logGamma(nd - jd + 1)
            logTerm += (jd - 1) * log(p)
            if n - j > 0 {
                guard q > 0 else { continue }
                logTerm += (nd - jd) * log(q)
            }
            sum += exp(logTerm)
        }
        return clip(d * sum)
    }

    // MARK: - Methods

    /// log(n! / nⁿ).
    private static func logFactorialOverPower(_ n: Int) -> Double {
        SpecialFunctions.logGamma(Double(n) + 1) - Double(n) * log(Double(n))
    }

    /// P(D_n < d) by Durbin's matrix method: write n·d = k − h (k integer, 0 ≤ h < 1); with the (2k−1)²
    /// matrix H of Marsaglia, Tsang & Wang (2003), the CDF is n!/nⁿ · (Hⁿ)_{kk}. Powers are taken by
    /// repeated squaring with binary rescaling to stay inside Double's range.
    static func durbinCDF(n: Int, d: Double) -> Double {
        if d >= 1 { return 1 }
        let nd = Double(n) * d
        if nd <= 0.5 { return 0 }
        let k = Int(nd.rounded(.up)), h = Double(k) - nd, m = 2 * k - 1
        // v: first column; w[j] = 1/j!
        var v = [Double](repeating: 0, count: m), w = [Double](repeating: 0, count: m)
        var fact = 1.0
        for j in 1...m {
            w[j - 1] = fact
            fact /= Double(j)
            v[j - 1] = (1 - pow(h, Double(j))) * fact
        }
        v[m - 1] = (1 + pow(max(2 * h - 1, 0), Double(m)) - 2 * pow(h, Double(m))) * fact
        var H = [Double](repeating: 0, count: m * m)
        for i in 1..<max(m, 1) {               // sub-diagonal bands: H[r][i] = w[r − i + 1] for r ≥ i − 1
            for r in (i - 1)..<m { H[r * m + i] = w[r - i + 1] }
        }
        for r in 0..<m { H[r * m] = v[r] }
        for c in 0..<m { H[(m - 1) * m + c] = v[m - 1 - c] }

        var result = [Double](repeating: 0, count: m * m)
        for i in 0..<m { result[i * m + i] = 1 }
        var exponent = 0, hExponent = 0, remaining = n
        let big = 0x1p128, small = 0x1p-128
        // Both the running product and the squared matrix are rescaled on their largest entry (at large n the
        // product of the squares overflows long before any one square does).
        func rescale(_ a: inout [Double], _ e: inout Int) {
            while (a.lazy.map(abs).max() ?? 0) > big {
                for i in a.indices { a[i] *= small }
                e += 128
            }
        }
        while remaining > 0 {
            if remaining & 1 == 1 {
                result = multiply(result, H, m)
                exponent += hExponent
                rescale(&result, &exponent)
            }
            H = multiply(H, H, m)
            hExponent *= 2
            rescale(&H, &hExponent)
            remaining >>= 1
        }
        var p = result[(k - 1) * m + (k - 1)]
        let nn = Double(n)
        for i in 1...n {
            p = Double(i) * p / nn
            if abs(p) < small { p *= big; exponent -= 128 }
        }
        return scalbn(p, exponent)
    }

    private static func multiply(_ a: [Double], _ b: [Double], _ m: Int) -> [Double] {
        var c = [Double](repeating: 0, count: m * m)
        for i in 0..<m {
            for l in 0..<m {
                let ail = a[i * m + l]
                if ail == 0 { continue }
                for j in 0..<m { c[i * m + j] += ail * b[l * m + j] }
            }
        }
        return c
    }

    /// Pelz & Good (1976) expansion P(D_n ≤ d) ≈ K0(z) + K1(z)/√n + K2(z)/n + K3(z)/n^{3/2}, z = d√n,
    /// each term written as a theta series in q = e^{−π²/(8z²)} that converges fast for small z.
    static func pelzGoodCDF(n: Int, d: Double) -> Double {
        if d <= 0 { return 0 }
        if d >= 1 { return 1 }
        let pi2 = Double.pi * Double.pi, pi4 = pi2 * pi2, pi6 = pi4 * pi2
        let z = Double(n).squareRoot() * d
        let z2 = z * z, z3 = z2 * z, z4 = z2 * z2, z6 = z4 * z2, z8 = z4 * z4
        let logQ = -pi2 / (8 * z2)
        if logQ < -708 { return 0 }
        let q = exp(logQ)
        let k1a = -z2, k1b = pi2 / 4
        let k2a = 6 * z6 + 2 * z4, k2b = (2 * z4 - 5 * z2) * pi2 / 4, k2c = pi4 * (1 - 2 * z2) / 16
        let k3a = -30 * z6 - 90 * z8, k3b = pi2 * (135 * z4 - 96 * z6) / 4
        let k3c = pi4 * (212 * z4 - 60 * z2) / 16, k3d = pi6 * (5 - 30 * z2) / 64
        let kMax = Int((16 * z / Double.pi).rounded(.up))
        var s = [0.0, 0.0, 0.0, 0.0]
        // Σ_k c_k q^{(2k−1)²} = q Σ_k c_k q^{4k(k−1)} evaluated from the top (Horner in q^{8k}).
        for k in stride(from: kMax, through: 1, by: -1) {
            let m = Double(2 * k - 1), m2 = m * m, m4 = m2 * m2, m6 = m4 * m2
            let factor = pow(q, 8 * Double(k))
            let c = [1.0, k1a + k1b * m2, k2a + k2b * m2 + k2c * m4, k3a + k3b * m2 + k3c * m4 + k3d * m6]
            for i in 0..<4 { s[i] = s[i] * factor + c[i] }
        }
        let root2pi = (2 * Double.pi).squareRoot()
        let denominators = [z, 6 * z4, 72 * z3 * z4, 6480 * z4 * z6]
        for i in 0..<4 { s[i] = s[i] * q * root2pi / denominators[i] }
        // Extra all-integer sums in K2 and K3 with r = e^{−π²/(2z²)}.
        let r = exp(-pi2 / (2 * z2))
        var extra2 = 0.0, extra3 = 0.0
        let root3z = 3.0.squareRoot() * z
        for k in stride(from: kMax, through: 1, by: -1) {
            let kd = Double(k), k2 = kd * kd
            let rk = pow(r, k2)
            extra2 += k2 * rk
            extra3 += (root3z + Double.pi * kd) * (root3z - Double.pi * kd) * k2 * rk
        }
        s[2] += extra2 * pi2 * root2pi / (-36 * z3)
        s[3] += extra3 * pi2 * root2pi / (216 * z6)
        let nd = Double(n)
        return s[0] + s[1] / nd.squareRoot() + s[2] / nd + s[3] / (nd * nd.squareRoot())
    }

    private static func clip(_ p: Double) -> Double { p.isNaN ? p : min(1, max(0, p)) }
}
