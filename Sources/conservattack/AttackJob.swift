import ArgumentParser
import Attack
import Columnar
import Foundation
import Model
import Selection
import Tables

/// One attack on one ntuple: read, build the problem (features, weights, regions, per-feature settings),
/// run with progress and checkpoints, and put the perturbed features back into the full table.
struct AttackJob {
    var input: String
    var features: [String]?
    var network: FeedForwardNetwork
    var trueClass: Int
    var weight: String?
    var regions: RegionSet?
    /// Regions whose membership every event keeps (default: `regions`). `run` adds the signal region: it does not
    /// constrain the attack, but an event must not leave it (measured on the demo without it: 278 of 412 signal-region
    /// events left it through btag1/btag2, its yield fell 66 %, a shift any yield comparison shows).
    var membershipRegions: RegionSet? = nil
    var frozen: [String] = []
    var envelopes: [String] = []
    var configuration: AttackConfiguration
    var checkpointDirectory: String?
    /// A table already in memory (skips reading `input`).
    var table: EventTable? = nil
    /// What `table` was read from (its kind, name and metadata): the output keeps its kind and name.
    var source: TableDescriptor? = nil
    /// Set when the table is one shard of a larger sample (ShardWork): the global grid and this shard's budget.
    var shard: ShardBudget? = nil

    struct Output {
        var table: EventTable
        var nominal: EventTable
        var result: AttackResult
        var features: [String]
        var weights: [Double]?
        var regionMasks: [(String, [Bool])]
        var metadata: [String: String]
        /// The input table's kind, name and metadata: the output keeps its kind and name.
        var source: TableDescriptor?

        func metricsJSON() throws -> String {
            let enc = JSONEncoder()
            enc.outputFormatting = [.prettyPrinted, .sortedKeys]
            return String(decoding: try enc.encode(result.metrics), as: UTF8.self) + "\n"
        }

        var summary: String { AttackJob.summary(result.metrics) }
    }

    /// One line on the attack's outcome.
    static func summary(_ m: AttackMetrics) -> String {
            return String(format: "fooling ratio %.4f (%d of %d initially correct), largest JSD %.4f, correlation change %.4f, "
                          + "constraints %@, best iteration %d, %.1f s",
                          m.foolingRatio, m.fooled, m.initiallyCorrect, m.maxJSD, m.relCorrChange,
                          m.constraintsMet ? "met" : "NOT met", m.bestIteration, m.seconds)
    }

    /// The perturbed features: `features`, or the model's own names.
    func featureNames() throws -> [String] {
        let names = features ?? network.featureNames ?? []
        guard names.count == network.inputCount else {
            throw ValidationError("the model takes \(network.inputCount) inputs; give --features with that many names")
        }
        return names
    }

    /// The attack problem of `nominal`: features, weights, control-region masks, per-feature settings and
    /// (with `eventBounds`) the per-event region-membership bounds.
    func problem(_ nominal: EventTable, names: [String], eventBounds: Bool = true) throws
        -> (problem: AttackProblem, weights: [Double]?, masks: [(String, [Bool])]) {
        for f in names { _ = try nominal.column(f) }
        let x = try nominal.featureMatrix(names)
        let weights = try weight.map { try CutExpression(parsing: $0).evaluateNumbers(on: nominal) }
        let masks: [(String, [Bool])] = try regions.map { set in try set.regions.map { ($0.name, try $0.cut.evaluateMask(on: nominal)) } } ?? []
        let bounds = eventBounds ? try membershipBounds(names, x: x, table: nominal) : nil
        let problem = AttackProblem(features: x, trueClass: trueClass, weights: weights,
                                    regions: masks.map { ConstraintPopulation(name: $0.0, mask: $0.1) },
                                    featureSettings: try settings(names, table: nominal), eventBounds: bounds)
        return (problem, weights, masks)
    }

