/// The share of the global constraints one shard of a sharded attack may spend, so that the merged sample
/// meets the global bounds (docs/scale-out.md has the argument and the measurements).
///
/// A shard attacks only its own events, against its own nominal events, on the global bin grid:
/// - chi2: per bin, the merged statistic is at most the sum of the shards' ((Σaₖ)²/Σbₖ ≤ Σ aₖ²/bₖ, and the
///   merged variance is at least the sum of the shards'); the merged sample has at least as many used bins
///   as any shard. So each shard keeps χ² ≤ critical/N and the merged χ² stays within the critical value.
///   When the shards move alike (the usual case: the same attack on samples of one distribution) the bound is
///   tight, so the split costs nothing.
/// - Kolmogorov-Smirnov: at a common cut, the merged CDF difference is the weight-average of the shards', so
///   each shard tracks its difference at the whole sample's cuts against the whole sample's bound (`kolmogorov`).
/// - JSD: jointly convex, so the merged distance is at most the shards' largest: the bound is unchanged.
/// - Correlations: approximately averaged, not bounded; the merge checks them and repairs (AttackEngine.merge).
public struct ShardBudget: Sendable, Equatable, Codable {
    /// Number of shards N (the chi2 critical values are divided by N).
    public var shards: Int
    /// Per feature: the whole sample's nominal minimum and maximum (the global histogram grid).
    public var lower: [Double]
    public var upper: [Double]
    /// With a KS constraint: the whole sample's cuts per feature, and its bound per (population, feature)
    /// (population-major: inclusive first, then the regions), a hair tighter against rounding in the sums.
    public var ksCuts: [[Double]]?
    public var ksLimits: [Double]?

    enum CodingKeys: String, CodingKey { case shards, lower, upper, ksCuts = "ks_cuts", ksLimits = "ks_limits" }

    public init(shards: Int, lower: [Double], upper: [Double], ksCuts: [[Double]]? = nil, ksLimits: [Double]? = nil) {
        self.shards = shards; self.lower = lower; self.upper = upper; self.ksCuts = ksCuts; self.ksLimits = ksLimits
    }

    /// The budget of each of `shards` shards of `problem` (the whole sample; its event bounds are not used).
    public static func plan(_ problem: AttackProblem, configuration: AttackConfiguration, shards: Int) throws -> ShardBudget {
        let x = problem.features, n = x.rows, d = x.columns
        guard n > 0 else { throw AttackError.shapeMismatch(what: "events", expected: 1, got: 0) }
        var lo = [Double](repeating: .infinity, count: d), hi = lo.map { -$0 }
        for i in 0..<n {
            for j in 0..<d {
                let v = x.values[i * d + j]
                guard v.isFinite else { throw AttackError.nonFiniteValue(what: "features", row: i, column: j) }
                lo[j] = min(lo[j], v); hi[j] = max(hi[j], v)
            }
        }
        var budget = ShardBudget(shards: shards, lower: lo, upper: hi)
        if let t = configuration.ksThreshold, [AttackMode.jsd, .chi2, .envelope].contains(configuration.mode) {
            let weights = problem.weights ?? Array(repeating: 1, count: n)
            let masks = [[Bool](repeating: true, count: n)] + problem.regions.map(\.mask)
            var start = [Int](repeating: 0, count: n + 1), list: [Int] = [], total = [Double](repeating: 0, count: masks.count)
            for i in 0..<n {
                for p in masks.indices where masks[p][i] { list.append(p); total[p] += weights[i] }
                start[i + 1] = list.count
            }
            let ks = KolmogorovBound(nominal: FeatureMatrixView(x), weights: weights, popStart: start, popList: list,
                                     totalWeight: total, threshold: t)
            budget.ksCuts = ks.cuts
            budget.ksLimits = ks.limit.map { $0 - 1e-12 * abs($0) - 1e-15 }
        }
        return budget
    }

    var kolmogorov: (cuts: [[Double]], limits: [Double])? {
        guard let c = ksCuts, let l = ksLimits else { return nil }
        return (c, l)
    }

    func validate(features d: Int, populations: Int) throws {
        guard shards >= 1 else { throw AttackError.invalidParameter(name: "shards", value: "\(shards)", reason: "must be at least 1") }
        if lower.count != d { throw AttackError.shapeMismatch(what: "shard budget lower bounds", expected: d, got: lower.count) }
        if upper.count != d { throw AttackError.shapeMismatch(what: "shard budget upper bounds", expected: d, got: upper.count) }
        for j in 0..<d where !(lower[j].isFinite && upper[j].isFinite && lower[j] <= upper[j]) {
            throw AttackError.invalidParameter(name: "shard budget range of feature \(j)", value: "[\(lower[j]), \(upper[j])]",
                                               reason: "must be finite with lower ≤ upper")
        }
        if (ksCuts == nil) != (ksLimits == nil) {
            throw AttackError.invalidParameter(name: "shard budget KS", value: "cuts or limits only", reason: "needs both")
        }
        if let c = ksCuts, c.count != d { throw AttackError.shapeMismatch(what: "shard budget KS cuts", expected: d, got: c.count) }
        if let l = ksLimits, l.count != populations * d {
            throw AttackError.shapeMismatch(what: "shard budget KS limits", expected: populations * d, got: l.count)
        }
        for c in ksCuts ?? [] where zip(c, c.dropFirst()).contains(where: { !($0 < $1) }) {
            throw AttackError.invalidParameter(name: "shard budget KS cuts", value: "…", reason: "must be increasing")
        }
    }
}
