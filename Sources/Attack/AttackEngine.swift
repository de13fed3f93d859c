import Columnar
import Dispatch
import Foundation
import Model
import Statistics

/// Runs CONSERVAttack (and the FGSM/PGD baselines) on one problem with one classifier.
///
/// Per iteration: rebuild the constraint state from the current values (exact, and what makes a resumed
/// run identical), compute loss gradients of the not-yet-fooled events (in parallel, per row), search each
/// such event in sequence (each sees the histograms and moments the previous ones left), re-classify,
/// optionally re-optimise fooled events, measure, and keep the best iteration that meets the global bounds.
public final class AttackEngine {
    public let configuration: AttackConfiguration
    let classifier: any DifferentiableClassifier
    let n: Int, d: Int
    let nominal: [Double]
    let labels: [Double]
    let weights: [Double]
    let settings: [FeatureSettings]
    /// Per feature: per-event bounds on its value (nil: none).
    let eventBounds: [PerEventBounds?]
    let populationNames: [String]
    let populationMasks: [[Bool]]
    let featureNames: [String]
    /// Per-feature range of the nominal inclusive sample (the histogram range and the value box).
    let lower: [Double], upper: [Double]
    /// Weighted standard deviation per feature (FGSM/PGD scale).
    let featureStd: [Double]
    /// Sorted distinct nominal values of integer-valued features (empty otherwise).
    let observedValues: [[Double]]
    let state: ConstraintState
    /// The KS constraint (configuration.ksThreshold set, search modes).
    let ks: KolmogorovBound?
    var values: [Double]
    var initiallyCorrect: [Bool] = []
    /// Candidates per SIMD step of the correlation pass (4; 1 = scalar only), for tests.
    var correlationVectorWidth = 4
    /// Boundary search: run the compensation sweep (measurements of what it is worth).
    public var compensationEnabled = true
    /// Boundary search knobs for measurements (nil: the defaults of BoundarySearch).
    public var experimentRounds: Int? = nil, experimentCompensationReach: Double? = nil,
               experimentCompensationCandidates: Int? = nil, experimentGreedyFallback: Bool? = nil

    func applyExperimentKnobs(_ s: inout BoundarySearch) {
        if let r = experimentRounds { s.rounds = r }
        if let r = experimentCompensationReach { s.compensationReach = r }
        if let c = experimentCompensationCandidates { s.compensationCandidates = c }
        if let f = experimentGreedyFallback { s.greedyFallback = f }
    }

