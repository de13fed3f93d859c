import Columnar
import Foundation

/// The outcome of merging the shards of a sharded attack on the whole sample (AttackEngine.merge).
public struct MergedAttack: Sendable {
    /// The merged (and, if needed, repaired) output, with metrics measured on the whole sample.
    public var result: AttackResult
    /// Whether the shards' merged values met every global constraint before any repair.
    public var constraintsMetBeforeRepair: Bool
    /// The global constraints the merged values failed before the repair (empty: none), e.g.
    /// "chi2 p(met) = 0.031 in CR_2j".
    public var failedBeforeRepair: [String]
    /// Events set back to their nominal values by the repair pass (0 when none was needed).
    public var revertedEvents: Int
    /// Of those, events that were fooled.
    public var revertedFooled: Int
    /// Constraint evaluations the repair pass made (each one a full rebuild of the state).
    public var repairEvaluations: Int
}

extension AttackEngine {
    /// Measures the perturbed `values` of the whole sample (row-major, events × features: the shards' outputs
    /// put back in input order) against every global constraint, exactly as a single run measures its output.
    /// If some constraint fails, repairs: sets events back to their nominal values, first those moved but not
    /// fooled (budget spent for nothing), then the fooled ones that cost most budget per fooled event (the
    /// largest perturbation, in units of each feature's range, of the features whose constraints fail; all
    /// features when the correlation or a constant-feature constraint fails), taking the shortest such prefix
    /// that meets every constraint (doubling, then bisection; the nominal sample always meets them).
    /// - Parameters:
    ///   - iterations: the per-iteration history to report (the shards' combined; see docs/scale-out.md).
    ///   - bestIteration: the iteration reported as output.
    ///   - seconds: the attack time to report.
    public func merge(values merged: [Double], iterations: [IterationMetrics], bestIteration: Int,
                      seconds: Double) throws -> MergedAttack {
        guard merged.count == n * d else { throw AttackError.shapeMismatch(what: "merged values", expected: n * d, got: merged.count) }
        for k in merged.indices where !merged[k].isFinite {
            throw AttackError.nonFiniteValue(what: "merged values", row: k / d, column: k % d)
        }
        let nominalScores = scores(nominal)
        initiallyCorrect = (0..<n).map { (nominalScores[$0] > 0.5 ? 1.0 : 0.0) == labels[$0] }
        values = merged
        rebuildState()
        let before = measure()
        let metBefore = constraintsMet(before)
        let failedBefore = failures(before)
        var reverted = 0, revertedFooled = 0, evaluations = 1
        if !metBefore {
            let order = repairOrder(before, merged: merged)
            // Smallest prefix of `order` whose reversion meets the constraints.
            func meets(_ k: Int) -> Bool {
                values = merged
                for i in order.events[0..<k] { for j in 0..<d { values[i * d + j] = nominal[i * d + j] } }
                rebuildState()
                evaluations += 1
                return constraintsMet(measure())
            }
            var good = order.events.count, bad = 0
            var k = max(1, order.unfooled)
            while k < order.events.count {
                if meets(k) { good = k; break }
                bad = k
                k = min(order.events.count, bad + max(1, bad - order.unfooled))   // doubling past the unfooled block
            }
            while good - bad > 1 {
                let mid = (good + bad) / 2
                if meets(mid) { good = mid } else { bad = mid }
            }
            // `good` meets the constraints (all reverted is the nominal sample).
            values = merged
            for i in order.events[0..<good] { for j in 0..<d { values[i * d + j] = nominal[i * d + j] } }
            reverted = good
            revertedFooled = max(0, good - order.unfooled)
        }
        rebuildState()
        let outScores = scores(values)
        let outFooled = (0..<n).map { initiallyCorrect[$0] && (outScores[$0] > 0.5 ? 1.0 : 0.0) != labels[$0] }
        let m = measure()
        let correct = initiallyCorrect.filter { $0 }.count, fooledCount = outFooled.filter { $0 }.count
        let cfg = configuration
        let metrics = AttackMetrics(
            mode: cfg.mode, events: n, initiallyCorrect: correct, fooled: fooledCount,
            foolingRatio: correct > 0 ? Double(fooledCount) / Double(correct) : 0,
            maxJSD: m.maxJSD, relCorrChange: m.relCorr, minChi2P: cfg.mode == .chi2 ? m.minP : nil,
            constraintsMet: constraintsMet(m), bestIteration: bestIteration, seconds: seconds, features: featureNames,
            populations: m.populations, iterations: iterations, configuration: cfg)
        let checkpoint = AttackCheckpoint(configuration: cfg, events: n, featureCount: d, completedIterations: iterations.count,
                                          values: values, fooled: outFooled, bestValues: values, bestIteration: bestIteration,
                                          bestFoolingRatio: metrics.foolingRatio, iterations: iterations, seconds: seconds)
        let result = AttackResult(perturbed: FeatureMatrix(rows: n, columns: d, values: values, names: featureNames),
                                  fooled: outFooled, initiallyCorrect: initiallyCorrect, metrics: metrics, checkpoint: checkpoint)
        return MergedAttack(result: result, constraintsMetBeforeRepair: metBefore, failedBeforeRepair: failedBefore,
                            revertedEvents: reverted,
                            revertedFooled: revertedFooled, repairEvaluations: evaluations)
    }

