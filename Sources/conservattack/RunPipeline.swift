import ArgumentParser
import ArrowIPC
import Attack
import Columnar
import Foundation
import Model
import Report
import Selection
import Tables
import Templates
import Validation

/// read → select → attack → validate → write (and the fit templates when configured), for one run configuration.
/// The steps are separate so that a sharded run (ShardedRun) can put its merged attack in the middle.
struct RunPipeline {
    var configuration: RunConfiguration
    var quiet = false
    var verbose = false
    var force = false
    /// A simulation table already in memory (the demo), instead of reading `configuration.simulation`.
    var simulationTable: EventTable? = nil

    struct Outcome {
        var metrics: AttackMetrics
        var report: ValidationReport
        var files: [String]
        var signalRegion: String?
    }

    /// What every step reads: the regions, the classifier and the nominal simulation.
    struct Inputs {
        var regions: RegionSet?
        /// The regions without the signal region: the attack's constraint populations.
        var controlRegions: RegionSet?
        var network: FeedForwardNetwork
        var features: [String]
        var nominal: EventTable
        /// What the nominal simulation was read from (nil for a table in memory): the output keeps its kind and name.
        var source: TableDescriptor?
    }

    func run() throws -> Outcome {
        try checkOutputs()
        let inputs = try loadInputs()
        let attacked = try attackJob(inputs).run(quiet: quiet)
        var files = try writeAttackOutputs(inputs, table: attacked.table, metadata: attacked.metadata, metrics: attacked.result.metrics)
        return try validate(inputs, perturbed: attacked.table, features: attacked.features,
                            metrics: attacked.result.metrics, files: &files)
    }

    /// The configured ntuple and metrics paths.
    var attackOutputs: [String] {
        let c = configuration
        return [c.outputROOT, c.outputArrow, c.metrics].compactMap { $0 }
    }

    /// The fit templates' files, when configured.
    var templateFiles: [String] {
        configuration.templates.map { dir in
            [TemplateFiles.rootName, TemplateFiles.workspaceName].map { URL(fileURLWithPath: dir).appendingPathComponent($0).path }
        } ?? []
    }

    /// Refuses to replace existing outputs without `force`.
    func checkOutputs() throws {
        try ArgumentChecks.outputsAreNew(attackOutputs + templateFiles, force: force)
    }

    func loadInputs(nominal given: EventTable? = nil) throws -> Inputs {
        let c = configuration
        let regions = c.regionsTOML.isEmpty ? nil
            : try RegionSet(c.regionsTOML.map { try Region(name: $0.name, cut: $0.cut) }, signal: c.regionsTOML.first { $0.signal }?.name)
        note("loading model \(c.modelPath)", verbose: verbose)
        let network = try ModelLoader.load(path: c.modelPath)
        let features = try ArgumentChecks.featureNames(c.features?.joined(separator: ","), models: [(c.modelPath, network)])
        note("reading \(c.simulation)", verbose: verbose)
        var source: TableDescriptor? = nil
        let nominal: EventTable
        if let table = given ?? simulationTable { nominal = table } else {
            let opened = try TableIO.open(c.simulation)
            source = opened.descriptor
            nominal = try TableIO.read(opened)
        }
        if let rs = regions {
            for r in rs.regions {
                let n = try r.cut.evaluateMask(on: nominal).filter { $0 }.count
                note("region \(r.name): \(n) of \(nominal.rowCount) events", verbose: verbose)
            }
        }
        // Control regions constrain the attack; the signal region is where its effect is measured (blinded in practice).
        let controlRegions = try regions.map { rs in
            try RegionSet(rs.regions.filter { $0.name != rs.signalRegionName })
        }.flatMap { $0.regions.isEmpty ? nil : $0 }
        return Inputs(regions: regions, controlRegions: controlRegions, network: network, features: features,
                      nominal: nominal, source: source)
    }

    /// The attack of `table` (default: the whole nominal sample) under the configuration.
    func attackJob(_ inputs: Inputs, table: EventTable? = nil) -> AttackJob {
        let c = configuration
        return AttackJob(input: c.simulation, features: inputs.features, network: inputs.network, trueClass: c.trueClass,
                         weight: c.weight, regions: inputs.controlRegions,
                         membershipRegions: inputs.regions, frozen: c.frozen, envelopes: c.envelopes,
                         configuration: c.attack, checkpointDirectory: nil, table: table ?? inputs.nominal, source: inputs.source)
    }