    /// - Parameter shard: set when `problem` is one shard of a larger sample: the global histogram grid and
    ///   this shard's share of the constraint budget (see ShardBudget).
    public init(problem: AttackProblem, classifier: any DifferentiableClassifier,
                configuration: AttackConfiguration, shard: ShardBudget? = nil) throws {
        try configuration.validate()
        let x = problem.features
        n = x.rows; d = x.columns
        guard classifier.inputCount == d else { throw AttackError.classifierMismatch(expectedInputs: classifier.inputCount, got: d) }
        guard problem.labels.count == n else { throw AttackError.shapeMismatch(what: "labels", expected: n, got: problem.labels.count) }
        if let w = problem.weights, w.count != n { throw AttackError.shapeMismatch(what: "weights", expected: n, got: w.count) }
        if let s = problem.featureSettings, s.count != d { throw AttackError.shapeMismatch(what: "feature settings", expected: d, got: s.count) }
        if let b = problem.eventBounds {
            if b.count != d { throw AttackError.shapeMismatch(what: "event bounds", expected: d, got: b.count) }
            for case let (j, bounds?) in b.enumerated() {
                for (what, a) in [("lower", bounds.lower), ("upper", bounds.upper)] where a.count != n {
                    throw AttackError.shapeMismatch(what: "event bounds (\(what)) of feature \(j)", expected: n, got: a.count)
                }
            }
        }
        for r in problem.regions where r.mask.count != n {
            throw AttackError.shapeMismatch(what: "region \(r.name) mask", expected: n, got: r.mask.count)
        }
        if n == 0 { throw AttackError.shapeMismatch(what: "events", expected: 1, got: 0) }
        for i in 0..<n {
            for j in 0..<d where !x.values[i * d + j].isFinite { throw AttackError.nonFiniteValue(what: "features", row: i, column: j) }
            if !problem.labels[i].isFinite { throw AttackError.nonFiniteValue(what: "labels", row: i, column: 0) }
            if problem.labels[i] != 0 && problem.labels[i] != 1 {
                throw AttackError.invalidParameter(name: "labels[\(i)]", value: "\(problem.labels[i])", reason: "must be 0 or 1")
            }
            if let w = problem.weights, !w[i].isFinite { throw AttackError.nonFiniteValue(what: "weights", row: i, column: 0) }
        }
        if configuration.referenceQuirks && (problem.weights != nil || !problem.regions.isEmpty) {
            throw AttackError.invalidParameter(name: "reference_quirks", value: "true",
                                               reason: "the reference has no event weights or regions")
        }
        self.configuration = configuration
        self.classifier = classifier
        nominal = x.values; values = x.values
        labels = problem.labels
        weights = problem.weights ?? Array(repeating: 1, count: n)
        settings = problem.featureSettings ?? Array(repeating: FeatureSettings(), count: d)
        eventBounds = problem.eventBounds ?? Array(repeating: nil, count: d)
        populationNames = ["inclusive"] + problem.regions.map(\.name)
        populationMasks = [Array(repeating: true, count: n)] + problem.regions.map(\.mask)
        featureNames = x.names.count == d ? x.names : (0..<d).map { "x\($0)" }
        var lo = [Double](repeating: .infinity, count: d), hi = [Double](repeating: -.infinity, count: d)
        var sw = 0.0, s1 = [Double](repeating: 0, count: d), s2 = s1
        for i in 0..<n {
            let w = problem.weights?[i] ?? 1
            sw += w
            for j in 0..<d {
                let v = x.values[i * d + j]
                lo[j] = min(lo[j], v); hi[j] = max(hi[j], v); s1[j] += w * v
            }
        }
        for i in 0..<n {
            let w = problem.weights?[i] ?? 1
            for j in 0..<d { let e = x.values[i * d + j] - (sw != 0 ? s1[j] / sw : 0); s2[j] += w * e * e }
        }
        try shard?.validate(features: d, populations: 1 + problem.regions.count)
        if let shard { lo = shard.lower; hi = shard.upper }
        lower = lo; upper = hi
        featureStd = s2.map { sw > 0 && $0 > 0 ? ($0 / sw).squareRoot() : 0 }
        observedValues = (0..<d).map { j in
            guard (problem.featureSettings?[j].integerValued ?? false) else { return [] }
            return Array(Set((0..<x.rows).map { x.values[$0 * x.columns + j] })).sorted()
        }
        // checks mode: the validation's chi2 has no systematic term.
        state = ConstraintState(nominal: FeatureMatrixView(x), weights: problem.weights ?? Array(repeating: 1, count: n),
                                populations: populationMasks, bins: configuration.bins,
                                relativeSystematic: configuration.mode == .checks ? Array(repeating: 0, count: d) : settings.map(\.relativeSystematic),
                                lower: lo, upper: hi)
        let enforced = configuration.enforced
        if let t = enforced.ksThreshold, [AttackMode.jsd, .chi2, .envelope, .checks].contains(configuration.mode) {
            let s = state
            ks = KolmogorovBound(nominal: FeatureMatrixView(x), weights: s.weights, popStart: s.popStart,
                                 popList: s.popList, totalWeight: s.totalWeight, threshold: t,
                                 shared: shard?.kolmogorov)
        } else {
            ks = nil
        }
        // ndf 0 (one used bin): the p-value is 1 for χ² = 0 and 0 otherwise (SpecialFunctions.chi2Survival, shared
        // with the validation), so the admissible χ² is 0, as the metric computes it. A shard gets 1/N of it (ShardBudget).
        let chi2Share = 1 / Double(shard?.shards ?? 1)
        chi2Critical = (0...configuration.bins).map {
            SpecialFunctions.chi2Critical(p: enforced.chi2Threshold, ndf: $0) * chi2Share
        }
        checkJSDCaps = configuration.mode == .checks ? AttackEngine.jsdThresholds(state, configuration) : []
    }

