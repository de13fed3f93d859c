/// The per-event candidate search of our (fixed) algorithm, modes jsd, chi2 and envelope.
///
/// Features are visited in order; each feature's candidates move the event in the direction of its loss
/// gradient and are all evaluated in one pass against the state the previous feature's change left, so every
/// applied change keeps every global bound (hard constraints). For each population holding the event a
/// candidate costs O(1): the JSD and chi2 sums change in two bins (the target-bin terms are computed once
/// per target bin), and the change of the correlation row is a closed form in the change δ over sums precomputed
/// once per feature in O(d):
///   r'_k − r_k = (s' − s)·g_k + s'·δ·h_k,  g_k = cov_jk/σ_k, h_k = (a_k − μ_k)/σ_k, s = 1/σ_j,
///   σ_j'² = σ_j² + δ·(2u_j + Δ − δ), δ = wΔ/W.
/// A feature with zero variance in a population has a zero correlation row there (diagonal included, the
/// convention of the metric); a move giving it variance is evaluated with the same closed form at s = 0 plus
/// the diagonal 0 → 1, exactly as the metric will compute it. In jsd and chi2 modes a feature that is constant
/// on a population's nominal events (undefined correlations) is pinned to that value for the population's
/// events: no candidate other than that value is admissible (see docs/attack.md).
struct FixedSearch {
    let engine: AttackEngine
    let state: ConstraintState
    var cfg: AttackConfiguration
    let d: Int, bins: Int
    let jsdCap: Double
    private var candidates: [Double] = []
    private var pre: [PopulationPrecompute] = []
    /// Marginal part of the cost per target bin (see bestCandidate).
    private var binTable: [Double]
    /// Whether nominally constant features are pinned (the modes whose correlation bound is hard).
    var pinsConstants: Bool { cfg.mode == .jsd || cfg.mode == .chi2 || cfg.mode == .checks }
    /// Called after every applied change (event, feature); tests check every bound at every accepted move.
    var afterMove: ((Int, Int) -> Void)? = nil

    struct PopulationPrecompute {
        var p = 0, base = 0, oldBin = 0
        var W = 1.0, w = 1.0, wOverW = 1.0
        var u = 0.0, variance = 0.0, s = 0.0
        var G = 0.0, GH = 0.0, H = 0.0, Eg = 0.0, Eh = 0.0
        var D = 0.0, invNorm = 0.0, refDiag = 0.0
        var jsdSum = 0.0, jsdDistance = 0.0, jsdSameBinRemoved = 0.0
        var stepCap2 = Double.infinity, relCap2 = Double.infinity
        /// Largest admissible JS distance of the feature in this population (jsd and checks modes).
        var jsdCap = Double.infinity
        var chi2Sum = 0.0, chi2Used = 0, chi2SameBinRemoved = 0.0, usedSameBinRemoved = 0
        /// The population's total weight is 0: its JSD terms are 0 (as ConstraintState computes them).
        var zeroTotal = false
    }

    init(engine: AttackEngine) {
        self.engine = engine
        state = engine.state
        cfg = engine.configuration.enforced
        d = engine.d; bins = cfg.bins
        jsdCap = min(cfg.maxStepJSD, cfg.constraintJSD)
        let maxPops = state.populationCount
        binTable = .init(repeating: 0, count: bins)
        pre = .init(repeating: PopulationPrecompute(), count: maxPops)
        addTermCache = TermCache(size: maxPops * d * bins)
    }

    /// Searches and applies the best admissible change of each feature of event i; true if anything moved.
    mutating func searchEvent(_ i: Int, gradient: ArraySlice<Double>, rng: inout SplitMix64) -> Bool {
        var moved = false
        for j in 0..<d {
            let dir: Double = gradient[gradient.startIndex + j] >= 0 ? 1 : -1
            guard let (lo, hi) = engine.allowedInterval(event: i, feature: j) else { continue }
            if pinsConstants, let c = state.pinnedValue(event: i, feature: j) {
                // Constant in one of the event's populations: it stays (or only returns to) that value.
                if engine.values[i * d + j] == c || !(c >= lo && c <= hi) { continue }
                candidates = [c]
            } else {
                generateCandidates(i, j, dir: dir, lo: lo, hi: hi, rng: &rng)
            }
            if candidates.isEmpty { continue }
            if let best = bestCandidate(i, j) {
                move(i, j, to: best)
                moved = true
            }
        }
        return moved
    }