    /// Writes the perturbed ntuple(s), keeping the simulation's kind and name, and metrics.json (each atomically).
    func writeAttackOutputs(_ inputs: Inputs, table: EventTable, metadata: [String: String], metrics: AttackMetrics) throws -> [String] {
        let c = configuration
        var files: [String] = []
        for path in [c.outputROOT, c.outputArrow].compactMap({ $0 }) {
            try createParent(path)
            try TableIO.write(table, to: path, source: inputs.source, treeName: c.outputTree, metadata: metadata,
                              compression: path == c.outputArrow ? c.arrowCompression : c.compression, force: force)
            files.append(path)
        }
        try createParent(c.metrics)
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys]
        try writeAtomically(Array(try enc.encode(metrics)) + Array("\n".utf8), to: c.metrics)
        files.append(c.metrics)
        return files
    }

    /// The standard checks, re-run on the result, the fit templates when configured, and the report.
    func validate(_ inputs: Inputs, perturbed: EventTable, features: [String], metrics: AttackMetrics,
                  files: inout [String]) throws -> Outcome {
        let c = configuration
        let bar = ProgressLine("validate", quiet: quiet)
        bar.update(0, of: 1, "chi2, KS, JSD per feature and region", force: true)
        let dataTable = try c.data.map { try TableIO.read($0) }
        var validation = ValidationJob(nominal: inputs.nominal, perturbed: perturbed,
                                       data: dataTable, features: features,
                                       weight: c.weight, regions: inputs.regions, network: inputs.network, trueClass: c.trueClass,
                                       workingPoint: c.workingPoint, attack: metrics, bins: c.bins ?? c.attack.bins,
                                       edges: c.bins == nil ? try ValidationJob.grid(inputs.nominal, features: features, bins: c.attack.bins) : [:])
        validation.useThresholds(of: c.attack)
        let report = try validation.run()
        bar.finish()
        // The attack as a systematic uncertainty: templates for the fit.
        var templates: TemplateSet? = nil
        if let dir = c.templates {
            let s = c.templateSettings
            let job = TemplatesJob(nominal: inputs.nominal, perturbed: perturbed, data: dataTable,
                                   signal: try s.signal.map { try TableIO.read($0) }, observable: s.observable, network: inputs.network,
                                   features: features, weight: c.weight, regions: inputs.regions, bins: s.bins, range: s.range,
                                   process: s.process, signalProcess: s.signalProcess)
            let set = try job.build()
            let paths = templateFiles
            for p in paths { InterruptCleanup.protect(p) }
            defer { for p in paths { InterruptCleanup.release(p) } }
            let written = try TemplateFiles.write(set, to: dir)
            files += [written.root, written.workspace]
            templates = set
        }
        try FileManager.default.createDirectory(atPath: c.report, withIntermediateDirectories: true)
        let written = try ReportWriter.write(report, to: URL(fileURLWithPath: c.report), templates: templates)
        files += [written.json.path, written.html.path]
        return Outcome(metrics: metrics, report: report, files: files, signalRegion: inputs.regions?.signalRegionName)
    }

    /// The short summary a physicist reads first.
    static func summary(_ o: Outcome) -> String {
        var lines = ["── ConservAttack summary ──", "attack: " + AttackJob.summary(o.metrics), ValidationJob.summary(o.report)]
        if let sr = o.signalRegion, let s = o.report.scores?.regions.first(where: { $0.region == sr }) {
            let rel = s.relativeYieldShift.map { String(format: " (%+.1f%%)", 100 * $0) } ?? ""
            let sigma = s.yieldNominalError > 0 ? String(format: ", %.1f σ(stat)", abs(s.yieldShift) / s.yieldNominalError) : ""
            lines.append(String(format: "signal region %@: yield above the working point %.1f → %.1f%@%@  ← the hidden systematic",
                                sr, s.yieldNominal, s.yieldPerturbed, rel, sigma))
        }
        lines.append("outputs: " + o.files.joined(separator: ", "))
        return lines.joined(separator: "\n")
    }

    private func createParent(_ path: String) throws {
        let dir = URL(fileURLWithPath: path).deletingLastPathComponent().path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }
}