    /// checks mode, per (population, feature): the JS distance at which `validate` notices (CheckThresholds with k the
    /// bins non-empty in the nominal histogram — the validation counts bins non-empty in either sample, so its
    /// threshold is never lower — and the Kish size of the population for both samples), less a 1e-6 margin.
    let checkJSDCaps: [Double]

    static func jsdThresholds(_ state: ConstraintState, _ cfg: AttackConfiguration) -> [Double] {
        let d = state.d, bins = state.bins
        var sw = [Double](repeating: 0, count: state.populationCount), sw2 = sw
        for i in 0..<state.n {
            for q in state.popStart[i]..<state.popStart[i + 1] {
                sw[state.popList[q]] += state.weights[i]; sw2[state.popList[q]] += state.weights[i] * state.weights[i]
            }
        }
        var caps = [Double](repeating: 0, count: state.populationCount * d)
        for p in 0..<state.populationCount {
            let ne = CheckThresholds.kishSize(sumW: sw[p], sumW2: sw2[p])
            for j in 0..<d {
                let base = (p * d + j) * bins
                let k = (0..<bins).filter { state.refContent[base + $0] != 0 }.count
                caps[p * d + j] = (1 - 1e-6) * CheckThresholds.jsdThreshold(
                    threshold: cfg.checkJSDThreshold, statisticalFloor: cfg.checkJSDFloor, bins: k, n1: ne, n2: ne,
                    alpha: cfg.checkAlpha, base: 2)
            }
        }
        return caps
    }

    /// χ² value at the chi2 threshold, indexed by degrees of freedom.
    let chi2Critical: [Double]

