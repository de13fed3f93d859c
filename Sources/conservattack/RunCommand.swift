import ArgumentParser
import Foundation

/// `conservattack run CONFIG.toml`: the main job.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Read → select → attack → validate → write the perturbed ntuple(s) and the report, from one TOML file.",
        discussion: """
        Example: conservattack run analysis.toml --set attack.iterations=3 --set output.report=out/report
        The configuration format is documented in docs/configuration.md; `conservattack demo` writes a complete one.
        """
    )

    @Argument(help: "Run configuration (TOML).") var config: String
    @Option(name: .customLong("set"), help: "Override a setting: section.key=value (repeatable).") var overrides: [String] = []
    @Flag(name: .long, help: "Replace existing outputs.") var force = false
    @Flag(name: .long, help: "Only the summary.") var quiet = false
    @Flag(name: .long, help: "Say what happens at each step.") var verbose = false
    @Option(name: .long, help: "Split the attack into N shards (processes on this machine's cores, or Slurm jobs with --slurm); see docs/scale-out.md.") var shards: Int?
    @Flag(name: .long, help: "Run the shards as a Slurm job array, the merge and validation as dependent jobs.") var slurm = false
    @Option(name: .long, parsing: .unconditional, help: "Extra sbatch arguments for every job, e.g. \"--partition=short --time=1:00:00\".") var sbatchArgs: String?
    @Option(name: .long, help: "Shared work directory of the shards (default: beside the outputs).") var workDir: String?

    func run() throws {
        try reportingErrors {
            if shards != nil || slurm {
                guard let n = shards else { throw ValidationError("--slurm needs --shards N") }
                let summary = try ShardedRun(configPath: config, overrides: overrides, shards: n, slurm: slurm,
                                             sbatchArguments: sbatchArgs.map(SlurmDriver.splitArguments) ?? [], workDirectory: workDir,
                                             force: force, quiet: quiet, verbose: verbose).run()
                emit(summary)
                return
            }
            if sbatchArgs != nil || workDir != nil { throw ValidationError("--sbatch-args and --work-dir need --shards N") }
            let text: String
            do { text = try String(contentsOfFile: config, encoding: .utf8) } catch {
                throw ValidationError("cannot read \(config): \(error.localizedDescription)")
            }
            let cfg = try RunConfiguration.parse(text, origin: config, overrides: overrides,
                                                 baseDirectory: URL(fileURLWithPath: config).deletingLastPathComponent())
            let outcome = try RunPipeline(configuration: cfg, quiet: quiet, verbose: verbose, force: force).run()
            emit(RunPipeline.summary(outcome))
        }
    }
}
