/// The published reference's per-event search, reproduced for like-for-like comparison (`reference_quirks`).
///
/// What it keeps from the reference (Helpers/MultiGPUCONSERVAttack.py, find_best_changes_for_sample_vectorized):
/// - the nominal histograms are binned from float32-rounded values against float64 edges, so a value that
///   rounds outside [min, max] is dropped (and each candidate's JSD is measured against that histogram);
/// - random candidates are uniform in [min_change, max − x] times the gradient sign, also when the sign is
///   negative; changes are float32; new values are clipped to [min, max]; "no change" is candidate 0;
/// - every feature's best candidate is chosen independently against the state at the start of the event,
///   then all are applied together;
/// - the correlation cost of feature a's candidate c uses candidate c of every other feature (indexing slip),
///   population variances with sample covariances, the absolute Frobenius norm, against the current state;
/// - the global bounds are not enforced (only tracked, by the engine);
/// - without use_no_change, a feature with no admissible candidate takes candidate 0 anyway.
struct ReferenceQuirkSearch {
    let engine: AttackEngine
    let state: ConstraintState
    let cfg: AttackConfiguration
    let d: Int, bins: Int
    /// Nominal density histograms binned in float32 (flat j·bins + b).
    let cleanDensity: [Double]

    init(engine: AttackEngine) {
        self.engine = engine
        state = engine.state
        cfg = engine.configuration
        d = engine.d; bins = cfg.bins
        var dens = [Double](repeating: 0, count: d * bins)
        for j in 0..<d {
            let g = state.grids[j]
            var counts = [Double](repeating: 0, count: bins), included = 0.0
            for i in 0..<engine.n {
                let v = Double(Float(engine.nominal[i * d + j]))
                if v < g.edges[0] || v > g.edges[bins] { continue }
                counts[g.bin(v)] += 1; included += 1
            }
            let width = g.width
            for b in 0..<bins { dens[j * bins + b] = included > 0 && width > 0 ? counts[b] / (included * width) : 0 }
        }
        cleanDensity = dens
    }