    /// Fills `candidates` with new values of feature j, in direction `dir`, inside [lo, hi].
    private mutating func generateCandidates(_ i: Int, _ j: Int, dir: Double, lo: Double, hi: Double,
                                             rng: inout SplitMix64) {
        // Work on a local array (moved out and back: no copy, no per-append exclusivity check).
        var candidates: [Double] = []
        swap(&candidates, &self.candidates)
        candidates.removeAll(keepingCapacity: true)
        defer { swap(&candidates, &self.candidates) }
        let cfg = self.cfg
        let x = engine.values[i * d + j]
        let reach = dir > 0 ? hi - x : x - lo
        if engine.settings[j].integerValued {
            let obs = engine.observedValues[j]
            let limit = cfg.candidates ?? Int.max
            if dir > 0 {
                var k = upperBound(obs, x)
                while k < obs.count && candidates.count < limit && obs[k] <= hi {
                    if obs[k] - x >= cfg.minChange { candidates.append(obs[k]) }
                    k += 1
                }
            } else {
                var k = lowerBound(obs, x) - 1
                while k >= 0 && candidates.count < limit && obs[k] >= lo {
                    if x - obs[k] >= cfg.minChange { candidates.append(obs[k]) }
                    k -= 1
                }
            }
            return
        }
        guard reach > 0 else { return }
        if let count = cfg.candidates {
            guard reach >= cfg.minChange else { return }
            let minChange = cfg.minChange
            candidates.append(contentsOf: repeatElement(0, count: count))
            candidates.withUnsafeMutableBufferPointer { out in
                for k in 0..<count {
                    let delta = rng.uniform(minChange, reach)
                    out[k] = min(hi, max(lo, x + dir * delta))
                }
            }
        } else {
            var mc = cfg.minChange, st = cfg.step
            if let f = cfg.randomizeStep {
                st *= rng.uniform(1 - f, 1 + f); mc *= rng.uniform(1 - f, 1 + f)
            }
            var k = 0
            while k < FixedSearch.gridLimit {
                let delta = mc + Double(k) * st
                if delta > reach { break }
                candidates.append(min(hi, max(lo, x + dir * delta)))
                k += 1
            }
        }
    }

    /// Largest grid of candidates per feature and event (grid mode on a wide-range feature).
    static let gridLimit = 100_000

    /// The admissible value among `values` of lowest cost, and that cost (re-optimisation of fooled events).
    mutating func best(_ i: Int, _ j: Int, among values: [Double]) -> (value: Double, cost: Double)? {
        candidates = values
        return bestCandidate(i, j).map { ($0, lastBestCost) }
    }

    /// Cost of leaving feature j of event i where it is (same terms as a candidate's cost).
    func currentCost(_ i: Int, _ j: Int) -> Double {
        var maxJ = 0.0, maxF = 0.0
        for p in state.popList[state.popStart[i] ..< state.popStart[i + 1]] {
            maxJ = max(maxJ, state.jsd(p, j))
            maxF = max(maxF, state.relativeCorrelationChange(p))
        }
        return cfg.alpha * maxJ + cfg.beta * maxF
    }

    /// Applies value `v` to feature j of event i.
    mutating func move(_ i: Int, _ j: Int, to v: Double) {
        let old = engine.values[i * d + j]
        engine.values.withUnsafeBufferPointer { row in
            state.apply(event: i, feature: j, old: old, new: v, row: UnsafeBufferPointer(rebasing: row[i * d ..< (i + 1) * d]))
        }
        engine.ks?.apply(event: i, feature: j, new: v)
        engine.values[i * d + j] = v
        afterMove?(i, j)
    }