    /// The global constraints measurement `m` fails, one phrase each.
    func failures(_ m: Measurement) -> [String] {
        let cfg = configuration
        var out: [String] = []
        for (p, pop) in m.populations.enumerated() {
            for j in 0..<d {
                if cfg.mode == .chi2 && pop.chi2P[j] < cfg.chi2Threshold {
                    out.append(String(format: "chi2 p(%@) = %.3g in %@", featureNames[j], pop.chi2P[j], pop.name))
                }
                if (cfg.mode == .jsd || cfg.mode == .fgsm || cfg.mode == .pgd) && pop.jsd[j] > cfg.constraintJSD {
                    out.append(String(format: "JSD(%@) = %.4f in %@", featureNames[j], pop.jsd[j], pop.name))
                }
                if let ks, ks.distance(p, j) > max(ks.limit[p * d + j], 0) {
                    out.append(String(format: "KS distance(%@) = %.4g > %.4g in %@", featureNames[j], ks.distance(p, j),
                                      max(ks.limit[p * d + j], 0), pop.name))
                }
            }
            if cfg.mode != .envelope && pop.relCorrChange > cfg.constraintRelCorr {
                out.append(String(format: "correlation change %.4f in %@", pop.relCorrChange, pop.name))
            }
            for f in pop.constantFeaturesChanged ?? [] { out.append("constant \(f) changed in \(pop.name)") }
        }
        return out
    }

    /// Moved events in the order the repair pass sets them back: the unfooled ones first, then the fooled
    /// ones by decreasing cost (ties: input order).
    private func repairOrder(_ m: Measurement, merged: [Double]) -> (events: [Int], unfooled: Int) {
        let cfg = configuration
        var failing = [Bool](repeating: false, count: d)
        let global = m.relCorr > cfg.constraintRelCorr || m.constantBroken
        for pop in m.populations {
            for j in 0..<d {
                if cfg.mode == .chi2 && pop.chi2P[j] < cfg.chi2Threshold { failing[j] = true }
                if cfg.mode == .jsd && pop.jsd[j] > cfg.constraintJSD { failing[j] = true }
            }
        }
        if let ks, !ks.allWithinLimits {
            for p in 0..<state.populationCount { for j in 0..<d where ks.distance(p, j) > max(ks.limit[p * d + j], 0) { failing[j] = true } }
        }
        if global || !failing.contains(true) { failing = .init(repeating: true, count: d) }
        let s = scores(merged)
        var unfooled: [Int] = [], fooled: [(cost: Double, event: Int)] = []
        for i in 0..<n {
            var moved = false, cost = 0.0
            for j in 0..<d where merged[i * d + j] != nominal[i * d + j] {
                moved = true
                if failing[j] && upper[j] > lower[j] { cost += abs(merged[i * d + j] - nominal[i * d + j]) / (upper[j] - lower[j]) }
            }
            guard moved else { continue }
            if initiallyCorrect[i] && (s[i] > 0.5 ? 1.0 : 0.0) != labels[i] { fooled.append((cost, i)) } else { unfooled.append(i) }
        }
        fooled.sort { ($0.cost, -$0.event) > ($1.cost, -$1.event) }
        return (unfooled + fooled.map(\.event), unfooled.count)
    }
}

extension IterationMetrics {
    /// One iteration's metrics built outside the engine (e.g. combined over the shards of a sharded attack).
    public static func combined(iteration: Int, foolingRatio: Double, maxJSD: Double, relCorrChange: Double, minChi2P: Double?,
                                constraintsMet: Bool, changedEvents: Int, seconds: Double) -> IterationMetrics {
        IterationMetrics(iteration: iteration, foolingRatio: foolingRatio, maxJSD: maxJSD, relCorrChange: relCorrChange,
                         minChi2P: minChi2P, constraintsMet: constraintsMet, changedEvents: changedEvents, seconds: seconds)
    }
}