    /// Runs the remaining iterations (all, or those after `checkpoint`) and returns the output state.
    /// - Parameters:
    ///   - checkpoint: resume from this state (must come from the same problem and configuration).
    ///   - progress: called every few thousand events and after each iteration.
    ///   - onCheckpoint: called after each iteration with the state to resume from.
    public func run(resumingFrom checkpoint: AttackCheckpoint? = nil,
                    progress: ((AttackProgress) -> Void)? = nil,
                    onCheckpoint: ((AttackCheckpoint) throws -> Void)? = nil) throws -> AttackResult {
        let cfg = configuration
        let nominalScores = scores(nominal)
        initiallyCorrect = (0..<n).map { (nominalScores[$0] > 0.5 ? 1.0 : 0.0) == labels[$0] }
        let correctCount = initiallyCorrect.filter { $0 }.count
        var fooled = [Bool](repeating: false, count: n)
        var history: [IterationMetrics] = []
        var bestValues: [Double]? = nil, bestIteration: Int? = nil, bestFooling = -1.0
        var elapsed = 0.0, startIteration = 0
        values = nominal
        if let cp = checkpoint {
            var mine = cfg, theirs = cp.configuration
            mine.threads = 1; theirs.threads = 1
            guard mine == theirs else { throw AttackError.checkpointMismatch(reason: "configuration differs") }
            guard cp.events == n, cp.featureCount == d, cp.values.count == n * d, cp.fooled.count == n else {
                throw AttackError.checkpointMismatch(reason: "shape \(cp.events)×\(cp.featureCount) vs \(n)×\(d)")
            }
            values = cp.values; fooled = cp.fooled; history = cp.iterations
            bestValues = cp.bestValues; bestIteration = cp.bestIteration; bestFooling = cp.bestFoolingRatio
            elapsed = cp.seconds; startIteration = cp.completedIterations
        }
        let totalIterations = cfg.mode == .fgsm ? 1 : cfg.iterations
        let quirk: ReferenceQuirkSearch? = cfg.referenceQuirks ? ReferenceQuirkSearch(engine: self) : nil
        var it = startIteration
        while it < totalIterations {
            let clock = ContinuousClock(), t0 = clock.now
            rebuildState()
            let active = (0..<n).filter { initiallyCorrect[$0] && !fooled[$0] }
            let ratioBefore = correctCount > 0 ? Double(fooled.filter { $0 }.count) / Double(correctCount) : 0
            var changed = 0
            switch cfg.mode {
            case .fgsm, .pgd:
                changed = gradientStep(active: active, iteration: it)
            case .jsd, .chi2, .envelope, .checks:
                if cfg.search == .greedy || quirk != nil {
                    changed = greedyPass(active: active, iteration: it, quirk: quirk, totalIterations: totalIterations,
                                         ratioBefore: ratioBefore, progress: progress)
                    break
                }
                let grads = lossGradients(rows: active)
                let start = scores(values, rows: active)
                var search = BoundarySearch(engine: self)
                applyExperimentKnobs(&search)
                changed = search.iterate(active: active, gradients: grads, scores: start, iteration: it, fooled: &fooled,
                                         compensation: compensationEnabled) { k in
                    if let progress, (k + 1) % 4096 == 0 {
                        progress(AttackProgress(iteration: it + 1, iterations: totalIterations, eventsDone: k + 1,
                                                eventsTotal: active.count, foolingRatio: ratioBefore))
                    }
                }
            }
            let s = scores(values, rows: active)
            for (a, i) in active.enumerated() where (s[a] > 0.5 ? 1.0 : 0.0) != labels[i] { fooled[i] = true }
            if cfg.optimizeFooled && [AttackMode.jsd, .chi2, .envelope, .checks].contains(cfg.mode) {
                rebuildState()
                reoptimizeFooled(fooled: fooled)
            }
            rebuildState()
            let fooledCount = fooled.filter { $0 }.count
            let ratio = correctCount > 0 ? Double(fooledCount) / Double(correctCount) : 0
            let m = measure()
            let seconds = Double((clock.now - t0).components.attoseconds) * 1e-18 + Double((clock.now - t0).components.seconds)
            elapsed += seconds
            let met = constraintsMet(m)
            history.append(IterationMetrics(iteration: it + 1, foolingRatio: ratio, maxJSD: m.maxJSD,
                                            relCorrChange: m.relCorr, minChi2P: cfg.mode == .chi2 || cfg.mode == .checks ? m.minP : nil,
                                            constraintsMet: met, changedEvents: changed, seconds: seconds))
            let outputsLast = cfg.mode == .fgsm || cfg.mode == .pgd
            if (met || outputsLast) && (ratio > bestFooling || outputsLast) {
                bestFooling = ratio; bestIteration = it + 1; bestValues = values
            }
            it += 1
            progress?(AttackProgress(iteration: it, iterations: totalIterations, eventsDone: active.count,
                                     eventsTotal: active.count, foolingRatio: ratio))
            let cp = AttackCheckpoint(configuration: cfg, events: n, featureCount: d, completedIterations: it,
                                      values: values, fooled: fooled, bestValues: bestValues,
                                      bestIteration: bestIteration, bestFoolingRatio: bestFooling,
                                      iterations: history, seconds: elapsed)
            try onCheckpoint?(cp)
        }
        // Output: best constraint-satisfying iteration, else the last one.
        let outValues = bestValues ?? values
        let outIteration = bestIteration ?? history.count
        let lastValues = values
        values = outValues
        rebuildState()
        let outScores = scores(outValues)
        let outFooled = (0..<n).map { initiallyCorrect[$0] && (outScores[$0] > 0.5 ? 1.0 : 0.0) != labels[$0] }
        let m = measure()
        let fooledCount = outFooled.filter { $0 }.count
        let metrics = AttackMetrics(
            mode: cfg.mode, events: n, initiallyCorrect: correctCount, fooled: fooledCount,
            foolingRatio: correctCount > 0 ? Double(fooledCount) / Double(correctCount) : 0,
            maxJSD: m.maxJSD, relCorrChange: m.relCorr, minChi2P: cfg.mode == .chi2 || cfg.mode == .checks ? m.minP : nil,
            constraintsMet: constraintsMet(m),
            bestIteration: outIteration, seconds: elapsed, features: featureNames,
            populations: m.populations, iterations: history, configuration: cfg)
        let finalCheckpoint = AttackCheckpoint(configuration: cfg, events: n, featureCount: d,
                                               completedIterations: history.count, values: lastValues,
                                               fooled: fooled, bestValues: bestValues, bestIteration: bestIteration,
                                               bestFoolingRatio: bestFooling, iterations: history, seconds: elapsed)
        return AttackResult(perturbed: FeatureMatrix(rows: n, columns: d, values: outValues, names: featureNames),
                            fooled: outFooled, initiallyCorrect: initiallyCorrect, metrics: metrics,
                            checkpoint: finalCheckpoint)
    }