    private var lastBestCost = Double.infinity
    /// Scratch of the correlation pass (per candidate).
    private var corrF: [Double] = [], corrBad: [Double] = []
    /// Indices of the candidates the correlation pass admits, and their bins.
    private var admissible: [Int32] = [], admissibleBin: [Int32] = []
    /// JSD terms of target bins across events (see TermCache).
    private var addTermCache = TermCache()
    /// Admissible candidates with their costs (kept only with a KS constraint).
    private var ranked: [(Double, Double)] = []

    /// Largest JSD of feature j and largest relative correlation change over event i's populations if its
    /// feature j moved to v (no constraint applied): the closed forms the search uses, for tests.
    mutating func probe(_ i: Int, _ j: Int, to v: Double) -> (jsd: Double, rel: Double) {
        let saved = cfg
        defer { cfg = saved }
        cfg.mode = .envelope
        cfg.alpha = 1; cfg.beta = 0
        let js = best(i, j, among: [v])?.cost ?? .nan
        cfg.alpha = 0; cfg.beta = 1
        let rel = best(i, j, among: [v])?.cost ?? .nan
        return (js, rel)
    }

    /// The admissible candidate of lowest cost α·max JSD + β·max relative correlation change, if any (ties: the
    /// earlier candidate). Three passes, written without data-dependent branches apart from the running minimum:
    /// the correlation rows of all candidates (SIMD, CorrelationPass.swift); the marginal part per target bin — the largest JS distance
    /// over the event's populations, or +∞ where a JSD or chi2 bound rejects the bin — for every bin between the
    /// lowest and highest the admissible candidates reach; then each candidate's cost from its bin's entry.
    private mutating func bestCandidate(_ i: Int, _ j: Int) -> Double? {
        let popRange = state.popStart[i] ..< state.popStart[i + 1]
        let np = popRange.count
        let x = engine.values[i * d + j]
        let pinned = pinsConstants ? state.pinnedValue(event: i, feature: j) : nil
        for (q, p) in state.popList[popRange].enumerated() { pre[q] = precompute(i, j, p) }
        let m = candidates.count
        if corrF.count < m {
            corrF = .init(repeating: 0, count: m); corrBad = corrF
            admissible = .init(repeating: 0, count: m); admissibleBin = admissible
        }
        let grid = state.grids[j]
        let isJSD = cfg.mode == .jsd || cfg.mode == .checks, isChi2 = cfg.mode == .chi2 || cfg.mode == .checks
        let enforceCorr = cfg.mode != .envelope
        let alpha = cfg.alpha, beta = cfg.beta
        let critical = engine.chi2Critical
        let state = self.state, ks = engine.ks
        let vectorWidth = engine.correlationVectorWidth
        let content = state.content, refContent = state.refContent, jsdTerm = state.jsdTerm
        let sumW2 = state.sumW2, chi2Term = state.chi2Term
        var bestCost = Double.infinity, best: Double? = nil
        var ranked: [(Double, Double)] = []
        swap(&ranked, &self.ranked)
        defer { ranked.removeAll(keepingCapacity: true); swap(&ranked, &self.ranked) }
        var cache = TermCache()
        swap(&cache, &self.addTermCache)
        defer { swap(&cache, &self.addTermCache) }
        pre.withUnsafeBufferPointer { preAll in
        let pre = UnsafeBufferPointer(rebasing: preAll[0..<np])
        corrF.withUnsafeMutableBufferPointer { corrF in
        corrBad.withUnsafeMutableBufferPointer { corrBad in
        admissible.withUnsafeMutableBufferPointer { admissible in
        admissibleBin.withUnsafeMutableBufferPointer { admissibleBin in
        binTable.withUnsafeMutableBufferPointer { table in
        candidates.withUnsafeBufferPointer { candidates in
            Self.correlationPass(candidates, x: x, pre: pre, enforce: enforceCorr,
                                 maxF: UnsafeMutableBufferPointer(rebasing: corrF[0..<m]),
                                 bad: UnsafeMutableBufferPointer(rebasing: corrBad[0..<m]), vectorWidth: vectorWidth)
            // The candidates the correlation bounds admit, compacted without branches (the pattern of
            // rejections is irregular: a branch per candidate would often be mispredicted), with their bins.
            var n = 0
            for c in 0..<m {
                admissible[n] = Int32(truncatingIfNeeded: c)
                n &+= 1 &- Int(corrBad[c])   // bad is exactly 0 or 1
            }
            guard n > 0 else { return }
            var bLo = Int.max, bHi = Int.min
            for a in 0..<n {
                let b = grid.bin(candidates[Int(admissible[a])])
                admissibleBin[a] = Int32(truncatingIfNeeded: b)
                bLo = min(bLo, b); bHi = max(bHi, b)
            }
            // Marginals per target bin: JS distance (and chi2) after the move, in every population holding the event.
            for b in bLo...bHi {
                var maxJ = 0.0, ok = true
                for q in 0..<np {
                    let pc = pre[q]
                    var js = pc.jsdDistance
                    if b != pc.oldBin {
                        let k = pc.base + b
                        let hb = content[k] + pc.w
                        let js2 = pc.jsdSameBinRemoved - jsdTerm[k] + cache.term(k, hb, pc.W, refContent[k])
                        js = js2 > 0 ? js2.squareRoot() : 0
                        if isChi2 {
                            let (c2, u) = state.chi2BinTerm(pc.p, j, b, hb, sumW2[k] + pc.w * pc.w)
                            let chi2 = pc.chi2SameBinRemoved - chi2Term[k] + c2
                            let ndf = pc.usedSameBinRemoved - (state.binUsed(pc.p, j, b) ? 1 : 0) + u - 1
                            if ndf >= 0 && chi2 > critical[ndf] { ok = false }
                        }
                    }
                    if pc.zeroTotal { js = 0 }
                    if isJSD && js > pc.jsdCap { ok = false }
                    maxJ = max(maxJ, js)
                }
                table[b - bLo] = ok ? maxJ : .infinity
            }
            for a in 0..<n {
                let c = Int(admissible[a])
                let v = candidates[c]
                if let p = pinned, v != p { continue }
                let marginal = table[Int(admissibleBin[a]) - bLo]
                // No move, or a bin the marginal bounds reject: not a candidate (a select, not a branch).
                let cost = marginal == .infinity || v == x ? Double.infinity : alpha * marginal + beta * corrF[c]
                if ks != nil && cost < .infinity { ranked.append((cost, v)) }
                if cost < bestCost { bestCost = cost; best = v }
            }
        } } } } } } }
        if let ks, let b = best, !ks.admits(event: i, feature: j, new: b) {
            // The cheapest candidate that also keeps the KS bound (ties: the earlier candidate, as above).
            best = nil; bestCost = .infinity
            for (cost, v) in ranked.enumerated().sorted(by: { ($0.element.0, $0.offset) < ($1.element.0, $1.offset) }).map(\.element)
            where ks.admits(event: i, feature: j, new: v) {
                best = v; bestCost = cost; break
            }
        }
        lastBestCost = bestCost
        return best
    }

