import Columnar

/// Per-event intervals of one variable that keep every event in exactly the regions it is in nominally.
///
/// Used by the attack: it constrains each control region's histograms on the events the region holds nominally, and
/// the validation re-selects the regions on the perturbed events. When a region's cut reads a perturbed
/// feature (`btag1 < 0.6` with btag1 attacked), an event moved across the cut would leave (or enter) the
/// region, and the region the validation sees would no longer be the one the attack kept within bounds.
/// So, for every such feature, each event gets the interval around its nominal value in which its
/// membership of all control regions stays the same, the other features held at their nominal values:
///
/// 1. the region masks are evaluated with the feature set to each of the probe points (the attack passes
///    the edges of its bin grid); the nearest probe above (below) the event's value where its membership
///    differs brackets the boundary; with none, the interval reaches the smallest (largest) probe;
/// 2. the boundary is found by bisection inside that bracket (`bisectionSteps` halvings, vectorised
///    over all events at once);
/// 3. for a float32 feature, each bound is rounded inward to a float32 value, so that the written
///    (rounded) value keeps the membership too.
///
/// Membership is only probed at those points: a cut whose value flips and flips back between two
/// probes (a window narrower than their spacing) is not seen. Threshold cuts (`x < c`, `abs(x) < c`, their
/// combinations) are exact up to the bisection's resolution.
public struct RegionMembershipBounds: Sendable {
    public var regions: RegionSet
    public var bisectionSteps: Int

    public init(regions: RegionSet, bisectionSteps: Int = 40) {
        self.regions = regions; self.bisectionSteps = bisectionSteps
    }

    /// Whether any region's cut reads `variable`.
    public func reads(_ variable: String) -> Bool { regions.freeVariables.contains(variable) }

    /// For each event, the interval [lower, upper] of `variable` (the others held) in which its membership
    /// of every region stays the nominal one. `probes`: increasing points spanning the values allowed at all.
    public func intervals(of variable: String, in table: EventTable, probes: [Double]) throws -> (lower: [Double], upper: [Double]) {
        var base = EventTable(rowCount: table.rowCount)
        for name in regions.freeVariables.union([variable]).sorted() { try base.add(name, try table.column(name)) }
        return try intervals(of: variable, base: base, nominalKeys: try membership(base), probes: probes)
    }

    /// Region membership of every event as bit words (`words` per event, bit r = region r).
    private var words: Int { (regions.regions.count + 63) / 64 }

    private func membership(_ table: EventTable) throws -> [UInt64] {
        let w = words
        var keys = [UInt64](repeating: 0, count: table.rowCount * w)
        for (r, region) in regions.regions.enumerated() {
            let mask = try region.cut.evaluateMask(on: table)
            let bit = UInt64(1) << UInt64(r % 64), word = r / 64
            for i in 0..<mask.count where mask[i] { keys[i * w + word] |= bit }
        }
        return keys
    }

    private func same(_ a: [UInt64], _ b: [UInt64], _ i: Int) -> Bool {
        let w = words
        for k in i * w ..< (i + 1) * w where a[k] != b[k] { return false }
        return true
    }

    private func intervals(of feature: String, base: EventTable, nominalKeys: [UInt64],
                           probes edges: [Double]) throws -> (lower: [Double], upper: [Double]) {
        let original = try base.column(feature)
        let x = try base.doubles(feature)
        let n = x.count
        guard let lo = edges.first, let hi = edges.last else { return (x, x) }
        func keys(_ values: [Double]) throws -> [UInt64] {
            var t = base
            try t.add(feature, Column(NumericArray.from(doubles: values, as: .float64), layout: original.layout))
            return try membership(t)
        }
        // 1. Bracket the boundary nearest to each event on either side with the probes.
        var badAbove = [Int](repeating: -1, count: n), badBelow = [Int](repeating: -1, count: n)
        for (k, e) in edges.enumerated() {
            let key = try keys(Array(repeating: e, count: n))
            for i in 0..<n where !same(key, nominalKeys, i) {
                if e > x[i] && badAbove[i] < 0 { badAbove[i] = k }
                if e < x[i] { badBelow[i] = k }
            }
        }
        // 2. Bisect inside the brackets: `good` keeps the membership, `bad` does not.
        func bisect(bad badEdge: [Int], up: Bool) throws -> [Double] {
            var good = x, bad = x
            let active = (0..<n).filter { badEdge[$0] >= 0 }
            for i in 0..<n {
                let k = badEdge[i]
                if k < 0 { good[i] = up ? max(hi, x[i]) : min(lo, x[i]); continue }
                bad[i] = edges[k]
                let neighbour = up ? k - 1 : k + 1
                if neighbour >= 0 && neighbour < edges.count && (up ? edges[neighbour] > x[i] : edges[neighbour] < x[i]) {
                    good[i] = edges[neighbour]
                }
            }
            guard !active.isEmpty else { return good }
            for _ in 0..<bisectionSteps {
                var probe = x
                for i in active { probe[i] = 0.5 * (good[i] + bad[i]) }
                let key = try keys(probe)
                for i in active {
                    if same(key, nominalKeys, i) { good[i] = probe[i] } else { bad[i] = probe[i] }
                }
            }
            return good
        }
        var upper = try bisect(bad: badAbove, up: true)
        var lower = try bisect(bad: badBelow, up: false)
        // 3. Stored as float32: round each bound inward to a float32 value (still between x and the boundary).
        if original.dtype == .float32 {
            for i in 0..<n {
                var u = Float(upper[i]); if Double(u) > upper[i] { u = u.nextDown }
                var l = Float(lower[i]); if Double(l) < lower[i] { l = l.nextUp }
                upper[i] = max(Double(u), x[i]); lower[i] = min(Double(l), x[i])
            }
        }
        return (lower, upper)
    }
}
