import Foundation
import Statistics

/// The Kolmogorov-Smirnov constraint: per (population, feature), the weighted empirical CDF of the perturbed
/// events must stay within D_max of the nominal one, D_max being the largest distance at which the two-sample
/// KS test still gives p ≥ `threshold`.
///
/// The binned chi2 and JSD constraints see only bin contents: an attack free to move events inside their
/// bins shifts the within-bin shape, which the unbinned KS test (run by every standard validation) sees at
/// once. This type tracks the CDF difference on a fine grid of `cells` cells per feature, cut at quantiles
/// of the inclusive nominal sample (so each holds about 1/cells of it):
///
///   diff_pj(e) = (P_pj(e) − N_pj(e)) / W_p,  P, N = perturbed and nominal weight below cut e,
///
/// kept in a segment tree per (p, j) with range-add and range max/min (a move from cell a to cell b adds
/// ∓w/W_p to the cuts between them: O(log cells) per test). Between two cuts the CDF difference can exceed
/// its value at the cuts by at most the weight inside the cell, so the bound applied at the cuts is
/// D_max − 2·(largest nominal cell weight)/W_p. D_max is where the validation's KS test (Statistics: the exact
/// Kolmogorov law at round(n₁n₂/(n₁+n₂)) of the Kish sizes, here n₁ = n₂) reaches p = threshold.
/// A move is admitted when the largest |diff| stays within the bound, or does not grow.
final class KolmogorovBound {
    let n: Int, d: Int, populationCount: Int
    /// Interior cuts per feature (sorted, distinct).
    let cuts: [[Double]]
    let weights: [Double]
    let popStart: [Int], popList: [Int]
    let totalWeight: [Double]
    /// Bound on the largest |diff| at the cuts, per (population, feature).
    let limit: [Double]
    /// Nominal weight below each cut, per (population, feature): nominalBelow[p·d + j][e].
    private var nominalBelow: [[Double]]
    private var trees: [SegmentTree]
    /// Current cell of each (event, feature).
    private var cellOf: [Int32]

    init(nominal: FeatureMatrixView, weights: [Double], popStart: [Int], popList: [Int], totalWeight: [Double],
         threshold: Double, cells: Int = 1024, shared: (cuts: [[Double]], limits: [Double])? = nil) {
        n = nominal.rows; d = nominal.columns; populationCount = totalWeight.count
        self.weights = weights; self.popStart = popStart; self.popList = popList; self.totalWeight = totalWeight
        // shared: the whole sample's cuts and bounds, when this is one shard of it (ShardBudget).
        var cuts: [[Double]] = shared?.cuts ?? []
        for j in 0..<d where shared == nil {
            let sorted = (0..<n).map { nominal[$0, j] }.sorted()
            var c: [Double] = []
            for k in 1..<max(cells, 2) {
                let v = sorted[min(n - 1, k * n / cells)]
                if v > sorted[0] && v != c.last { c.append(v) }
            }
            cuts.append(c)
        }
        self.cuts = cuts
        cellOf = .init(repeating: 0, count: n * d)
        for i in 0..<n { for j in 0..<d { cellOf[i * d + j] = Int32(upperBound(cuts[j], nominal[i, j])) } }
        // Nominal weights per cell, Kish effective sizes, largest cell weight.
        let dd = d, pd = totalWeight.count * d
        var cellWeight = (0..<pd).map { [Double](repeating: 0, count: cuts[$0 % dd].count + 1) }
        var sw2 = [Double](repeating: 0, count: populationCount)
        for i in 0..<n {
            for q in popStart[i]..<popStart[i + 1] {
                let p = popList[q]; sw2[p] += weights[i] * weights[i]
                for j in 0..<dd { cellWeight[p * dd + j][upperBound(cuts[j], nominal[i, j])] += weights[i] }
            }
        }
        var below: [[Double]] = [], lim: [Double] = []
        for k in 0..<pd {
            let p = k / dd, W = totalWeight[p]
            var acc = 0.0, b: [Double] = []
            for e in 0..<cuts[k % dd].count { acc += cellWeight[k][e]; b.append(acc) }
            below.append(b)
            let ne = sw2[p] > 0 ? W * W / sw2[p] : 0
            let dmax = ne > 0 ? KolmogorovBound.criticalDistance(threshold, effectiveSize: ne) : 0
            let largestCell = cellWeight[k].map(abs).max() ?? 0
            lim.append(W != 0 ? dmax - 2 * largestCell / abs(W) : 0)
        }
        nominalBelow = below; limit = shared?.limits ?? lim
        trees = (0..<pd).map { SegmentTree(count: cuts[$0 % dd].count) }
    }

    /// Recomputes every CDF difference from `values` (row-major, as the engine holds them).
    func rebuild(_ values: [Double]) {
        let pd = populationCount * d
        var perCell = (0..<pd).map { [Double](repeating: 0, count: cuts[$0 % d].count + 1) }
        for i in 0..<n {
            for j in 0..<d { cellOf[i * d + j] = Int32(upperBound(cuts[j], values[i * d + j])) }
            for q in popStart[i]..<popStart[i + 1] {
                let p = popList[q]
                for j in 0..<d { perCell[p * d + j][Int(cellOf[i * d + j])] += weights[i] }
            }
        }
        for k in 0..<pd {
            let W = totalWeight[k / d]
            var acc = 0.0
            var diff = [Double](repeating: 0, count: cuts[k % d].count)
            for e in diff.indices { acc += perCell[k][e]; diff[e] = W != 0 ? (acc - nominalBelow[k][e]) / W : 0 }
            trees[k].build(diff)
        }
    }