    private mutating func precompute(_ i: Int, _ j: Int, _ p: Int) -> PopulationPrecompute {
        var pc = PopulationPrecompute()
        let fb = p * d, mb = p * d * d
        pc.p = p; pc.W = state.totalWeight[p]; pc.w = state.weights[i]
        if pc.W == 0 { pc.W = 1; pc.zeroTotal = true }
        pc.wOverW = pc.w / pc.W
        pc.base = (p * d + j) * bins
        pc.oldBin = Int(state.binOf[i * d + j])
        let x = engine.values
        pc.u = x[i * d + j] - state.shift[fb + j] - state.mean[fb + j]
        pc.variance = state.variance[fb + j]
        pc.s = state.invSd[fb + j]
        let invSd = state.invSd, cov = state.cov, shift = state.shift, mean = state.mean
        let corr = state.corr, refCorr = state.refCorr
        for k in 0..<d where k != j {
            let t = invSd[fb + k]
            let g = cov[mb + j * d + k] * t
            let h = (x[i * d + k] - shift[fb + k] - mean[fb + k]) * t
            let e = corr[mb + j * d + k] - refCorr[mb + j * d + k]
            pc.G += g * g; pc.GH += g * h; pc.H += h * h; pc.Eg += e * g; pc.Eh += e * h
        }
        pc.D = state.corrDiff2[p]
        pc.refDiag = refCorr[mb + j * d + j]
        pc.invNorm = state.refNorm[p] > 0 ? 1 / state.refNorm[p] : 0
        if state.refNorm[p] > 0 {
            let r2 = state.refNorm[p] * state.refNorm[p]
            pc.stepCap2 = cfg.maxStepFrob * cfg.maxStepFrob * r2
            pc.relCap2 = cfg.constraintRelCorr * cfg.constraintRelCorr * r2
        }
        // Removing the event from its bin (shared by all target bins).
        let a = pc.base + pc.oldBin
        let ha = state.count[a] == 1 ? 0 : state.content[a] - pc.w
        pc.jsdSum = state.jsdSum[fb + j]
        pc.jsdDistance = pc.jsdSum > 0 ? pc.jsdSum.squareRoot() : 0
        pc.jsdSameBinRemoved = pc.jsdSum - state.jsdTerm[a] + addTermCache.term(a, ha, pc.W, state.refContent[a])
        pc.jsdCap = cfg.mode == .checks ? engine.checkJSDCaps[p * d + j] : jsdCap
        if cfg.mode == .chi2 || cfg.mode == .checks {
            let s2a = state.count[a] == 1 ? 0 : state.sumW2[a] - pc.w * pc.w
            let (c, u) = state.chi2BinTerm(p, j, pc.oldBin, ha, s2a)
            pc.chi2Sum = state.chi2Sum[fb + j]; pc.chi2Used = state.chi2Used[fb + j]
            pc.chi2SameBinRemoved = pc.chi2Sum - state.chi2Term[a] + c
            pc.usedSameBinRemoved = pc.chi2Used - (state.binUsed(p, j, pc.oldBin) ? 1 : 0) + u
        }
        return pc
    }
}

