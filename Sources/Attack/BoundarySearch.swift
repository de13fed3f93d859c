import Columnar
import Foundation
import Model

/// The `boundary` search (modes jsd, chi2, envelope, checks): spends the constraint budget only on events that
/// flip, cheapest first, and wins budget back with compensating moves of the events that are not attacked.
///
/// Per iteration:
/// 1. **Order.** Each not-yet-fooled event's cost to flip is estimated from its logit z and the loss gradient g
///    at the iteration start: along u_j ∝ g_j·σ_j² (the shortest step in units of each feature's standard
///    deviation σ_j), the linearised logit reaches 0 after c* = |z|·|s − y| / ‖g·σ‖. Events are visited by c*,
///    smallest first, so the budget goes to the events that need the least of it.
/// 2. **Line search.** The event's row is scored at x + f·c*·u for a ladder of factors f (one classifier call),
///    the bracket around the first flipping factor is refined (one more call), and the smallest flipping point
///    is the target. Its features are applied one by one, largest logit contribution first, each through the
///    same admissibility test as the greedy pass (every bound of the mode in every population; the full change,
///    else half of it). If the event is not fooled, up to two more rounds start from the gradient at the moved
///    point; an event that still does not flip is moved back exactly, so it spends nothing.
/// 3. **Compensation.** After every visited event, a few events drawn from the pool of those that are neither
///    fooled nor waiting for their turn (not attacked: classified wrongly before the attack; attacked events that
///    did not flip; with control regions, only events inside one) try, per feature, random values within ±3σ on both sides; the cheapest admissible one is
///    applied when it lowers the cost α·JSD + β·relative correlation change below that of staying. This pulls
///    histograms and correlations back toward nominal as soon as the flips spend the budget (about one sweep of
///    the pool per iteration; once per iteration after the flips fools far fewer events, docs/attack.md). An event's
///    compensating moves are undone when they would make a misclassified event correct again.
/// Randomness: SplitMix64 streams from (seed, iteration); results do not depend on the thread count.
struct BoundarySearch {
    let engine: AttackEngine
    var search: FixedSearch
    let d: Int
    /// Factors of c* tried by the line search (first call).
    static let ladder: [Double] = [0.5, 0.7, 0.85, 1.0, 1.15, 1.35, 1.6, 2.0, 2.5, 3.2, 4.2, 6.0]
    /// Random values per feature and side tried by a compensating move.
    var compensationCandidates = 8
    /// Largest compensating change, in units of the feature's standard deviation.
    var compensationReach = 3.0
    /// Compensating visits so far (each draws from its own random stream).
    private var compensationCount: UInt64 = 0
    /// Events that do not flip take the greedy pass's step (see `iterate`).
    var greedyFallback = true
    /// Line-search rounds per event (each from the gradient at the moved point).
    var rounds = 3
    /// Events that may compensate: with control regions, only events in at least one of them. An event outside
    /// every control region (the signal region's) is bounded by the inclusive population alone, where it weighs
    /// little, so the pool would use it as a free dump: measured on the demo without this rule, 22 of the signal
    /// region's 45 checks differed (btag2 KS distance 0.64) while every control region passed.
    let compensators: [Bool]

    init(engine: AttackEngine) {
        self.engine = engine
        search = FixedSearch(engine: engine)
        d = engine.d
        let regions = engine.populationMasks.dropFirst()
        compensators = regions.isEmpty ? Array(repeating: true, count: engine.n)
            : (0..<engine.n).map { i in regions.contains { $0[i] } }
    }

    /// One iteration: the flip pass over `active` (gradients and scores at the iteration start, per active row)
    /// by cost to flip; with `compensation`, every visited event is followed by compensating moves of a few
    /// events drawn from the pool of events that are neither fooled nor waiting for their turn (about one sweep
    /// of the pool per iteration), so the budget the flips spend is won back while it is needed. Marks kept
    /// events in `fooled`; returns the number of events moved.
    mutating func iterate(active: [Int], gradients: [Double], scores: [Double], iteration: Int,
                          fooled: inout [Bool], compensation: Bool, progress: ((Int) -> Void)? = nil) -> Int {
        var order: [(Double, Int)] = []
        order.reserveCapacity(active.count)
        for (a, i) in active.enumerated() {
            order.append((flipCost(i, gradient: gradients[a * d ..< (a + 1) * d], score: scores[a]), a))
        }
        order.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
        var waiting = [Bool](repeating: false, count: engine.n)
        for i in active { waiting[i] = true }
        var pool = (0..<engine.n).filter { !fooled[$0] && !waiting[$0] && compensators[$0] }
        let perEvent = max(1, (pool.count + active.count + max(active.count, 1) - 1) / max(active.count, 1))
        var rng = SplitMix64(seed: engine.configuration.seed ^ 0xB10C, stream: UInt64(iteration), substream: 0)
        var changed = 0
        var movedByCompensation = Set<Int>()
        for (k, (cost, a)) in order.enumerated() {
            progress?(k)
            let i = active[a]
            waiting[i] = false
            let outcome: FlipOutcome = cost.isFinite ? flip(i, gradient: Array(gradients[a * d ..< (a + 1) * d]), score: scores[a]) : .unreachable
            if outcome == .fooled {
                fooled[i] = true; changed += 1
            } else if greedyFallback {
                // No flip now (out of the line search's reach, or blocked by the bounds): the greedy pass's step for
                // this event, progress that later iterations build on, so the search is never below the greedy pass
                // where small steps accumulate (the donut, loose bounds); an event it moved is not a compensator.
                var r = SplitMix64(seed: engine.configuration.seed, stream: UInt64(iteration), substream: UInt64(i))
                if search.searchEvent(i, gradient: gradients[a * d ..< (a + 1) * d], rng: &r) { changed += 1 } else if compensators[i] { pool.append(i) }
            } else if compensators[i] {
                pool.append(i)
            }
            guard compensation, !pool.isEmpty else { continue }
            let chunk = (0..<perEvent).map { _ in pool[Int(rng.next() % UInt64(pool.count))] }
            for m in compensate(events: chunk, iteration: iteration) { movedByCompensation.insert(m) }
        }
        return changed + movedByCompensation.subtracting(active.filter { fooled[$0] }).count
    }

