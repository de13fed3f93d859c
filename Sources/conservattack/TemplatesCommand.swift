import ArgumentParser
import ArrowIPC
import Foundation
import Model
import Templates

/// `conservattack templates`: the attack as a systematic uncertainty, as inputs of a profile-likelihood fit.
struct TemplatesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "templates",
        abstract: "Write nominal/up/down templates per region as ROOT histograms (CMS Combine, HistFactory) and a pyhf workspace.",
        discussion: """
        The perturbed sample is the "up" variation of a nuisance parameter named conservattack, the mirrored one
        (2 × nominal − up, floored at 0) the "down" variation.
        Example: conservattack templates --nominal wjets.root:Events --perturbed perturbed.root:events \\
                   --model model.json --regions regions.toml --weight 'genWeight * puWeight' --process wjets \\
                   --signal ttbar.root:Events --output templates/
        Writes templates/templates.root (REGION/PROCESS, REGION/PROCESS_conservattackUp, ...Down, data_obs) and
        templates/workspace.json (pyhf). See docs/templates.md.
        """
    )

    @Option(name: .long, help: "Nominal simulation FILE[:TREE] or Arrow file.") var nominal: String
    @Option(name: .long, help: "Perturbed simulation FILE[:TREE] (the attack's output: same events, same order).") var perturbed: String
    @Option(name: .long, help: "Classifier (ONNX or JSON); needed for --observable score.") var model: String?
    @Option(name: .long, help: "TOML file with [[regions]] (a run configuration works too); default: one inclusive region.") var regions: String?
    @Option(name: .long, help: "Event weight expression (simulation only; data events count once).") var weight: String?
    @Option(name: .long, help: "The fitted observable: 'score' (classifier output) or a numeric expression of branches.") var observable = "score"
    @Option(name: .long, help: "Comma-separated classifier inputs (default: the names stored in the model).") var features: String?
    @Option(name: .long, help: "Equal-width bins.") var bins = 20
    @Option(name: .long, help: "Axis range A:B (default: 0:1 for the score, else the samples' range).") var range: String?
    @Option(name: .long, help: "Name of the perturbed process in the fit.") var process = "background"
    @Option(name: .long, help: "Observed data FILE[:TREE]: written as data_obs and as the workspace's observations (default: Asimov).") var data: String?
    @Option(name: .long, help: "Signal FILE[:TREE]: a signal sample carrying the parameter of interest mu (default: mu scales the process).") var signal: String?
    @Option(name: .long, help: "Name of the signal process.") var signalProcess = "signal"
    @Option(name: .long, help: "Output directory.") var output: String
    @Flag(name: .long, help: "Replace existing templates in the output directory.") var force = false

    func run() throws {
        try reportingErrors {
            let base = URL(fileURLWithPath: output)
            let targets = [TemplateFiles.rootName, TemplateFiles.workspaceName].map { base.appendingPathComponent($0).path }
            for p in targets where FileManager.default.fileExists(atPath: p) && !force {
                throw ValidationError("\(p) exists: pass --force to replace it")
            }
            let network = try model.map { try ModelLoader.load(path: $0) }
            var names: [String] = []
            if let net = network, observable == "score" {
                names = try features.map { try parseList($0, what: "--features") } ?? net.featureNames ?? []
                guard names.count == net.inputCount else {
                    throw ValidationError("the model takes \(net.inputCount) inputs; give --features with that many names"
                                          + (net.featureNames == nil ? " (the model file does not name them)" : ""))
                }
            }
            let job = TemplatesJob(nominal: try TableIO.read(nominal), perturbed: try TableIO.read(perturbed),
                                   data: try data.map { try TableIO.read($0) }, signal: try signal.map { try TableIO.read($0) },
                                   observable: observable, network: network, features: names, weight: weight,
                                   regions: try regions.map(RegionsFile.load), bins: bins, range: try range.map(TemplatesJob.parseRange),
                                   process: process, signalProcess: signalProcess)
            let set = try job.build()
            for p in targets { InterruptCleanup.protect(p) }
            defer { for p in targets { InterruptCleanup.release(p) } }
            let files = try TemplateFiles.write(set, to: output)
            emit(TemplatesJob.summary(set, files: files))
        }
    }
}
