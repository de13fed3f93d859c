import ArgumentParser
import Foundation

/// `conservattack shard plan|attack|merge|validate`: the steps of a sharded run, for driving any engine
/// (a shell loop, HTCondor, Slurm by hand). `run CONFIG --shards N [--slurm]` runs them for you.
struct ShardCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shard",
        abstract: "The steps of a sharded attack: plan, attack one shard, merge, validate (see docs/scale-out.md).",
        discussion: """
        Example (a shell loop; every step reads and writes the shared work directory W):
          conservattack shard plan analysis.toml --shards 8 --work-dir W
          for i in $(seq 0 7); do conservattack shard attack --work-dir W --index $i & done; wait
          conservattack shard merge --work-dir W && conservattack shard validate --work-dir W
        """,
        subcommands: [Plan.self, Attack.self, Merge.self, Validate.self]
    )

    struct Plan: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Read the input once, split it into N shards, write WORK/plan.json; print the shards still to run.")
        @Argument(help: "Run configuration (TOML).") var config: String
        @Option(name: .long, help: "Number of shards.") var shards: Int
        @Option(name: .long, help: "Shared work directory (default: beside the outputs).") var workDir: String?
        @Option(name: .customLong("set"), help: "Override a setting: section.key=value (repeatable).") var overrides: [String] = []

        func run() throws {
            try reportingErrors {
                let text: String
                do { text = try String(contentsOfFile: config, encoding: .utf8) } catch {
                    throw ValidationError("cannot read \(config): \(error.localizedDescription)")
                }
                let cfg = try RunConfiguration.parse(text, origin: config, overrides: overrides,
                                                     baseDirectory: URL(fileURLWithPath: config).deletingLastPathComponent())
                let pipeline = RunPipeline(configuration: cfg, quiet: true)
                let plan = try ShardPlan.make(configPath: config, configText: text, overrides: overrides, shards: shards,
                                              pipeline: pipeline, inputs: try pipeline.loadInputs())
                let work = workDir.map { ShardWorkDirectory(path: URL(fileURLWithPath: $0).standardizedFileURL.path) } ?? .beside(cfg)
                let missing = try work.install(plan) { FileHandle.standardError.write(Data("conservattack: \($0)\n".utf8)) }
                emit("plan: \(work.planPath) (\(plan.events) events in \(plan.shards) shards)\nshards to run: "
                     + (missing.isEmpty ? "none" : missing.map { String($0) }.joined(separator: " ")))
            }
        }
    }

    struct Attack: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Attack one shard of the plan; its result goes atomically to WORK/shards/.",
            discussion: "--index defaults to $SLURM_ARRAY_TASK_ID (or $CONSERVATTACK_SHARD), so a job array needs no arguments per task.")
        @Option(name: .long, help: "Shared work directory holding plan.json.") var workDir: String
        @Option(name: .long, help: "Shard index, 0-based.") var index: Int?
        @Flag(name: .long, help: "No progress output.") var quiet = false

        func run() throws {
            try reportingErrors {
                let env = ProcessInfo.processInfo.environment
                guard let i = index ?? env["SLURM_ARRAY_TASK_ID"].flatMap(Int.init) ?? env["CONSERVATTACK_SHARD"].flatMap(Int.init) else {
                    throw ValidationError("give --index (or set SLURM_ARRAY_TASK_ID)")
                }
                let path = try ShardWork(work: ShardWorkDirectory(path: workDir), index: i, quiet: quiet).run()
                emit("shard \(i) → \(path)")
            }
        }
    }

    struct Merge: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check every shard result, merge them in input order, measure (and repair) on the whole sample, write the ntuple(s) and metrics.json.")
        @Option(name: .long, help: "Shared work directory.") var workDir: String
        @Flag(name: .long, help: "Replace existing outputs.") var force = false
        @Flag(name: .long, help: "No progress output.") var quiet = false

        func run() throws {
            try reportingErrors {
                let work = ShardWorkDirectory(path: workDir)
                let merged = try ShardMerge(work: work, quiet: quiet, force: force).run()
                let line = ShardMerge.summary(merged) + "\nattack: " + AttackJob.summary(merged.outcome.result.metrics)
                    + "\noutputs: " + merged.files.joined(separator: ", ")
                try writeAtomically(Array((line + "\n").utf8), to: work.path + "/merge.txt")
                emit(line)
            }
        }
    }

    struct Validate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the standard checks on the merged output and write the report; the summary also goes to WORK/summary.txt.")
        @Option(name: .long, help: "Shared work directory.") var workDir: String
        @Flag(name: .long, help: "Replace an existing report.") var force = false
        @Flag(name: .long, help: "No progress output.") var quiet = false

        func run() throws {
            try reportingErrors {
                let work = ShardWorkDirectory(path: workDir)
                let summary = try ShardValidation(work: work, quiet: quiet).run()
                try writeAtomically(Array((summary + "\n").utf8), to: work.path + "/summary.txt")
                emit(summary)
            }
        }
    }
}
