import ArgumentParser
import Attack
import Columnar
import Foundation
import Model
import Report
import Selection
import Validation

/// read → select → attack → validate → write, for one run configuration.
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
        let outputs = [c.outputROOT, c.outputArrow, c.metrics].compactMap { $0 }
        for path in outputs where FileManager.default.fileExists(atPath: path) && !force {
            throw ValidationError("\(path) exists: pass --force to replace it")
        }
        let regions = c.regionsTOML.isEmpty ? nil
            : try RegionSet(c.regionsTOML.map { try Region(name: $0.name, cut: $0.cut) }, signal: c.regionsTOML.first { $0.signal }?.name)
        note("loading model \(c.modelPath)", verbose: verbose)
        let network = try ModelLoader.load(path: c.modelPath)
        note("reading \(c.simulation)", verbose: verbose)
        let nominal = try simulationTable ?? TableIO.read(c.simulation)
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
        let job = AttackJob(input: c.simulation, features: c.features, network: network, trueClass: c.trueClass,
                            weight: c.weight, regions: controlRegions, frozen: c.frozen, envelopes: c.envelopes,
                            configuration: c.attack, checkpointDirectory: nil, table: nominal)
        let attacked = try job.run(quiet: quiet)
        var files: [String] = []
        for path in [c.outputROOT, c.outputArrow].compactMap({ $0 }) {
            try createParent(path)
            try TableIO.write(attacked.table, to: path, metadata: attacked.metadata, compression: c.compression, force: force)
            files.append(path)
        }
        try createParent(c.metrics)
        try writeAtomically(Array(try attacked.metricsJSON().utf8), to: c.metrics)
        files.append(c.metrics)
        // The standard checks, re-run on the result.
        let bar = ProgressLine("validate", quiet: quiet)
        bar.update(0, of: 1, "chi2, KS, JSD per feature and region", force: true)
        var validation = ValidationJob(nominal: nominal, perturbed: attacked.table,
                                       data: try c.data.map { try TableIO.read($0) }, features: attacked.features,
                                       weight: c.weight, regions: regions, network: network, trueClass: c.trueClass,
                                       workingPoint: c.workingPoint, attack: attacked.result.metrics, bins: c.bins ?? c.attack.bins,
                                       edges: c.bins == nil ? try ValidationJob.grid(nominal, features: attacked.features, bins: c.attack.bins) : [:])
        validation.useThresholds(of: c.attack)
        let report = try validation.run()
        bar.finish()
        try FileManager.default.createDirectory(atPath: c.report, withIntermediateDirectories: true)
        let written = try ReportWriter.write(report, to: URL(fileURLWithPath: c.report))
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
