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
struct RunPipeline {
    var configuration: RunConfiguration
    var quiet = false
    var verbose = false
    var force = false
    /// A simulation table already in memory (the demo), instead of reading `configuration.simulation`.
    var simulationTable: EventTable? = nil

    struct Outcome {
        var attack: AttackJob.Output
        var report: ValidationReport
        var files: [String]
        var signalRegion: String?
    }

    func run() throws -> Outcome {
        let c = configuration
        let templateFiles = c.templates.map { dir in
            [TemplateFiles.rootName, TemplateFiles.workspaceName].map { URL(fileURLWithPath: dir).appendingPathComponent($0).path }
        } ?? []
        try ArgumentChecks.outputsAreNew([c.outputROOT, c.outputArrow, c.metrics] + templateFiles, force: force)
        let regions = c.regionsTOML.isEmpty ? nil
            : try RegionSet(c.regionsTOML.map { try Region(name: $0.name, cut: $0.cut) }, signal: c.regionsTOML.first { $0.signal }?.name)
        note("loading model \(c.modelPath)", verbose: verbose)
        let network = try ModelLoader.load(path: c.modelPath)
        let features = try ArgumentChecks.featureNames(c.features?.joined(separator: ","), models: [(c.modelPath, network)])
        note("reading \(c.simulation)", verbose: verbose)
        var source: TableDescriptor? = nil
        let nominal: EventTable
        if let simulationTable { nominal = simulationTable } else {
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
        // The attack.
        // Control regions constrain the attack; the signal region is where its effect is measured (blinded in practice).
        let controlRegions = try regions.map { rs in
            try RegionSet(rs.regions.filter { $0.name != rs.signalRegionName })
        }.flatMap { $0.regions.isEmpty ? nil : $0 }
        let job = AttackJob(input: c.simulation, features: features, network: network, trueClass: c.trueClass,
                            weight: c.weight, regions: controlRegions, frozen: c.frozen, envelopes: c.envelopes,
                            configuration: c.attack, checkpointDirectory: nil, table: nominal, source: source)
        let attacked = try job.run(quiet: quiet)
        var files: [String] = []
        for path in [c.outputROOT, c.outputArrow].compactMap({ $0 }) {
            try createParent(path)
            try TableIO.write(attacked.table, to: path, source: attacked.source, treeName: c.outputTree, metadata: attacked.metadata,
                              compression: path == c.outputArrow ? c.arrowCompression : c.compression, force: force)
            files.append(path)
        }
        try createParent(c.metrics)
        try writeAtomically(Array(try attacked.metricsJSON().utf8), to: c.metrics)
        files.append(c.metrics)
        // The standard checks, re-run on the result.
        let bar = ProgressLine("validate", quiet: quiet)
        bar.update(0, of: 1, "chi2, KS, JSD per feature and region", force: true)
        let dataTable = try c.data.map { try TableIO.read($0) }
        let validation = ValidationJob(nominal: nominal, perturbed: attacked.table,
                                       data: dataTable, features: attacked.features,
                                       weight: c.weight, regions: regions, network: network, trueClass: c.trueClass,
                                       workingPoint: c.workingPoint, attack: attacked.result.metrics, bins: c.bins ?? c.attack.bins,
                                       edges: c.bins == nil ? try ValidationJob.grid(nominal, features: attacked.features, bins: c.attack.bins) : [:])
        let report = try validation.run()
        bar.finish()
        // The attack as a systematic uncertainty: templates for the fit.
        var templates: TemplateSet? = nil
        if let dir = c.templates {
            let s = c.templateSettings
            let job = TemplatesJob(nominal: nominal, perturbed: attacked.table, data: dataTable,
                                   signal: try s.signal.map { try TableIO.read($0) }, observable: s.observable, network: network,
                                   features: attacked.features, weight: c.weight, regions: regions, bins: s.bins, range: s.range,
                                   process: s.process, signalProcess: s.signalProcess)
            let set = try job.build()
            for p in templateFiles { InterruptCleanup.protect(p) }
            defer { for p in templateFiles { InterruptCleanup.release(p) } }
            let written = try TemplateFiles.write(set, to: dir)
            files += [written.root, written.workspace]
            templates = set
        }
        try FileManager.default.createDirectory(atPath: c.report, withIntermediateDirectories: true)
        let written = try ReportWriter.write(report, to: URL(fileURLWithPath: c.report), templates: templates)
        files += [written.json.path, written.html.path]
        return Outcome(attack: attacked, report: report, files: files, signalRegion: regions?.signalRegionName)
    }

    /// The short summary a physicist reads first.
    static func summary(_ o: Outcome) -> String {
        var lines = ["── ConservAttack summary ──", "attack: " + o.attack.summary, ValidationJob.summary(o.report)]
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
