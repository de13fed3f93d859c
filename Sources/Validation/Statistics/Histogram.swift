/// Bin edges of a one-dimensional histogram: `edges.count − 1` regular bins plus an underflow and an
/// overflow bin. A value v falls in bin i (1-based, as ROOT counts) when edges[i−1] ≤ v < edges[i];
/// v < edges[0] is underflow (index 0), v ≥ edges.last is overflow (index edges.count). NaN goes nowhere.
public struct Binning: Sendable, Equatable, Codable {
    public let edges: [Double]

    /// Explicit, strictly increasing edges (at least two).
    public init(edges: [Double]) throws {
        guard edges.count >= 2 else { throw ValidatorError.invalidBinning("need at least two edges, got \(edges.count)") }
        for i in 1..<edges.count where !(edges[i] > edges[i - 1]) {
            throw ValidatorError.invalidBinning("edges not strictly increasing at \(i): \(edges[i - 1]) then \(edges[i])")
        }
        self.edges = edges
    }

    /// `bins` equal-width bins on [lower, upper]; a degenerate range (lower == upper) is widened by ±0.5.
    public init(bins: Int, lower: Double, upper: Double) throws {
        guard bins >= 1 else { throw ValidatorError.invalidBinning("bins must be ≥ 1, got \(bins)") }
        guard lower.isFinite, upper.isFinite, upper >= lower else {
            throw ValidatorError.invalidBinning("range [\(lower), \(upper)] is not a finite interval")
        }
        var lo = lower, hi = upper
        if hi == lo { lo -= 0.5; hi += 0.5 }
        let width = (hi - lo) / Double(bins)
        var e = (0...bins).map { lo + Double($0) * width }
        e[bins] = hi
        try self.init(edges: e)
    }

    /// Equal-width bins on the finite [min, max] of `values`. The maximum itself lands in the last
    /// regular bin (the upper edge is nudged up by one ulp-scale step), as one expects of a range taken from data.
    public static func fitted(to values: [Double], bins: Int) throws -> Binning {
        var lo = Double.infinity, hi = -Double.infinity
        for v in values where v.isFinite { lo = min(lo, v); hi = max(hi, v) }
        guard lo.isFinite else { return try Binning(bins: bins, lower: 0, upper: 1) }
        if hi > lo { hi = hi + (hi - lo) * 1e-9 }
        return try Binning(bins: bins, lower: lo, upper: hi)
    }

    /// Number of regular bins.
    public var binCount: Int { edges.count - 1 }

    /// Index in 0...binCount+1 (0 underflow, binCount+1 overflow), nil for NaN.
    public func index(of value: Double) -> Int? {
        if value.isNaN { return nil }
        if value < edges[0] { return 0 }
        if value >= edges[edges.count - 1] { return edges.count }
        var lo = 0, hi = edges.count - 1          // edges[lo] ≤ v < edges[hi]
        while hi - lo > 1 {
            let mid = (lo + hi) / 2
            if value >= edges[mid] { lo = mid } else { hi = mid }
        }
        return lo + 1
    }
}

/// A weighted 1D histogram with under- and overflow: `sumW[i]` and `sumW2[i]` for i in 0...binCount+1.
public struct Histogram1D: Sendable, Equatable, Codable {
    public let binning: Binning
    /// Σw per bin, index 0 underflow, last index overflow.
    public var sumW: [Double]
    /// Σw² per bin (the squared uncertainty).
    public var sumW2: [Double]
    /// Number of fills per bin (unweighted entries).
    public var entries: [Double]

    public init(binning: Binning) {
        self.binning = binning
        let n = binning.binCount + 2
        sumW = Array(repeating: 0, count: n)
        sumW2 = Array(repeating: 0, count: n)
        entries = Array(repeating: 0, count: n)
    }

    /// A histogram of `values` with optional per-value `weights` (same count; nil means weight 1).
    public init(binning: Binning, values: [Double], weights: [Double]? = nil) throws {
        self.init(binning: binning)
        if let w = weights, w.count != values.count {
            throw ValidatorError.lengthMismatch(what: "weights", expected: values.count, got: w.count)
        }
        for (i, v) in values.enumerated() { fill(v, weight: weights?[i] ?? 1) }
    }

    public mutating func fill(_ value: Double, weight: Double = 1) {
        guard let i = binning.index(of: value) else { return }
        sumW[i] += weight
        sumW2[i] += weight * weight
        entries[i] += 1
    }

    /// Total Σw including under/overflow.
    public var total: Double { sumW.reduce(0, +) }
    /// √Σw² per bin.
    public var errors: [Double] { sumW2.map { $0.squareRoot() } }
    public var underflow: Double { sumW[0] }
    public var overflow: Double { sumW[sumW.count - 1] }
}