/// JSD terms f(h/W, r/W) of histogram bins (`JensenShannon.term`), kept with the exact content h they were
/// computed for. Within one search W and r are fixed and a bin's content changes only when an event moves in or
/// out, so across events most lookups hit and skip the logarithms.
struct TermCache {
    private var key: [Double] = []
    private var value: [Double] = []

    init() {}
    init(size: Int) { key = .init(repeating: .nan, count: size); value = .init(repeating: 0, count: size) }

    /// The term of bin k at content h (population total W, reference content r).
    @inline(__always)
    mutating func term(_ k: Int, _ h: Double, _ W: Double, _ r: Double) -> Double {
        if key[k] == h { return value[k] }   // NaN (never computed) equals nothing
        let t = JensenShannon.term(h / W, r / W)
        key[k] = h; value[k] = t
        return t
    }
}

/// First index with a[k] > x (a sorted ascending).
func upperBound(_ a: [Double], _ x: Double) -> Int {
    var lo = 0, hi = a.count
    while lo < hi { let m = (lo + hi) / 2; if a[m] <= x { lo = m + 1 } else { hi = m } }
    return lo
}

/// First index with a[k] ≥ x (a sorted ascending).
func lowerBound(_ a: [Double], _ x: Double) -> Int {
    var lo = 0, hi = a.count
    while lo < hi { let m = (lo + hi) / 2; if a[m] < x { lo = m + 1 } else { hi = m } }
    return lo
}