    /// c* of event i (∞ when no feature can move).
    func flipCost(_ i: Int, gradient g: ArraySlice<Double>, score s: Double) -> Double {
        let y = engine.labels[i]
        var norm2 = 0.0
        for j in 0..<d where movable(i, j) {
            let t = g[g.startIndex + j] * engine.featureStd[j]
            norm2 += t * t
        }
        guard norm2 > 0 else { return .infinity }
        return abs(logit(s)) * abs(s - y) / norm2.squareRoot()
    }

    func logit(_ s: Double) -> Double {
        let c = min(max(s, 1e-15), 1 - 1e-15)
        return log(c / (1 - c))
    }

    func movable(_ i: Int, _ j: Int) -> Bool {
        engine.featureStd[j] > 0 && engine.allowedInterval(event: i, feature: j) != nil
    }

    enum FlipOutcome { case fooled, blocked, unreachable }

    /// Score margin beyond the working point a kept flip must reach: the line search stops just across the
    /// boundary, and the output is written in float32 and read by other evaluators (ONNX in float32), whose
    /// rounding (~1e-6 in the score) must not flip it back (measured: without it the CLI's independent
    /// recomputation from the written file found 0.359 where the engine counted 0.383).
    static let scoreMargin = 1e-4

    /// Whether score s misclassifies label y by at least `scoreMargin`.
    func flipped(_ s: Double, _ y: Double) -> Bool {
        y == 1 ? s < 0.5 - BoundarySearch.scoreMargin : s > 0.5 + BoundarySearch.scoreMargin
    }

    /// Tries to flip event i; keeps the moves only if it flips. `unreachable`: the first line search found no
    /// flipping point; `blocked`: the bounds kept the event from flipping (its moves are undone).
    mutating func flip(_ i: Int, gradient: [Double], score: Double) -> FlipOutcome {
        let y = engine.labels[i]
        var applied: [(Int, Double)] = []   // (feature, previous value)
        var g = gradient, s = score
        for round in 0..<rounds {
            if round > 0 {
                let row = FeatureMatrix(rows: 1, columns: d, values: Array(engine.values[i * d ..< (i + 1) * d]))
                g = engine.classifier.lossGradient(row, labels: [y]).values
                s = engine.classifier.scores(row)[0]
                if flipped(s, y) { return .fooled }
            }
            guard let target = lineSearch(i, gradient: g, score: s) else {
                if round == 0 { return .unreachable }
                break
            }
            // Features in order of their (linearised) contribution to the logit change, largest first.
            let x = Array(engine.values[i * d ..< (i + 1) * d])
            var gain: [(Double, Int)] = []
            for j in 0..<d where target[j] != x[j] {
                let delta: Double = target[j] - x[j]
                gain.append((-abs(g[j] * delta), j))
            }
            gain.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
            let order = gain.map { $0.1 }
            for j in order {
                for t in [1.0, 0.5] {
                    // The target itself, not x + (target − x): that rounds, and a target on the value box's edge
                    // then landed 1 ulp outside it (found by ConstantFeatureTests: two events below the histogram
                    // range, counted in the first bin by the engine and dropped by an independent histogram).
                    var v = t == 1 ? target[j] : min(engine.upper[j], max(engine.lower[j], x[j] + t * (target[j] - x[j])))
                    if t != 1, engine.settings[j].integerValued {
                        guard let (lo, hi) = engine.allowedInterval(event: i, feature: j) else { break }
                        v = engine.nearestObserved(j, v, lo: lo, hi: hi, fallback: x[j])
                    }
                    if v == x[j] { break }
                    if search.best(i, j, among: [v]) != nil {
                        applied.append((j, x[j])); search.move(i, j, to: v)
                        break
                    }
                }
            }
            let row = FeatureMatrix(rows: 1, columns: d, values: Array(engine.values[i * d ..< (i + 1) * d]))
            if flipped(engine.classifier.scores(row)[0], y) { return .fooled }
        }
        for (j, old) in applied.reversed() { search.move(i, j, to: old) }
        return .blocked
    }

