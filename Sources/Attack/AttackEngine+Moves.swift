import Columnar

extension AttackEngine {
    /// The interval feature j of event i may take, or nil if it is frozen: the nominal sample's range,
    /// intersected with the envelope x₀ ± k·σ when the feature has one (envelope mode: required) and with
    /// the event's own bounds when the problem gives them.
    func allowedInterval(event i: Int, feature j: Int) -> (Double, Double)? {
        let s = settings[j]
        if s.frozen || !(upper[j] > lower[j]) { return nil }
        var lo = lower[j], hi = upper[j]
        if let env = s.envelope {
            let x0 = nominal[i * d + j]
            let sigma: Double
            switch env {
            case .absolute(let a): sigma = abs(a)
            case .relative(let r): sigma = abs(r * x0)
            }
            lo = max(lo, x0 - configuration.envelopeK * sigma)
            hi = min(hi, x0 + configuration.envelopeK * sigma)
        } else if configuration.mode == .envelope {
            return nil
        }
        if let b = eventBounds[j] { lo = max(lo, b.lower[i]); hi = min(hi, b.upper[i]) }
        return hi > lo ? (lo, hi) : nil
    }

    /// Moves fooled events back toward their nominal values when that lowers the cost, keeps every bound
    /// and keeps them fooled (our version of the reference's optimize_already_fooled; see docs/attack.md).
    func reoptimizeFooled(fooled: [Bool]) {
        var search = FixedSearch(engine: self)
        let fractions = [1.0, 0.75, 0.5, 0.25]
        for i in 0..<n where fooled[i] {
            for j in 0..<d where allowedInterval(event: i, feature: j) != nil {
                let x = values[i * d + j], x0 = nominal[i * d + j]
                if x == x0 { continue }
                var cands = fractions.map { x + $0 * (x0 - x) }
                if settings[j].integerValued { cands = cands.filter { observedValues[j].contains($0) } }
                if cands.isEmpty { continue }
                // Keep only values that leave the event fooled.
                var rows = [Double](); rows.reserveCapacity(cands.count * d)
                for c in cands { var r = Array(values[i * d ..< (i + 1) * d]); r[j] = c; rows.append(contentsOf: r) }
                let s = classifier.scores(FeatureMatrix(rows: cands.count, columns: d, values: rows))
                let stillFooled = cands.indices.filter { (s[$0] > 0.5 ? 1.0 : 0.0) != labels[i] }.map { cands[$0] }
                if stillFooled.isEmpty { continue }
                let now = search.currentCost(i, j)
                if let (v, cost) = search.best(i, j, among: stillFooled), cost < now { search.move(i, j, to: v) }
            }
        }
    }

    /// One FGSM step (from nominal) or PGD step (from the current values) for the `active` events.
    func gradientStep(active: [Int], iteration: Int) -> Int {
        let grads = lossGradients(rows: active)
        let eps = configuration.epsilon
        let eta = configuration.pgdStep ?? 2.5 * eps / Double(configuration.iterations)
        var changed = 0
        for (a, i) in active.enumerated() {
            var moved = false
            for j in 0..<d where !settings[j].frozen {
                let g = grads[a * d + j]
                let sign: Double = g > 0 ? 1 : (g < 0 ? -1 : 0)
                let sigma = featureStd[j], x0 = nominal[i * d + j]
                let lo = max(lower[j], x0 - eps * sigma), hi = min(upper[j], x0 + eps * sigma)
                var v = configuration.mode == .fgsm ? x0 + eps * sigma * sign : values[i * d + j] + eta * sigma * sign
                v = min(hi, max(lo, v))
                if settings[j].integerValued { v = nearestObserved(j, v, lo: lo, hi: hi, fallback: x0) }
                if v != values[i * d + j] { values[i * d + j] = v; moved = true }
            }
            if moved { changed += 1 }
        }
        return changed
    }

    /// The observed value of feature j nearest to v inside [lo, hi], else `fallback`.
    func nearestObserved(_ j: Int, _ v: Double, lo: Double, hi: Double, fallback: Double) -> Double {
        let obs = observedValues[j]
        let k = lowerBound(obs, v)
        var best = fallback, dist = Double.infinity
        for c in [k - 1, k] where c >= 0 && c < obs.count && obs[c] >= lo && obs[c] <= hi {
            if abs(obs[c] - v) < dist { dist = abs(obs[c] - v); best = obs[c] }
        }
        return best
    }
}