    func run(quiet: Bool) throws -> Output {
        let names = try featureNames()
        var source = self.source
        let nominal: EventTable
        if let table { nominal = table } else {
            let opened = try TableIO.open(input)
            source = opened.descriptor
            nominal = try TableIO.read(opened)
        }
        let (problem, weights, masks) = try self.problem(nominal, names: names)
        let engine = try AttackEngine(problem: problem, classifier: network, configuration: configuration, shard: shard)
        let resume = try loadCheckpoint()
        let bar = ProgressLine("attack", quiet: quiet)
        let result = try engine.run(resumingFrom: resume, progress: { p in
            bar.update(p.eventsDone, of: p.eventsTotal,
                       String(format: "iteration %d/%d  fooling %.3f", p.iteration, p.iterations, p.foolingRatio))
        }, onCheckpoint: { c in try saveCheckpoint(c) })
        bar.finish()
        let out = try nominal.replacingFeatures(names, with: result.perturbed)
        let cfgJSON = String(decoding: try JSONEncoder().encode(configuration), as: UTF8.self)
        let metadata = ["conservattack.perturbed_features": names.joined(separator: ","),
                        "conservattack.version": ConservAttack.version,
                        "conservattack.parameters": cfgJSON,
                        "conservattack.true_class": String(trueClass)]
        return Output(table: out, nominal: nominal, result: result, features: names, weights: weights,
                      regionMasks: masks, metadata: metadata, source: source)
    }

    /// Constrained modes: a region whose cut reads a perturbed feature (`btag1 < 0.6`) would gain or
    /// lose the events moved across its cut, so each event moves only within the interval that keeps it in
    /// the regions (`membershipRegions`) it is in nominally (probed on the attack's bin grid, see RegionMembershipBounds).
    func membershipBounds(_ names: [String], x: FeatureMatrix, table: EventTable) throws -> [PerEventBounds?]? {
        guard let regions = membershipRegions ?? regions, [AttackMode.jsd, .chi2, .envelope, .checks].contains(configuration.mode) else { return nil }
        let guardRegions = RegionMembershipBounds(regions: regions)
        return try names.enumerated().map { j, f in
            guard guardRegions.reads(f), !frozen.contains(f) else { return nil }
            let v = x.column(j)
            // A shard probes on the whole sample's grid, as the attack bins it.
            guard let lo = shard?.lower[j] ?? v.min(), let hi = shard?.upper[j] ?? v.max(), hi > lo else { return nil }
            let probes = BinGrid(lower: lo, upper: hi, count: configuration.bins).edges
            let (lower, upper) = try guardRegions.intervals(of: f, in: table, probes: probes)
            return PerEventBounds(lower: lower, upper: upper)
        }
    }

    /// Per-feature settings: frozen list, envelopes (NAME=SIGMA or NAME=P%), integer-valued dtypes.
    func settings(_ names: [String], table: EventTable) throws -> [FeatureSettings] {
        var env: [String: EnvelopeSigma] = [:]
        for spec in envelopes {
            let parts = spec.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, names.contains(parts[0]) else {
                throw ValidationError("--envelope '\(spec)': expected FEATURE=SIGMA or FEATURE=P% with a perturbed feature")
            }
            if parts[1].hasSuffix("%"), let p = Double(parts[1].dropLast()) { env[parts[0]] = .relative(p / 100) }
            else if let v = Double(parts[1]) { env[parts[0]] = .absolute(v) }
            else { throw ValidationError("--envelope '\(spec)': '\(parts[1])' is not a number") }
        }
        for f in frozen where !names.contains(f) { throw ValidationError("--frozen: '\(f)' is not a perturbed feature") }
        return try names.map { f in
            FeatureSettings(frozen: frozen.contains(f), integerValued: try table.column(f).dtype.isInteger, envelope: env[f])
        }
    }

    private var checkpointPath: String? {
        checkpointDirectory.map { URL(fileURLWithPath: $0).appendingPathComponent("checkpoint.json").path }
    }

    func loadCheckpoint() throws -> AttackCheckpoint? {
        guard let path = checkpointPath, FileManager.default.fileExists(atPath: path) else { return nil }
        return try JSONDecoder().decode(AttackCheckpoint.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
    }

    func saveCheckpoint(_ c: AttackCheckpoint) throws {
        guard let dir = checkpointDirectory, let path = checkpointPath else { return }
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try writeAtomically(Array(try JSONEncoder().encode(c)), to: path)
    }
}

extension EventTable {
    /// This table with the columns `names` replaced by the columns of `x` (same order), each converted back to
    /// its original type and layout: the perturbed ntuple keeps every other branch as it is.
    func replacingFeatures(_ names: [String], with x: FeatureMatrix) throws -> EventTable {
        var out = self
        for (j, f) in names.enumerated() {
            let original = try column(f)
            try out.add(f, Column(NumericArray.from(doubles: x.column(j), as: original.dtype), layout: original.layout))
        }
        return out
    }
}
