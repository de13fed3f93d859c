import ArgumentParser
import Attack
import Columnar
import Foundation

/// Merges the shards of a sharded attack (`conservattack shard merge`): checks that every shard result of
/// the plan is there exactly once and intact, puts the perturbed events back in input order, measures the
/// whole sample against the global constraints (and repairs if one fails: AttackEngine.merge), and writes
/// the perturbed ntuple(s) and metrics.json like a single run. Refuses (nothing written) on a missing,
/// duplicated, corrupt or foreign shard result.
struct ShardMerge {
    var work: ShardWorkDirectory
    var quiet = false
    var force = false

    struct Merged {
        var plan: ShardPlan
        var pipeline: RunPipeline
        var inputs: RunPipeline.Inputs
        var table: EventTable
        var outcome: MergedAttack
        var files: [String]
        var seconds: Double
    }

    /// The plan's shard results, in shard order, after every check.
    static func results(in work: ShardWorkDirectory, plan: ShardPlan) throws -> [ShardResultFile] {
        let fm = FileManager.default
        let names = ((try? fm.contentsOfDirectory(atPath: work.shardsPath)) ?? []).filter { $0.hasSuffix(".cas") && !$0.hasPrefix(".") }.sorted()
        var byIndex: [Int: (String, ShardResultFile)] = [:]
        let digest = plan.digest
        for name in names {
            let path = work.shardsPath + "/" + name
            let r = try ShardResultFile.read(path: path)
            guard r.planDigest == digest, r.count == plan.shards else {
                throw ValidationError("\(path): shard result of another plan (shard \(r.index) of \(r.count)); remove it or rerun that shard")
            }
            if let (other, _) = byIndex[r.index] {
                throw ValidationError("shard \(r.index) is duplicated: \(other) and \(path) both hold it; remove one")
            }
            let range = plan.range(of: r.index)
            guard r.firstEvent == range.lowerBound, r.events == range.count, r.featureCount == plan.features.count,
                  r.values.count == range.count * plan.features.count else {
                throw ValidationError("\(path): shard \(r.index) holds events \(r.firstEvent)..<\(r.firstEvent + r.events) × \(r.featureCount) features; the plan says \(range.lowerBound)..<\(range.upperBound) × \(plan.features.count)")
            }
            byIndex[r.index] = (path, r)
        }
        let missing = (0..<plan.shards).filter { byIndex[$0] == nil }
        guard missing.isEmpty else {
            throw ValidationError("missing shard result\(missing.count > 1 ? "s" : "") \(missing.map { String($0) }.joined(separator: ", ")) of \(plan.shards) (expected \(work.resultPath(missing[0], of: plan.shards))): rerun \(missing.count > 1 ? "them" : "it") with `conservattack shard attack --work-dir \(work.path) --index \(missing[0])`")
        }
        return (0..<plan.shards).map { byIndex[$0]!.1 }
    }

    /// Per iteration over the shards: fooled events summed (the whole sample's fooling ratio), changed events
    /// summed, the worst shard's JSD, correlation change and chi2 p-value (each measured on its shard),
    /// constraints met when every shard met its budget, the longest shard's time.
    static func combinedHistory(_ shards: [AttackMetrics]) -> [IterationMetrics] {
        let count = shards.map(\.iterations.count).max() ?? 0
        let correct = shards.map(\.initiallyCorrect).reduce(0, +)
        return (0..<count).map { t in
            let its = shards.compactMap { $0.iterations.count > t ? $0.iterations[t] : $0.iterations.last }
            var fooled = 0.0
            for (s, it) in zip(shards, its) { fooled += it.foolingRatio * Double(s.initiallyCorrect) }
            let minP = its.compactMap(\.minChi2P).min()
            return IterationMetrics.combined(iteration: t + 1, foolingRatio: correct > 0 ? fooled.rounded() / Double(correct) : 0,
                                    maxJSD: its.map(\.maxJSD).max() ?? 0, relCorrChange: its.map(\.relCorrChange).max() ?? 0,
                                    minChi2P: minP, constraintsMet: its.allSatisfy(\.constraintsMet),
                                    changedEvents: its.map(\.changedEvents).reduce(0, +), seconds: its.map(\.seconds).max() ?? 0)
        }
    }

    /// Merges; `inputs` when the caller has them loaded already (the local `run --shards`).
    func run(inputs given: RunPipeline.Inputs? = nil) throws -> Merged {
        let clock = ContinuousClock(), t0 = clock.now
        let plan = try work.loadPlan()
        let shards = try Self.results(in: work, plan: plan)
        let cfg = try plan.configuration()
        let pipeline = RunPipeline(configuration: cfg, quiet: quiet, force: force)
        try pipeline.checkOutputs()
        let inputs = try given ?? pipeline.loadInputs()
        guard inputs.nominal.rowCount == plan.events else {
            throw ValidationError("\(cfg.simulation) has \(inputs.nominal.rowCount) events, the plan \(plan.events): has the input changed?")
        }
        let job = pipeline.attackJob(inputs)
        let (problem, _, _) = try job.problem(inputs.nominal, names: plan.features, eventBounds: false)
        let engine = try AttackEngine(problem: problem, classifier: inputs.network, configuration: cfg.attack)
        var values: [Double] = []
        values.reserveCapacity(plan.events * plan.features.count)
        for s in shards { values += s.values }
        let metrics = shards.map(\.metrics)
        let merged = try engine.merge(values: values, iterations: Self.combinedHistory(metrics),
                                      bestIteration: metrics.map(\.bestIteration).max() ?? 0,
                                      seconds: metrics.map(\.seconds).max() ?? 0)
        let table = try inputs.nominal.replacingFeatures(plan.features, with: merged.result.perturbed)
        let cfgJSON = String(decoding: try JSONEncoder().encode(cfg.attack), as: UTF8.self)
        let metadata = ["conservattack.perturbed_features": plan.features.joined(separator: ","),
                        "conservattack.version": ConservAttack.version,
                        "conservattack.parameters": cfgJSON,
                        "conservattack.true_class": String(cfg.trueClass),
                        "conservattack.shards": String(plan.shards),
                        "conservattack.repaired_events": String(merged.revertedEvents)]
        let files = try pipeline.writeAttackOutputs(inputs, table: table, metadata: metadata, metrics: merged.result.metrics)
        let elapsed = clock.now - t0
        return Merged(plan: plan, pipeline: pipeline, inputs: inputs, table: table, outcome: merged, files: files,
                      seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
    }

    /// One line on the merge.
    static func summary(_ m: Merged) -> String {
        let o = m.outcome
        let repair = o.constraintsMetBeforeRepair ? "every global constraint met as merged"
            : "as merged: " + o.failedBeforeRepair.prefix(4).joined(separator: "; ") + (o.failedBeforeRepair.count > 4 ? "; …" : "")
              + "; repair: \(o.revertedEvents) events set back to nominal (\(o.revertedFooled) of them fooled), \(o.repairEvaluations) evaluations"
        return String(format: "merge: %d shard%@, %@, %.1f s", m.plan.shards, m.plan.shards == 1 ? "" : "s", repair, m.seconds)
    }
}
