import Columnar
import Foundation
import Model
@testable import Attack

/// Logistic classifier s = σ(w·x + b) with exact input gradients of the binary cross-entropy.
struct LogisticClassifier: DifferentiableClassifier {
    let w: [Double], b: Double
    var inputCount: Int { w.count }
    var featureNames: [String]? { nil }
    func scores(_ x: FeatureMatrix) -> [Double] {
        (0..<x.rows).map { i in
            var z = b
            for j in 0..<w.count { z += w[j] * x[i, j] }
            return 1 / (1 + exp(-z))
        }
    }
    func lossGradient(_ x: FeatureMatrix, labels: [Double]) -> FeatureMatrix {
        let s = scores(x)
        var g = FeatureMatrix(rows: x.rows, columns: w.count)
        for i in 0..<x.rows { for j in 0..<w.count { g[i, j] = (s[i] - labels[i]) * w[j] } }
        return g
    }
}

/// Radial classifier s = σ(k·(|x|² − r²)): class 1 outside the radius r (a donut-like boundary).
struct RadialClassifier: DifferentiableClassifier {
    let k: Double, r: Double, inputCount: Int
    var featureNames: [String]? { nil }
    func scores(_ x: FeatureMatrix) -> [Double] {
        (0..<x.rows).map { i in
            var q = -r * r
            for j in 0..<inputCount { q += x[i, j] * x[i, j] }
            return 1 / (1 + exp(-k * q))
        }
    }
    func lossGradient(_ x: FeatureMatrix, labels: [Double]) -> FeatureMatrix {
        let s = scores(x)
        var g = FeatureMatrix(rows: x.rows, columns: inputCount)
        for i in 0..<x.rows { for j in 0..<inputCount { g[i, j] = (s[i] - labels[i]) * k * 2 * x[i, j] } }
        return g
    }
}