    /// The greedy pass (the reference's order: every active event, cheapest admissible candidate per feature).
    func greedyPass(active: [Int], iteration it: Int, quirk: ReferenceQuirkSearch?, totalIterations: Int,
                    ratioBefore: Double, progress: ((AttackProgress) -> Void)?) -> Int {
        let cfg = configuration
        var changed = 0
        let grads = lossGradients(rows: active)
        var search = FixedSearch(engine: self)
        for (a, i) in active.enumerated() {
            let g = grads[a * d ..< (a + 1) * d]
            var rng = SplitMix64(seed: cfg.seed, stream: UInt64(it), substream: UInt64(i))
            let moved: Bool
            if let quirk { moved = quirk.searchEvent(i, gradient: g, rng: &rng) }
            else { moved = search.searchEvent(i, gradient: g, rng: &rng) }
            if moved { changed += 1 }
            if let progress, (a + 1) % 4096 == 0 {
                progress(AttackProgress(iteration: it + 1, iterations: totalIterations, eventsDone: a + 1,
                                        eventsTotal: active.count, foolingRatio: ratioBefore))
            }
        }
        return changed
    }

    /// Recomputes the constraint state (and the KS tracker) from the current values.
    func rebuildState() {
        state.rebuild(FeatureMatrixView(rows: n, columns: d, values: values))
        ks?.rebuild(values)
    }

    struct Measurement {
        var maxJSD: Double; var relCorr: Double; var minP: Double; var populations: [PopulationMetrics]
        /// Some nominally constant feature is no longer constant in some population.
        var constantBroken = false
        /// The KS constraint holds (true when there is none).
        var ksWithinLimits = true
    }

    /// Metrics of the current state (call after `state.rebuild`).
    func measure() -> Measurement {
        var maxJ = 0.0, maxC = 0.0, minP = 1.0, pops: [PopulationMetrics] = [], broken = false
        for p in 0..<state.populationCount {
            let js = (0..<d).map { state.jsd(p, $0) }
            let ps = (0..<d).map { state.chi2(p, $0).pValue }
            let rc = state.relativeCorrelationChange(p)
            maxJ = max(maxJ, js.max() ?? 0); maxC = max(maxC, rc); minP = min(minP, ps.min() ?? 1)
            let constant = (0..<d).filter { state.nominallyConstant[p * d + $0] }
            let changed = constant.filter { !state.keepsConstant(p, $0) }
            broken = broken || !changed.isEmpty
            pops.append(PopulationMetrics(name: populationNames[p], events: populationMasks[p].filter { $0 }.count,
                                          maxJSD: js.max() ?? 0, relCorrChange: rc, jsd: js, chi2P: ps,
                                          ksDistance: ks.map { k in (0..<d).map { k.distance(p, $0) } },
                                          constantFeatures: constant.isEmpty ? nil : constant.map { featureNames[$0] },
                                          constantFeaturesChanged: changed.isEmpty ? nil : changed.map { featureNames[$0] }))
        }
        return Measurement(maxJSD: maxJ, relCorr: maxC, minP: minP, populations: pops, constantBroken: broken,
                           ksWithinLimits: ks?.allWithinLimits ?? true)
    }

