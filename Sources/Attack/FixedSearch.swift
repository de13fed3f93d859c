/// The per-event candidate search of our (fixed) algorithm, modes jsd, chi2 and envelope.
///
/// Features are visited in order; each feature's candidates move the event in the direction of its loss
/// gradient and are all evaluated in one pass against the state the previous feature's change left, so every
/// applied change keeps every global bound (hard constraints). For each population holding the event a
/// candidate costs O(1): the JSD and chi2 sums change in two bins (the target-bin terms are memoised per
/// feature), and the change of the correlation row is a closed form in the change δ over sums precomputed
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
    private var memoJSD: [Double], memoChi2: [Double], memoUsed: [Int], memoStamp: [Int]
    private var stamp = 0
    /// Whether nominally constant features are pinned (the modes whose correlation bound is hard).
    var pinsConstants: Bool { cfg.mode == .jsd || cfg.mode == .chi2 }
    /// Called after every applied change (event, feature); tests check every bound at every accepted move.
    var afterMove: ((Int, Int) -> Void)? = nil

    struct PopulationPrecompute {
        var p = 0, base = 0, oldBin = 0
        var W = 1.0, w = 1.0, wOverW = 1.0
        var u = 0.0, variance = 0.0, s = 0.0, sq = 0.0
        var E = 0.0, G = 0.0, GH = 0.0, H = 0.0, Eg = 0.0, Eh = 0.0
        var D = 0.0, invNorm = 0.0, refDiag = 0.0
        var jsdSum = 0.0, jsdDistance = 0.0, jsdSameBinRemoved = 0.0
        var stepCap2 = Double.infinity, relCap2 = Double.infinity
        var chi2Sum = 0.0, chi2Used = 0, chi2SameBinRemoved = 0.0, usedSameBinRemoved = 0
        var removedCountZero = false
        /// The population's total weight is 0: its JSD terms are 0 (as ConstraintState computes them).
        var zeroTotal = false
    }

    init(engine: AttackEngine) {
        self.engine = engine
        state = engine.state
        cfg = engine.configuration
        d = engine.d; bins = cfg.bins
        jsdCap = min(cfg.maxStepJSD, cfg.constraintJSD)
        let maxPops = state.populationCount
        memoJSD = .init(repeating: 0, count: maxPops * bins); memoChi2 = memoJSD
        memoUsed = .init(repeating: 0, count: maxPops * bins); memoStamp = .init(repeating: -1, count: maxPops * bins)
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
            for _ in 0..<count {
                let delta = rng.uniform(cfg.minChange, reach)
                candidates.append(min(hi, max(lo, x + dir * delta)))
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
    private var corrF: [Double] = [], corrBad: [Double] = [], corrD2: [Double] = []
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

    /// The admissible candidate of lowest cost α·max JSD + β·max relative correlation change, if any.
    /// Two passes: the correlation rows of all candidates (branch-free, vectorised), then the marginals
    /// (bins, memoised JSD/chi2 terms) and the cost. Every value is computed as in a single candidate loop.
    private mutating func bestCandidate(_ i: Int, _ j: Int) -> Double? {
        let popRange = state.popStart[i] ..< state.popStart[i + 1]
        let np = popRange.count
        let x = engine.values[i * d + j]
        let pinned = pinsConstants ? state.pinnedValue(event: i, feature: j) : nil
        stamp += 1
        for (q, p) in state.popList[popRange].enumerated() { pre[q] = precompute(i, j, p) }
        let m = candidates.count
        if corrF.count < m { corrF = .init(repeating: 0, count: m); corrBad = corrF }
        if corrD2.count < np * m { corrD2 = .init(repeating: 0, count: np * m) }
        let grid = state.grids[j]
        let isJSD = cfg.mode == .jsd, isChi2 = cfg.mode == .chi2, enforceCorr = cfg.mode != .envelope
        let jsdCap = self.jsdCap, alpha = cfg.alpha, beta = cfg.beta, bins = self.bins, stamp = self.stamp
        let critical = engine.chi2Critical
        let state = self.state, ks = engine.ks
        let pruneByCost = ks == nil && engine.searchPruning, beta2 = beta * beta
        // Local references: no exclusivity checks on the class's arrays inside the loop.
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
        corrD2.withUnsafeMutableBufferPointer { corrD2 in
        memoJSD.withUnsafeMutableBufferPointer { memoJSD in
        memoChi2.withUnsafeMutableBufferPointer { memoChi2 in
        memoUsed.withUnsafeMutableBufferPointer { memoUsed in
        memoStamp.withUnsafeMutableBufferPointer { memoStamp in
        candidates.withUnsafeBufferPointer { candidates in
            Self.correlationPass(candidates, x: x, pre: pre, enforce: enforceCorr,
                                 maxFSquared: UnsafeMutableBufferPointer(rebasing: corrF[0..<m]),
                                 d2: UnsafeMutableBufferPointer(rebasing: corrD2[0..<(np * m)]),
                                 bad: UnsafeMutableBufferPointer(rebasing: corrBad[0..<m]))
            for c in 0..<m where corrBad[c] == 0 {
                // cost = α·maxJ + β·F ≥ β·F (α, maxJ ≥ 0): a candidate whose F² bound puts β·F surely above the best
                // so far (margin far above the rounding of F² vs F) skips its marginals and square roots.
                // Not with a KS bound, which needs every admissible candidate's cost.
                if pruneByCost && beta2 * corrF[c] > bestCost * bestCost * (1 + 1e-9) { continue }
                let v = candidates[c]
                let delta = v - x
                if delta == 0 { continue }
                if let p = pinned, v != p { continue }
                let b = grid.bin(v)
                var maxJ = 0.0, ok = true
                for q in 0..<np {
                    // Marginal: JSD (and chi2) after the move; target-bin values memoised per feature.
                    var js = pre[q].jsdDistance
                    if b != pre[q].oldBin {
                        let mi = q * bins + b
                        if memoStamp[mi] != stamp {
                            let pc = pre[q], k = pc.base + b
                            let hb = content[k] + pc.w
                            let js2 = pc.jsdSameBinRemoved - jsdTerm[k] + cache.term(k, hb, pc.W, refContent[k])
                            memoJSD[mi] = js2 > 0 ? js2.squareRoot() : 0
                            if isChi2 {
                                let (c2, u) = state.chi2BinTerm(pc.p, j, b, hb, sumW2[k] + pc.w * pc.w)
                                memoChi2[mi] = pc.chi2SameBinRemoved - chi2Term[k] + c2
                                memoUsed[mi] = pc.usedSameBinRemoved - (state.binUsed(pc.p, j, b) ? 1 : 0) + u
                            }
                            memoStamp[mi] = stamp
                        }
                        js = memoJSD[mi]
                        if isChi2 {
                            let ndf = memoUsed[mi] - 1
                            if ndf >= 0 && memoChi2[mi] > critical[ndf] { ok = false; break }
                        }
                    }
                    if pre[q].zeroTotal { js = 0 }
                    if isJSD && js > jsdCap { ok = false; break }
                    maxJ = max(maxJ, js)
                }
                if !ok { continue }
                var maxF = 0.0
                for q in 0..<np {
                    let d2 = corrD2[q * m + c]
                    maxF = max(maxF, (d2 > 0 ? d2.squareRoot() : 0) * pre[q].invNorm)
                }
                let cost = alpha * maxJ + beta * maxF
                if ks != nil { ranked.append((cost, v)) }
                if cost < bestCost { bestCost = cost; best = v }
            }
        } } } } } } } } }
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

    /// Per candidate c and population q: the squared correlation distance after the move (`d2[q·m + c]`), the
    /// largest squared relative change over the populations (`maxFSquared`, a bound for pruning), and whether a
    /// correlation bound or a vanishing variance rejects it (`bad` = 1). The closed form of the
    /// type's documentation, written without branches so that the loop over candidates vectorises (sqrt included when built with
    /// -fno-math-errno, as the Makefile does: glibc's errno contract otherwise keeps a scalar libcall path).
    @inline(__always)
    private static func correlationPass(_ cand: UnsafeBufferPointer<Double>, x: Double,
                                        pre: UnsafeBufferPointer<PopulationPrecompute>, enforce: Bool,
                                        maxFSquared: UnsafeMutableBufferPointer<Double>, d2 d2Out: UnsafeMutableBufferPointer<Double>,
                                        bad: UnsafeMutableBufferPointer<Double>) {
        let m = cand.count
        guard let cp = cand.baseAddress, let fp = maxFSquared.baseAddress, let bp = bad.baseAddress,
              let dp = d2Out.baseAddress, d2Out.count >= pre.count * m else { return }
        for c in 0..<m { fp[c] = 0; bp[c] = 0 }
        for (q, pc) in pre.enumerated() {
            let out = dp + q * m
            let variance = pc.variance, u = pc.u, wOverW = pc.wOverW, s = pc.s
            let G = pc.G, GH = pc.GH, H = pc.H, Eg = pc.Eg, Eh = pc.Eh, D = pc.D, invNorm = pc.invNorm
            let hadVariance = variance > 0
            // A feature without variance had a zero row, diagonal included: the diagonal goes 0 → 1,
            // (1 − r₀)² − (0 − r₀)² in the distance and 1 in the step.
            let stepAdd = hadVariance ? 0.0 : 1.0, d2Add = hadVariance ? 0.0 : 1 - 2 * pc.refDiag
            let stepCap = enforce ? pc.stepCap2 : .infinity, relCap = enforce ? pc.relCap2 : .infinity
            let invNorm2 = invNorm * invNorm
            for c in 0..<m {
                let delta = cp[c] - x
                let dl = wOverW * delta
                let v2 = variance + dl * (2 * u + delta - dl)
                let pos = v2 > 0
                // s = 0 when the feature had no variance: its row (diagonal included) was 0.
                let s2 = pos ? 1 / v2.squareRoot() : 0
                let ds = s2 - s
                let sd = s2 * dl
                let step2 = ds * ds * G + 2 * ds * sd * GH + sd * sd * H
                let step = 2 * step2 + (pos ? stepAdd : 0)
                let d2 = D + (2 * step2 + 4 * (ds * Eg + sd * Eh)) + (pos ? d2Add : 0)
                let reject = (hadVariance && !pos) || (pos && (step > stepCap || d2 > relCap))
                out[c] = d2
                fp[c] = max(fp[c], (d2 > 0 ? d2 : 0) * invNorm2)
                bp[c] = reject ? 1 : bp[c]
            }
        }
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
        pc.s = state.invSd[fb + j]; pc.sq = pc.variance > 0 ? pc.variance.squareRoot() : 0
        let invSd = state.invSd, cov = state.cov, shift = state.shift, mean = state.mean
        let corr = state.corr, refCorr = state.refCorr
        for k in 0..<d where k != j {
            let t = invSd[fb + k]
            let g = cov[mb + j * d + k] * t
            let h = (x[i * d + k] - shift[fb + k] - mean[fb + k]) * t
            let e = corr[mb + j * d + k] - refCorr[mb + j * d + k]
            pc.E += e * e; pc.G += g * g; pc.GH += g * h; pc.H += h * h; pc.Eg += e * g; pc.Eh += e * h
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
        if cfg.mode == .chi2 {
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
