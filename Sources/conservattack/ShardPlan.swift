import ArgumentParser
import Attack
import Columnar
import Foundation

/// The plan of a sharded run, `WORK/plan.json`: the configuration (its text and overrides, so every job runs
/// exactly it), the shards' event ranges and each shard's budget (the global grid, the whole sample's KS
/// cuts and bounds, the chi2 share 1/N; see ShardBudget). Its digest is stamped into every shard result, so
/// a result of another plan is never merged.
struct ShardPlan: Codable, Equatable {
    var version = 1
    /// Absolute path of the configuration file (relative paths in it resolve against its directory).
    var configPath: String
    var configText: String
    var overrides: [String]
    var shards: Int
    var events: Int
    /// Shard i holds events starts[i] ..< starts[i + 1] (contiguous, in input order).
    var starts: [Int]
    var features: [String]
    var budget: ShardBudget

    enum CodingKeys: String, CodingKey {
        case version, configPath = "config_path", configText = "config_text", overrides, shards, events, starts, features, budget
    }

    /// Digest of the plan's canonical JSON.
    var digest: UInt64 { FNV1a.hash((try? Self.encoder.encode(self)) ?? Data()) }

    func range(of shard: Int) -> Range<Int> { starts[shard] ..< starts[shard + 1] }

    /// The run configuration the plan carries.
    func configuration() throws -> RunConfiguration {
        try RunConfiguration.parse(configText, origin: configPath, overrides: overrides,
                                   baseDirectory: URL(fileURLWithPath: configPath).deletingLastPathComponent())
    }

    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys]
        return e
    }()

    /// Plans `shards` shards of the pipeline's nominal sample.
    static func make(configPath: String, configText: String, overrides: [String], shards: Int,
                     pipeline: RunPipeline, inputs: RunPipeline.Inputs) throws -> ShardPlan {
        let n = inputs.nominal.rowCount
        guard shards >= 1 else { throw ValidationError("--shards must be at least 1") }
        guard shards <= n else { throw ValidationError("--shards \(shards): the sample has only \(n) events") }
        let job = pipeline.attackJob(inputs)
        let names = try job.featureNames()
        let (problem, _, _) = try job.problem(inputs.nominal, names: names, eventBounds: false)
        let budget = try ShardBudget.plan(problem, configuration: pipeline.configuration.attack, shards: shards)
        return ShardPlan(configPath: URL(fileURLWithPath: configPath).standardizedFileURL.path, configText: configText,
                         overrides: overrides, shards: shards, events: n,
                         starts: (0...shards).map { $0 * n / shards }, features: names,
                         budget: budget)
    }
}

/// The shared directory of a sharded run: `plan.json`, `shards/shard-IIII-of-NNNN.cas`, `logs/`, `slurm/`.
struct ShardWorkDirectory {
    var path: String

    var planPath: String { path + "/plan.json" }
    var shardsPath: String { path + "/shards" }
    var logsPath: String { path + "/logs" }
    var slurmPath: String { path + "/slurm" }
    func resultPath(_ index: Int, of count: Int) -> String { shardsPath + "/" + ShardResultFile.fileName(index: index, count: count) }
    func logPath(shard index: Int) -> String { logsPath + "/shard-\(index).log" }

    /// The default: beside the outputs (the metrics file's directory).
    static func beside(_ configuration: RunConfiguration) -> ShardWorkDirectory {
        ShardWorkDirectory(path: URL(fileURLWithPath: configuration.metrics).deletingLastPathComponent()
            .appendingPathComponent("conservattack-shards").path)
    }

    func loadPlan() throws -> ShardPlan {
        guard FileManager.default.fileExists(atPath: planPath) else {
            throw ValidationError("\(planPath) is missing: run `conservattack shard plan` first")
        }
        do { return try JSONDecoder().decode(ShardPlan.self, from: Data(contentsOf: URL(fileURLWithPath: planPath))) } catch {
            throw ValidationError("\(planPath): not a shard plan: \(error)")
        }
    }

    /// Writes `plan`, unless the same plan is there already; a different plan makes every shard result stale
    /// (they are removed). Returns the shard indices still to run.
    @discardableResult
    func install(_ plan: ShardPlan, log: (String) -> Void) throws -> [Int] {
        let fm = FileManager.default
        for dir in [path, shardsPath, logsPath] { try fm.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        if let old = try? loadPlan(), old == plan {
            return missing(plan)
        }
        if fm.fileExists(atPath: planPath) { log("the work directory \(path) holds another plan: its shard results are removed") }
        for f in (try? fm.contentsOfDirectory(atPath: shardsPath)) ?? [] where f.hasSuffix(".cas") {
            try fm.removeItem(atPath: shardsPath + "/" + f)
        }
        try writeAtomically(Array(try ShardPlan.encoder.encode(plan)), to: planPath)
        return Array(0..<plan.shards)
    }

    /// Shards whose result is absent or unreadable, or from another plan.
    func missing(_ plan: ShardPlan) -> [Int] {
        let digest = plan.digest
        return (0..<plan.shards).filter { i in
            guard let r = try? ShardResultFile.read(path: resultPath(i, of: plan.shards)) else { return true }
            return r.planDigest != digest || r.index != i
        }
    }
}