    /// The global constraints of the configured mode (fgsm/pgd: the jsd-mode bounds, for information).
    func constraintsMet(_ m: Measurement) -> Bool {
        let cfg = configuration
        switch cfg.mode {
        case .jsd, .fgsm, .pgd:
            return m.maxJSD <= cfg.constraintJSD && m.relCorr <= cfg.constraintRelCorr && !m.constantBroken && m.ksWithinLimits
        case .chi2:
            return m.minP >= cfg.chi2Threshold && m.relCorr <= cfg.constraintRelCorr && !m.constantBroken && m.ksWithinLimits
        case .envelope: return m.ksWithinLimits
        case .checks:
            let jsdWithin = m.populations.indices.allSatisfy { p in
                (0..<d).allSatisfy { m.populations[p].jsd[$0] <= checkJSDCaps[p * d + $0] }
            }
            return m.minP >= cfg.checkAlpha && m.relCorr <= cfg.checkCorrelationThreshold && jsdWithin
                && !m.constantBroken && m.ksWithinLimits
        }
    }

    // MARK: classifier calls, parallel over rows (each row's result is independent of the split).

    func scores(_ x: [Double], rows: [Int]? = nil) -> [Double] {
        let idx = rows ?? Array(0..<n)
        let classifier = self.classifier
        return parallelRows(idx, source: x, width: 1) { m, _ in classifier.scores(m) }
    }

    func lossGradients(rows: [Int]) -> [Double] {
        let labels = self.labels, classifier = self.classifier
        return parallelRows(rows, source: values, width: d) { m, sub in
            classifier.lossGradient(m, labels: sub.map { labels[$0] }).values
        }
    }

    func parallelRows(_ rows: [Int], source values: [Double], width: Int,
                      _ f: @escaping (FeatureMatrix, ArraySlice<Int>) -> [Double]) -> [Double] {
        if rows.isEmpty { return [] }
        let chunk = 8192
        let chunks = (rows.count + chunk - 1) / chunk
        let results = UnsafeMutableBufferPointer<Double>.allocate(capacity: rows.count * width)
        defer { results.deallocate() }
        let d = self.d
        let body: (Int) -> Void = { c in
            let sub = rows[c * chunk ..< min(rows.count, (c + 1) * chunk)]
            var v = [Double](); v.reserveCapacity(sub.count * d)
            for i in sub { v.append(contentsOf: values[i * d ..< (i + 1) * d]) }
            let out = f(FeatureMatrix(rows: sub.count, columns: d, values: v), sub)
            let base = (c * chunk) * width
            for k in 0..<min(out.count, sub.count * width) { results[base + k] = out[k] }
        }
        let threads = configuration.threads
        if threads <= 1 || chunks == 1 {
            for c in 0..<chunks { body(c) }
        } else {
            let next = ManagedAtomicCounter()
            DispatchQueue.concurrentPerform(iterations: min(threads, chunks)) { _ in
                while true {
                    let c = next.increment()
                    if c >= chunks { break }
                    body(c)
                }
            }
        }
        return Array(results)
    }
}

/// A lock-protected counter handing out chunk indices to worker threads.
final class ManagedAtomicCounter: @unchecked Sendable {
    private var value = 0
    private let lock = NSLock()
    func increment() -> Int { lock.lock(); defer { lock.unlock() }; let v = value; value += 1; return v }
}
