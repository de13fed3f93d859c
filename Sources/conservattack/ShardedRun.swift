import ArgumentParser
import Attack
import Columnar
import Foundation

/// `conservattack run CONFIG --shards N [--slurm]`: plans the shards, runs the missing ones (processes on this
/// machine, or a Slurm job array), merges them on the whole sample and validates, leaving the same outputs as
/// a single run. Results live in the work directory, so a rerun only runs what is missing.
struct ShardedRun {
    var configPath: String
    var overrides: [String]
    var shards: Int
    var slurm = false
    var sbatchArguments: [String] = []
    var workDirectory: String?
    var force = false
    var quiet = false
    var verbose = false

    /// Runs; returns the summary.
    func run() throws -> String {
        let text: String
        do { text = try String(contentsOfFile: configPath, encoding: .utf8) } catch {
            throw ValidationError("cannot read \(configPath): \(error.localizedDescription)")
        }
        let cfg = try RunConfiguration.parse(text, origin: configPath, overrides: overrides,
                                             baseDirectory: URL(fileURLWithPath: configPath).deletingLastPathComponent())
        let pipeline = RunPipeline(configuration: cfg, quiet: quiet, verbose: verbose, force: force)
        try pipeline.checkOutputs()
        let inputs = try pipeline.loadInputs()
        let plan = try ShardPlan.make(configPath: configPath, configText: text, overrides: overrides, shards: shards,
                                      pipeline: pipeline, inputs: inputs)
        let work = workDirectory.map { ShardWorkDirectory(path: URL(fileURLWithPath: $0).standardizedFileURL.path) }
            ?? ShardWorkDirectory.beside(cfg)
        let missing = try work.install(plan) { note($0, verbose: true) }
        if missing.count < plan.shards {
            say("\(plan.shards - missing.count) of \(plan.shards) shard results already in \(work.path): running \(missing.count)")
        }
        if slurm {
            return try SlurmDriver(work: work, plan: plan, shards: missing, sbatchArguments: sbatchArguments,
                                   force: force, quiet: quiet).run()
        }
        let cores = ProcessInfo.processInfo.activeProcessorCount
        try LocalShardRunner(work: work, shards: missing, parallel: max(1, min(cores, plan.shards)), quiet: quiet).run()
        let merged = try ShardMerge(work: work, quiet: quiet, force: force).run(inputs: inputs)
        var files = merged.files
        let outcome = try pipeline.validate(inputs, perturbed: merged.table, features: plan.features,
                                            metrics: merged.outcome.result.metrics, files: &files)
        return RunPipeline.summary(outcome) + "\n" + ShardMerge.summary(merged)
    }

    private func say(_ s: String) { if !quiet { FileHandle.standardError.write(Data("shards: \(s)\n".utf8)) } }
}
