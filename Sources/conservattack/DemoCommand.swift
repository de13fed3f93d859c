import ArgumentParser
import Columnar
import Foundation
import Model
import ROOTWriter

/// `conservattack demo`: the whole chain on a generated top-pair vs W+jets dataset, in a few minutes.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Generate a ttbar vs W+jets dataset, train a classifier, attack the W+jets simulation in chi2 mode, validate, report.",
        discussion: "Example: conservattack demo --output demo-output   (then open demo-output/report/report.html)"
    )

    @Option(name: .long, help: "Output directory.") var output = "demo-output"
    @Option(name: .long, help: "Events per sample.") var events = 200_000
    @Option(name: .long, help: "Attack iterations.") var iterations = 3
    @Option(name: .long, help: "Training epochs.") var epochs = 8
    @Option(name: .long, help: "Seed of the generated dataset, the training and the attack.") var seed: UInt64 = 2026
    @Flag(name: .long, help: "Only the summary.") var quiet = false
    @Flag(name: .long, help: "Say what happens at each step.") var verbose = false

    func run() throws {
        try reportingErrors {
            try ArgumentChecks.atLeast(events, 100, option: "--events")
            try ArgumentChecks.atLeast(iterations, 1, option: "--iterations")
            try ArgumentChecks.atLeast(epochs, 1, option: "--epochs")
            let start = Date()
            let dir = URL(fileURLWithPath: output)
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            func path(_ name: String) -> String { dir.appendingPathComponent(name).path }
            say("generating \(events) ttbar and \(events) W+jets events (seed \(seed))")
            let signal = DemoDataset.generate(signal: true, count: events, seed: seed)
            let background = DemoDataset.generate(signal: false, count: events, seed: seed)
            for (name, table) in [("ttbar.root", signal), ("wjets.root", background)] {
                var options = ROOTWriterOptions()
                options.treeTitle = name.hasPrefix("ttbar") ? "semileptonic ttbar (ConservAttack demo)" : "W+jets (ConservAttack demo)"
                try ROOTFileWriter.write(tables: [("Events", table)], to: path(name), options: options)
            }
            say("wrote \(path("ttbar.root")) and \(path("wjets.root"))")

            let features = DemoDataset.features
            let model = path("model.json")
            try train(signal: signal, background: background, features: features, to: model)

            var regions = ""
            for r in DemoDataset.regions {
                regions += "[[regions]]\nname = \"\(r.name)\"\ncut = \"\(r.cut)\"\nsignal = \(r.signal)\n\n"
            }
            let config = """
            # ConservAttack demo run: attack the W+jets simulation so that it looks more ttbar-like to the classifier,
            # while every feature histogram in every control region passes the chi2 and Kolmogorov-Smirnov tests (p >= 0.05).
            [input]
            simulation = "wjets.root:Events"
            weight = "genWeight * puWeight"

            [model]
            path = "model.json"
            true_class = 0
            working_point = 0.5

            \(regions)[attack]
            mode = "chi2"
            iterations = \(iterations)
            bins = 40
            candidates = 40
            ks_threshold = 0.05   # the unbinned KS test too: moves inside a bin are not free
            seed = \(seed)
            frozen = ["nJet"]

            # [validation] bins = 80   # optional: validate on a finer, per-region binning than the attack's grid

            [output]
            root = "perturbed/wjets_perturbed.root"
            arrow = "perturbed/wjets_perturbed.arrow"
            metrics = "perturbed/metrics.json"
            report = "report"
            compression = "zlib:1"
            templates = "templates"   # the attack as a systematic: templates.root (Combine/HistFactory) and workspace.json (pyhf)

            [templates]
            observable = "score"
            bins = 20
            range = "0:1"
            process = "wjets"
            signal = "ttbar.root:Events"
            signal_process = "ttbar"

            """
            try writeAtomically(Array(config.utf8), to: path("run.toml"))
            say("configuration: \(path("run.toml"))  (rerun with: conservattack run \(path("run.toml")) --force)")
            let cfg = try RunConfiguration.parse(config, origin: path("run.toml"), baseDirectory: dir)
            let outcome = try RunPipeline(configuration: cfg, quiet: quiet, verbose: verbose, force: true).run()
            emit(RunPipeline.summary(outcome))
            emit(String(format: "demo finished in %.0f s — open %@", Date().timeIntervalSince(start),
                        dir.appendingPathComponent("report/report.html").path))
        }
    }

    private func train(signal: EventTable, background: EventTable, features: [String], to path: String) throws {
        // Half of each sample trains the classifier (the attack later sees all W+jets events).
        let half = min(signal.rowCount, background.rowCount) / 2
        let xs = try signal.rows(0..<half).featureMatrix(features), xb = try background.rows(0..<half).featureMatrix(features)
        let x = FeatureMatrix(rows: 2 * half, columns: features.count, values: xs.values + xb.values, names: features)
        let labels = Array(repeating: 1.0, count: half) + Array(repeating: 0.0, count: half)
        var cfg = TrainingConfiguration()
        cfg.hiddenLayers = [32, 16]
        cfg.maxEpochs = epochs
        cfg.batchSize = 512
        cfg.learningRate = 2e-3
        cfg.seed = seed
        let bar = ProgressLine("train", quiet: quiet)
        let result = try Trainer.train(x: x, labels: labels, weights: nil, featureNames: features, configuration: cfg) { p in
            bar.update(p.epoch, of: epochs, String(format: "loss %.4f  val acc %.3f", p.trainingLoss, p.validationAccuracy), force: true)
            return true
        }
        bar.finish()
        try ModelLoader.save(result.network, path: path)
        say(String(format: "classifier: %d → 32 → 16 → 1, validation accuracy %.3f, AUC %.3f → %@",
                   features.count, result.validationAccuracy, result.validationAUC ?? .nan, path))
    }

    private func say(_ s: String) { if !quiet { FileHandle.standardError.write(Data("demo: \(s)\n".utf8)) } }
}
