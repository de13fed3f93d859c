import ArgumentParser
import Attack
import Columnar
import Foundation

/// One shard of a sharded attack: reads its events of the input, attacks them under the plan's budget, and
/// writes its result atomically to `WORK/shards/` (what `conservattack shard attack` and each Slurm array task run).
struct ShardWork {
    var work: ShardWorkDirectory
    var index: Int
    var quiet = false

    /// Runs the shard; returns the path of its result.
    @discardableResult
    func run() throws -> String {
        let plan = try work.loadPlan()
        guard index >= 0 && index < plan.shards else {
            throw ValidationError("shard \(index): the plan in \(work.path) has shards 0 to \(plan.shards - 1)")
        }
        let cfg = try plan.configuration()
        let range = plan.range(of: index)
        let pipeline = RunPipeline(configuration: cfg, quiet: quiet)
        let table = try TableIO.read(cfg.simulation, entries: range)
        guard table.rowCount == range.count else {
            throw ValidationError("\(cfg.simulation): shard \(index) expects events \(range.lowerBound)..<\(range.upperBound), read \(table.rowCount) (has the input changed since the plan?)")
        }
        let inputs = try pipeline.loadInputs(nominal: table)
        var job = pipeline.attackJob(inputs)
        job.shard = plan.budget
        guard try job.featureNames() == plan.features else {
            throw ValidationError("shard \(index): the features differ from the plan's (\(plan.features.joined(separator: ",")))")
        }
        let out = try job.run(quiet: quiet)
        let result = ShardResultFile(index: index, count: plan.shards, featureCount: plan.features.count,
                                     firstEvent: range.lowerBound, events: range.count, planDigest: plan.digest,
                                     values: out.result.perturbed.values, metrics: out.result.metrics)
        let path = work.resultPath(index, of: plan.shards)
        try FileManager.default.createDirectory(atPath: work.shardsPath, withIntermediateDirectories: true)
        try result.write(to: path)
        return path
    }
}