/// Gaussian-ish correlated synthetic events from a seeded generator.
func syntheticEvents(rows: Int, columns: Int, seed: UInt64) -> FeatureMatrix {
    var rng = SplitMix64(seed: seed)
    var m = FeatureMatrix(rows: rows, columns: columns)
    for i in 0..<rows {
        var prev = 0.0
        for j in 0..<columns {
            // Box–Muller normal, correlated with the previous feature.
            let u1 = max(rng.nextUnit(), 1e-300), u2 = rng.nextUnit()
            let z = (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
            let v = 0.6 * prev + 0.8 * z
            m[i, j] = v + Double(j)
            prev = v
        }
    }
    return m
}

/// Independent, non-incremental metrics: numpy-style histograms on fixed edges, the reference's JSD,
/// np.corrcoef-style correlation, weighted where weights are given.
enum IndependentMetrics {
    static func histogram(_ v: [Double], _ w: [Double]?, lower: Double, upper: Double, bins: Int) -> [Double] {
        var edges = [Double]()
        // numpy.linspace's edges: lower + b·step, step = (upper − lower) / bins.
        let step = (upper - lower) / Double(bins)
        for b in 0...bins { edges.append(b == bins ? upper : lower + Double(b) * step) }
        var h = [Double](repeating: 0, count: bins)
        for (i, x) in v.enumerated() {
            if x < lower || x > upper { continue }
            // searchsorted-style: last edge ≤ x, last bin closed.
            var b = 0
            while b + 1 < bins && x >= edges[b + 1] { b += 1 }
            h[b] += w?[i] ?? 1
        }
        return h
    }

    /// Reference JSD (density, floor 1e-10, normalise, log2, sqrt).
    static func jsd(_ a: [Double], _ b: [Double]) -> Double {
        let eps = 1e-10
        let sa = a.reduce(0, +), sb = b.reduce(0, +)
        let p0 = a.map { max($0 / sa, eps) }, q0 = b.map { max($0 / sb, eps) }
        let sp = p0.reduce(0, +), sq = q0.reduce(0, +)
        var d = 0.0
        for k in 0..<a.count {
            let p = p0[k] / sp, q = q0[k] / sq, m = max(0.5 * (p + q), eps)
            d += p * log2(p / m) + q * log2(q / m)
        }
        return max(0.5 * d, 0).squareRoot()
    }

    static func correlation(_ x: FeatureMatrix, _ w: [Double]?) -> [Double] {
        let n = x.rows, d = x.columns
        var sw = 0.0, mean = [Double](repeating: 0, count: d)
        for i in 0..<n { let wi = w?[i] ?? 1; sw += wi; for j in 0..<d { mean[j] += wi * x[i, j] } }
        for j in 0..<d { mean[j] /= sw }
        var c = [Double](repeating: 0, count: d * d)
        for i in 0..<n {
            let wi = w?[i] ?? 1
            for j in 0..<d { for k in 0..<d { c[j * d + k] += wi * (x[i, j] - mean[j]) * (x[i, k] - mean[k]) } }
        }
        var r = c
        for j in 0..<d { for k in 0..<d { r[j * d + k] = c[j * d + k] / (c[j * d + j] * c[k * d + k]).squareRoot() } }
        return r
    }

    static func relativeCorrelationChange(_ clean: FeatureMatrix, _ adv: FeatureMatrix, _ w: [Double]? = nil) -> Double {
        let a = correlation(clean, w), b = correlation(adv, w)
        var num = 0.0, den = 0.0
        for k in 0..<a.count { num += (b[k] - a[k]) * (b[k] - a[k]); den += a[k] * a[k] }
        return num.squareRoot() / (den.squareRoot() + 1e-10)
    }

    static func maxJSD(_ clean: FeatureMatrix, _ adv: FeatureMatrix, bins: Int, _ w: [Double]? = nil) -> [Double] {
        (0..<clean.columns).map { j in
            let c = clean.column(j), a = adv.column(j)
            let lo = c.min()!, hi = c.max()!
            return jsd(histogram(c, w, lower: lo, upper: hi, bins: bins), histogram(a, w, lower: lo, upper: hi, bins: bins))
        }
    }
}

/// The donut data: the reference's 1,000 correctly classified background events and its JSON model.
enum Donut {
    static let referenceDir = ProcessInfo.processInfo.environment["CONSERVATTACK_SHARED"].map { $0 + "/reference" }
        ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../../shared/reference").standardized.path

    static func load() throws -> (FeatureMatrix, FeedForwardNetwork)? {
        let csv = referenceDir + "/donut_attack_input_N1000.csv", model = referenceDir + "/donut_model.json"
        guard FileManager.default.fileExists(atPath: csv), FileManager.default.fileExists(atPath: model) else { return nil }
        let text = try String(contentsOfFile: csv, encoding: .utf8)
        var values = [Double]()
        for line in text.split(separator: "\n").dropFirst() {
            let f = line.split(separator: ",")
            guard f.count >= 4, let a = Double(f[2]), let b = Double(f[3]) else { continue }
            values.append(a); values.append(b)
        }
        var net = try NetworkJSON.decode(Data(contentsOf: URL(fileURLWithPath: model)))
        net.threadCount = 1
        return (FeatureMatrix(rows: values.count / 2, columns: 2, values: values, names: ["x1", "x2"]), net)
    }

    /// The reference's RunAttack.py parameters.
    static var referenceConfiguration: AttackConfiguration {
        var c = AttackConfiguration()
        c.bins = 70; c.iterations = 10; c.alpha = 6; c.beta = 1; c.minChange = 0.001; c.step = 0.001
        c.candidates = 150; c.randomizeStep = 0.5; c.useNoChange = true; c.maxStepJSD = 0.005; c.maxStepFrob = 0.05
        c.constraintJSD = 0.06; c.constraintRelCorr = 0.006
        return c
    }
}

extension IndependentMetrics {
    /// Columns taking one single value (exact comparison): their correlations are undefined (numpy: NaN).
    static func constantColumns(_ x: FeatureMatrix) -> [Int] {
        (0..<x.columns).filter { j in
            let c = x.column(j)
            return c.allSatisfy { $0 == c.first }
        }
    }

    /// ‖corr(adv) − corr(clean)‖_F / ‖corr(clean)‖_F over the defined entries only: rows and columns of features
    /// constant in `clean` are excluded from both norms. Such a feature that is no longer constant in `adv`
    /// gives +∞ (the semantics of docs/attack.md: a constant feature in a population must stay constant).
    static func relativeCorrelationChangeDefined(_ clean: FeatureMatrix, _ adv: FeatureMatrix, _ w: [Double]? = nil) -> Double {
        let undefined = Set(constantColumns(clean))
        for j in undefined where adv.column(j).contains(where: { $0 != clean[0, j] }) { return .infinity }
        let keep = (0..<clean.columns).filter { !undefined.contains($0) }
        if keep.isEmpty { return 0 }
        func sub(_ m: FeatureMatrix) -> FeatureMatrix {
            var v = [Double](); v.reserveCapacity(m.rows * keep.count)
            for i in 0..<m.rows { for j in keep { v.append(m[i, j]) } }
            return FeatureMatrix(rows: m.rows, columns: keep.count, values: v)
        }
        let a = correlation(sub(clean), w), b = correlation(sub(adv), w)
        var num = 0.0, den = 0.0
        for k in a.indices { num += (b[k] - a[k]) * (b[k] - a[k]); den += a[k] * a[k] }
        return den > 0 ? num.squareRoot() / den.squareRoot() : 0
    }

    /// Weighted histograms (contents, sums of squared weights) on fixed edges.
    static func weightedHistogram(_ v: [Double], _ w: [Double], lower: Double, upper: Double, bins: Int) -> ([Double], [Double]) {
        (histogram(v, w, lower: lower, upper: upper, bins: bins), histogram(v, w.map { $0 * $0 }, lower: lower, upper: upper, bins: bins))
    }
}