    func searchEvent(_ i: Int, gradient: ArraySlice<Double>, rng: inout SplitMix64) -> Bool {
        let n = Double(engine.n)
        let x = Array(engine.values[i * d ..< (i + 1) * d])
        // 1. Candidate changes per feature (float32), padded to a common count with a validity mask.
        var lists = [[Double]]()
        for j in 0..<d {
            let dir: Double = gradient[gradient.startIndex + j] >= 0 ? 1 : -1
            var changes = [Double]()
            if engine.settings[j].frozen || !(engine.upper[j] > engine.lower[j]) {
                changes = []
            } else if let c = cfg.candidates {
                for _ in 0..<c { changes.append(rng.uniform(cfg.minChange, engine.upper[j] - x[j]) * dir) }
            } else {
                var st = cfg.step, mc = cfg.minChange
                if let f = cfg.randomizeStep { st *= rng.uniform(1 - f, 1 + f); mc *= rng.uniform(1 - f, 1 + f) }
                let stop = (dir > 0 ? engine.upper[j] - x[j] : x[j] - engine.lower[j]) + st
                let count = min(max(0, Int(((stop - mc) / st).rounded(.up))), FixedSearch.gridLimit)
                for k in 0..<count { changes.append((mc + Double(k) * st) * dir) }
            }
            if cfg.useNoChange { changes.insert(0, at: 0) }
            lists.append(changes.map { Double(Float($0)) })
        }
        let cmax = lists.map(\.count).max() ?? 0
        if cmax == 0 { return false }
        var change = [Double](repeating: 0, count: d * cmax), valid = [Bool](repeating: false, count: d * cmax)
        var newValue = [Double](repeating: 0, count: d * cmax)
        for j in 0..<d {
            for (c, v) in lists[j].enumerated() { change[j * cmax + c] = v; valid[j * cmax + c] = true }
            for c in 0..<cmax {
                newValue[j * cmax + c] = min(engine.upper[j], max(engine.lower[j], x[j] + change[j * cmax + c]))
            }
        }
        // 2. JSD of each candidate's histogram against the float32 nominal histogram.
        var js = [Double](repeating: .infinity, count: d * cmax)
        for j in 0..<d {
            let g = state.grids[j], width = g.width
            let oldBin = Int(state.binOf[i * d + j])
            var memo = [Int: Double]()
            let clean = Array(cleanDensity[j * bins ..< (j + 1) * bins])
            for c in 0..<cmax where valid[j * cmax + c] {
                let b = g.bin(newValue[j * cmax + c])
                if let m = memo[b] { js[j * cmax + c] = m; continue }
                var counts = (0..<bins).map { Double(state.count[j * bins + $0]) }
                counts[oldBin] -= 1; counts[b] += 1
                let dens = counts.map { width > 0 ? $0 / (n * width) : 0 }
                let v = JensenShannon.referenceDistance(clean, dens)
                memo[b] = v; js[j * cmax + c] = v
            }
        }
        // 3. Correlation distance with the reference's formulas (pop 0: the inclusive sample).
        var mean = [Double](repeating: 0, count: d), varPop = mean, stdClean = mean
        for k in 0..<d {
            mean[k] = state.shift[k] + state.mean[k]
            varPop[k] = state.variance[k]
            stdClean[k] = (varPop[k] + 1e-10).squareRoot()
        }
        let covMatrix = state.cov.prefix(d * d).map { $0 * n / (n - 1) }
        let corrMatrix = Array(state.corr.prefix(d * d))
        let dd = d
        func covS(_ a: Int, _ b: Int) -> Double { covMatrix[a * dd + b] }
        func corr(_ a: Int, _ b: Int) -> Double { corrMatrix[a * dd + b] }
        var meanNew = [Double](repeating: 0, count: d * cmax), dn = meanNew, stdNew = meanNew
        for j in 0..<d {
            for c in 0..<cmax {
                let k = j * cmax + c
                meanNew[k] = mean[j] + (newValue[k] - x[j]) / n
                let vn = varPop[j] + ((newValue[k] - meanNew[k]) * (newValue[k] - meanNew[k])
                                      - (x[j] - mean[j]) * (x[j] - mean[j])) / (n - 1)
                dn[k] = newValue[k] - meanNew[k]
                stdNew[k] = (vn + 1e-10).squareRoot()
            }
        }
        let diffOld = (0..<d).map { x[$0] - mean[$0] }
        // corrNew[a][c][b] for row a (feature a's candidate c, other features' candidate c: the slip).
        func corrNew(_ a: Int, _ c: Int, _ b: Int) -> Double {
            let cv = covS(a, b) + (dn[a * cmax + c] * dn[b * cmax + c] - diffOld[a] * diffOld[b]) / (n - 1)
            return cv / (stdNew[a * cmax + c] * stdClean[b] + 1e-10)
        }
        var frob = [Double](repeating: .infinity, count: d * cmax)
        for a in 0..<d {
            for c in 0..<cmax where valid[a * cmax + c] {
                var f2 = 0.0
                for b in 0..<d {
                    let rd = corrNew(a, c, b) - corr(a, b); f2 += rd * rd
                    let cd = corrNew(b, c, a) - corr(a, b); f2 += cd * cd
                }
                let diag = corrNew(a, c, a) - corr(a, a)
                f2 -= diag * diag
                frob[a * cmax + c] = max(f2, 0).squareRoot()
            }
        }
        // 4. Per-feature best admissible candidate; then all applied together.
        var moved = false
        var chosen = [Double](repeating: 0, count: d)
        for j in 0..<d {
            var bestIdx = 0, bestCost = Double.infinity
            let first = cfg.useNoChange ? 1 : 0
            for c in first..<cmax where valid[j * cmax + c] {
                let k = j * cmax + c
                guard js[k] <= cfg.maxStepJSD && frob[k] <= cfg.maxStepFrob else { continue }
                let cost = cfg.alpha * js[k] + cfg.beta * frob[k]
                if cost < bestCost { bestCost = cost; bestIdx = c }
            }
            chosen[j] = change[j * cmax + bestIdx]
        }
        for j in 0..<d where chosen[j] != 0 {
            let v = min(engine.upper[j], max(engine.lower[j], engine.values[i * d + j] + chosen[j]))
            if v == engine.values[i * d + j] { continue }
            let old = engine.values[i * d + j]
            engine.values.withUnsafeBufferPointer { row in
                state.apply(event: i, feature: j, old: old, new: v, row: UnsafeBufferPointer(rebasing: row[i * d ..< (i + 1) * d]))
            }
            engine.values[i * d + j] = v
            moved = true
        }
        return moved
    }
}
