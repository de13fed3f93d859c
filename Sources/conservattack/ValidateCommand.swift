import ArgumentParser
import Attack
import Foundation
import Model
import Report

/// `conservattack validate`: the standard checks, nominal vs perturbed (and data vs simulation), with the report.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Run chi2, KS and JSD per feature and region, correlations and score shifts; write report.json and report.html.",
        discussion: """
        Example: conservattack validate --nominal wjets.root:Events --perturbed perturbed.root:events \\
                   --features lep_pt,met,ht --model model.json --regions regions.toml --metrics metrics.json --output report/
        """
    )

    @Option(name: .long, help: "Nominal simulation FILE[:TREE].") var nominal: String
    @Option(name: .long, help: "Perturbed simulation FILE[:TREE] (same events, same order).") var perturbed: String
    @Option(name: .long, help: "Data FILE[:TREE] for data-vs-simulation checks.") var data: String?
    @Option(name: .long, help: "Comma-separated features.") var features: String
    @Option(name: .long, help: "Classifier (ONNX or JSON) for score distributions and yield shifts.") var model: String?
    @Option(name: .long, help: "True class of the events, for the fooling ratio.") var trueClass: Int?
    @Option(name: .long, help: "Working point on the score.") var workingPoint = 0.5
    @Option(name: .long, help: "TOML file with [[regions]].") var regions: String?
    @Option(name: .long, help: "Event weight expression.") var weight: String?
    @Option(name: .long, help: "The attack's metrics JSON (fooling ratio by iteration in the report).") var metrics: String?
    @Option(name: .long, help: "Bins per feature on each region's nominal [min, max] (as `run`'s [validation] bins). Default: the attack's grid, as `run` bins: the bins of --metrics (else 70) on the inclusive nominal [min, max] of each feature.") var bins: Int?
    @Option(name: .long, help: "Output directory for report.json and report.html.") var output: String
    @Flag(name: .long, help: "Replace an existing report.json / report.html in the output directory.") var force = false

    func run() throws {
        try reportingErrors {
            let dir = URL(fileURLWithPath: output)
            try ArgumentChecks.outputsAreNew(["report.json", "report.html"].map { dir.appendingPathComponent($0).path }, force: force)
            for (spec, option) in [(nominal, "--nominal"), (perturbed, "--perturbed"), (data, "--data")] {
                try ArgumentChecks.inputExists(spec, option: option)
            }
            let network = try model.map { try ModelLoader.load(path: $0) }
            let names = try ArgumentChecks.featureNames(features, models: zip([model].compactMap { $0 }, [network].compactMap { $0 }).map { ($0, $1) })
            let regionSet = try ArgumentChecks.regions(regions)
            let attack = try metrics.map {
                try JSONDecoder().decode(AttackMetrics.self, from: Data(contentsOf: URL(fileURLWithPath: $0)))
            }
            let nominalTable = try TableIO.read(nominal)
            // The same binning as `run` (the attack's grid unless bins are given), so the same files get the same verdict.
            let gridBins = attack?.configuration.bins ?? AttackConfiguration().bins
            var job = ValidationJob(nominal: nominalTable, perturbed: try TableIO.read(perturbed),
                                    data: try data.map { try TableIO.read($0) }, features: names, weight: weight,
                                    regions: regionSet, network: network,
                                    trueClass: trueClass, workingPoint: workingPoint, attack: attack, bins: bins ?? gridBins,
                                    edges: bins == nil ? try ValidationJob.grid(nominalTable, features: names, bins: gridBins) : [:])
            if let attack { job.useThresholds(of: attack.configuration) }
            let report = try job.run()
            try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
            let files = try ReportWriter.write(report, to: URL(fileURLWithPath: output))
            emit(ValidationJob.summary(report) + "\nreport: \(files.html.path)")
        }
    }
}
