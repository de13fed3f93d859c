import ArgumentParser
import Attack
import Columnar
import Foundation

/// The validation step of a sharded run (`conservattack shard validate`, the last Slurm job): the standard
/// checks on the merged output as written by `shard merge`, and the report.
struct ShardValidation {
    var work: ShardWorkDirectory
    var quiet = false

    func run() throws -> String {
        let plan = try work.loadPlan()
        let cfg = try plan.configuration()
        let pipeline = RunPipeline(configuration: cfg, quiet: quiet)
        let inputs = try pipeline.loadInputs()
        guard let written = cfg.outputArrow ?? cfg.outputROOT.map({ $0 + ":events" }),
              FileManager.default.fileExists(atPath: cfg.outputArrow ?? cfg.outputROOT ?? "") else {
            throw ValidationError("no merged output (\(cfg.outputArrow ?? cfg.outputROOT ?? "?")): run `conservattack shard merge --work-dir \(work.path)` first")
        }
        let perturbed = try TableIO.read(written)
        let metrics: AttackMetrics
        do { metrics = try JSONDecoder().decode(AttackMetrics.self, from: Data(contentsOf: URL(fileURLWithPath: cfg.metrics))) } catch {
            throw ValidationError("\(cfg.metrics): cannot read the merged metrics: \(error)")
        }
        var files = pipeline.attackOutputs
        let outcome = try pipeline.validate(inputs, perturbed: perturbed, features: plan.features, metrics: metrics, files: &files)
        let merge = (try? String(contentsOfFile: work.path + "/merge.txt", encoding: .utf8))?.split(separator: "\n").first.map(String.init)
        return RunPipeline.summary(outcome) + (merge.map { "\n" + $0 } ?? "")
    }
}