    /// Whether moving event i's feature j from `old` to `new` keeps every population's bound (or does not
    /// increase a distance already beyond it).
    func admits(event i: Int, feature j: Int, new: Double) -> Bool {
        let a = Int(cellOf[i * d + j]), b = upperBound(cuts[j], new)
        if a == b { return true }
        let lo = min(a, b), hi = max(a, b)
        for q in popStart[i]..<popStart[i + 1] {
            let p = popList[q], k = p * d + j, W = totalWeight[p]
            guard W != 0 else { continue }
            let delta = (a < b ? -weights[i] : weights[i]) / W
            let t = trees[k]
            let outside = t.extremes(0, lo), outside2 = t.extremes(hi, t.count), inside = t.extremes(lo, hi)
            let now = max(outside.max, outside2.max, inside.max, -outside.min, -outside2.min, -inside.min)
            let after = max(outside.max, outside2.max, inside.max + delta, -outside.min, -outside2.min, -(inside.min + delta))
            if after > limit[k] && after > now { return false }
        }
        return true
    }

    /// Records the move of event i's feature j to `new`.
    func apply(event i: Int, feature j: Int, new: Double) {
        let a = Int(cellOf[i * d + j]), b = upperBound(cuts[j], new)
        cellOf[i * d + j] = Int32(b)
        if a == b { return }
        for q in popStart[i]..<popStart[i + 1] {
            let p = popList[q], W = totalWeight[p]
            guard W != 0 else { continue }
            trees[p * d + j].add(min(a, b), max(a, b), (a < b ? -weights[i] : weights[i]) / W)
        }
    }

    /// Largest |CDF difference| at the cuts of feature j in population p (a lower bound of the KS distance).
    func distance(_ p: Int, _ j: Int) -> Double {
        let t = trees[p * d + j], e = t.extremes(0, t.count)
        return max(e.max, -e.min, 0)
    }

    /// Whether every (population, feature) distance is within its bound.
    var allWithinLimits: Bool {
        (0..<(populationCount * d)).allSatisfy { distance($0 / d, $0 % d) <= max(limit[$0], 0) }
    }

    /// The KS distance at which the validation's two-sample test gives p = `threshold` for a population of Kish
    /// effective size `ne` compared with itself perturbed (same weights: CheckThresholds.ksEffectiveSize(ne, ne),
    /// the exact Kolmogorov law of Statistics, as `validate` evaluates it).
    static func criticalDistance(_ threshold: Double, effectiveSize ne: Double) -> Double {
        CheckThresholds.ksCriticalDistance(alpha: threshold, effectiveSize: CheckThresholds.ksEffectiveSize(ne, ne))
    }
}

/// Range add and range max/min over `count` values: a segment tree with lazy adds.
struct SegmentTree {
    let count: Int
    private var size = 1
    private var mx: [Double], mn: [Double], lazy: [Double]

    init(count: Int) {
        self.count = count
        while size < max(count, 1) { size *= 2 }
        mx = .init(repeating: 0, count: 2 * size); mn = mx; lazy = mx
        if count < size { for k in count..<size { mx[size + k] = -.infinity; mn[size + k] = .infinity } }
        for k in stride(from: size - 1, through: 1, by: -1) { pull(k) }
    }

    mutating func build(_ values: [Double]) {
        for k in 0..<size {
            mx[size + k] = k < values.count ? values[k] : -.infinity
            mn[size + k] = k < values.count ? values[k] : .infinity
        }
        for k in 1..<(2 * size) { lazy[k] = 0 }
        for k in stride(from: size - 1, through: 1, by: -1) { pull(k) }
    }

    private mutating func pull(_ k: Int) {
        mx[k] = max(mx[2 * k], mx[2 * k + 1]) + lazy[k]
        mn[k] = min(mn[2 * k], mn[2 * k + 1]) + lazy[k]
    }

    /// Adds v to positions lo..<hi.
    mutating func add(_ lo: Int, _ hi: Int, _ v: Double) { add(lo, hi, v, node: 1, l: 0, r: size) }

    private mutating func add(_ lo: Int, _ hi: Int, _ v: Double, node: Int, l: Int, r: Int) {
        if hi <= l || r <= lo { return }
        if lo <= l && r <= hi { mx[node] += v; mn[node] += v; lazy[node] += v; return }
        let m = (l + r) / 2
        add(lo, hi, v, node: 2 * node, l: l, r: m)
        add(lo, hi, v, node: 2 * node + 1, l: m, r: r)
        pull(node)
    }

    /// Max and min over positions lo..<hi (−∞/+∞ for an empty range).
    func extremes(_ lo: Int, _ hi: Int) -> (max: Double, min: Double) {
        lo < hi ? extremes(lo, hi, node: 1, l: 0, r: size) : (-.infinity, .infinity)
    }

    private func extremes(_ lo: Int, _ hi: Int, node: Int, l: Int, r: Int) -> (max: Double, min: Double) {
        if hi <= l || r <= lo { return (-.infinity, .infinity) }
        if lo <= l && r <= hi { return (mx[node], mn[node]) }
        let m = (l + r) / 2
        let a = extremes(lo, hi, node: 2 * node, l: l, r: m), b = extremes(lo, hi, node: 2 * node + 1, l: m, r: r)
        return (max(a.max, b.max) + lazy[node], min(a.min, b.min) + lazy[node])
    }
}