    /// The smallest flipping point along the σ²-scaled gradient found by the ladder and one refinement, or nil.
    func lineSearch(_ i: Int, gradient g: [Double], score s: Double) -> [Double]? {
        let y = engine.labels[i]
        var u = [Double](repeating: 0, count: d), norm2 = 0.0
        var lo = [Double](repeating: 0, count: d), hi = lo
        for j in 0..<d {
            guard engine.featureStd[j] > 0, let (a, b) = engine.allowedInterval(event: i, feature: j) else { continue }
            if search.pinsConstants, engine.state.pinnedValue(event: i, feature: j) != nil { continue }
            let sd = engine.featureStd[j]
            u[j] = g[j] * sd * sd; norm2 += g[j] * g[j] * sd * sd
            lo[j] = a; hi[j] = b
        }
        guard norm2 > 0 else { return nil }
        let norm = norm2.squareRoot()
        for j in 0..<d { u[j] /= norm }
        let cStar = abs(logit(s)) * abs(s - y) / norm
        guard cStar.isFinite, cStar > 0 else { return nil }
        let x = Array(engine.values[i * d ..< (i + 1) * d])
        func point(_ c: Double) -> [Double] {
            var p = x
            for j in 0..<d where u[j] != 0 {
                var v = min(hi[j], max(lo[j], x[j] + c * u[j]))
                if engine.settings[j].integerValued { v = engine.nearestObserved(j, v, lo: lo[j], hi: hi[j], fallback: x[j]) }
                p[j] = v
            }
            return p
        }
        func firstFlip(_ cs: [Double]) -> Int? {
            var rows: [Double] = []
            rows.reserveCapacity(cs.count * d)
            for c in cs { rows.append(contentsOf: point(c)) }
            let sc = engine.classifier.scores(FeatureMatrix(rows: cs.count, columns: d, values: rows))
            return sc.firstIndex { flipped($0, y) }
        }
        let ladder = BoundarySearch.ladder.map { $0 * cStar }
        guard let k = firstFlip(ladder) else { return nil }
        var best = ladder[k]
        let below = k > 0 ? ladder[k - 1] : 0
        let inner = (1...4).map { below + (best - below) * Double($0) / 5 }
        if let m = firstFlip(inner) { best = inner[m] }
        return point(best)
    }

    /// Whether event i's compensating moves (from `before`) would take a misclassified event back across the working
    /// point (or to within `scoreMargin` of it). Compensation only pays the budget back: an event the classifier gets
    /// wrong, before the attack or through it, stays wrong, so the classifier's yields move only the attack's way
    /// (on the Pareto problems the rule changed the fooling ratio by −0.010 to +0.054, docs/attack.md).
    func undoesMisclassification(_ i: Int, before: [Double]) -> Bool {
        let y = engine.labels[i]
        let rows = before + engine.values[i * d ..< (i + 1) * d]
        let s = engine.classifier.scores(FeatureMatrix(rows: 2, columns: d, values: rows))
        let wrongBefore = y == 1 ? 0.5 - s[0] : s[0] - 0.5, wrongAfter = y == 1 ? 0.5 - s[1] : s[1] - 0.5
        return wrongBefore > 0 && wrongAfter < min(wrongBefore, BoundarySearch.scoreMargin)
    }

    /// Compensating moves of `events` (see the type's documentation); returns the events moved.
    mutating func compensate(events: [Int], iteration: Int) -> [Int] {
        let cfg = engine.configuration
        var changed: [Int] = []
        for i in events {
            compensationCount &+= 1
            var rng = SplitMix64(seed: cfg.seed ^ 0xC0A1_5EED, stream: UInt64(iteration), substream: compensationCount)
            var moved = false
            let before = Array(engine.values[i * d ..< (i + 1) * d])
            for j in 0..<d {
                guard let (lo, hi) = engine.allowedInterval(event: i, feature: j), engine.featureStd[j] > 0 else { continue }
                if search.pinsConstants, engine.state.pinnedValue(event: i, feature: j) != nil { continue }
                let x = engine.values[i * d + j], r = compensationReach * engine.featureStd[j]
                var cands: [Double] = []
                cands.reserveCapacity(2 * compensationCandidates)
                for _ in 0..<compensationCandidates {
                    cands.append(min(hi, x + rng.uniform(0, r)))
                    cands.append(max(lo, x - rng.uniform(0, r)))
                }
                if engine.settings[j].integerValued {
                    cands = cands.map { engine.nearestObserved(j, $0, lo: lo, hi: hi, fallback: x) }
                }
                let now = search.currentCost(i, j)
                if let (v, cost) = search.best(i, j, among: cands), cost < now {
                    search.move(i, j, to: v); moved = true
                }
            }
            if moved && undoesMisclassification(i, before: before) {
                for j in (0..<d).reversed() where engine.values[i * d + j] != before[j] { search.move(i, j, to: before[j]) }
                moved = false
            }
            if moved { changed.append(i) }
        }
        return changed
    }
}

