import ArgumentParser
import ArrowIPC
import Attack
import Columnar
import Foundation
import Mitigation
import Model
import Report
import Tables

/// `conservattack detect`: trains a network that tells clean events from perturbed events that fool the classifier.
struct DetectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "detect",
        abstract: "Train an adversarial-perturbation detector (clean vs perturbed-and-fooling) and measure it.",
        discussion: """
        The clean and perturbed inputs hold the same events in the same order (the attack's input and output).
        Events are split into train / validation / test (an event's two versions always share a split).
        Without --perturbed, the attack (jsd mode) is run on the clean events of each split separately, so the
        perturbations of one split never depend on another's events; --write-perturbed saves them.
        Example: conservattack detect --clean bkg.root:Events --perturbed perturbed.root --features x1,x2 \\
                   --model model.json --true-class 1 --output detector.json --scores scores.csv --report detector-report/
        """
    )

    @Option(name: .long, help: "Clean events FILE[:TREE] (the attack's input).") var clean: String
    @Option(name: .long, help: "Perturbed events FILE[:TREE] (the attack's output: same events, same order). Omit to generate them (needs --model, --true-class).") var perturbed: String?
    @Option(name: .long, help: "Generated perturbed events: write them here (.root, .arrow).") var writePerturbed: String?
    @Option(name: .long, help: "Generation: attack iterations.") var attackIterations = 10
    @Option(name: .long, help: "Generation: histogram bins.") var attackBins = 60
    @Option(name: .long, help: "Generation: JSD cap per change (constraint_jsd stays 0.06).") var maxStepJsd = 0.01
    @Option(name: .long, help: "Additional clean events FILE[:TREE] (negatives only, e.g. the other class); without them the detector can just learn the classifier's boundary.") var extraClean: String?
    @Option(name: .long, help: "Comma-separated features (default: the model's).") var features: String?
    @Option(name: .long, help: "Classifier (ONNX or JSON): positives are perturbed events it misclassifies while their clean twin is right. Without it: every changed event.") var model: String?
    @Option(name: .long, help: "True class of the events (default: the conservattack.true_class the attack stored in the perturbed ROOT or Arrow file).") var trueClass: Int?
    @Option(name: .long, help: "Fraction of the events for training.") var trainFraction = 0.6
    @Option(name: .long, help: "Fraction of the events for validation (early stopping); the rest is the test split.") var validationFraction = 0.2
    @Option(name: .long, help: "Detector score above which an event is flagged as perturbed.") var threshold = 0.5
    @Option(name: .long, help: "Detector hidden layer widths.") var hidden = "128,64,32"
    @Option(name: .long, help: "Maximum epochs.") var epochs = 200
    @Option(name: .long, help: "Early-stopping patience (epochs).") var patience = 10
    @Option(name: .long, help: "Mini-batch size.") var batch = 256
    @Option(name: .long, help: "Adam learning rate.") var lr = 1e-3
    @Option(name: .long, help: "Seed of the event split and of the training.") var seed: UInt64 = 1
    @Option(name: .long, help: "Output detector (our JSON model format with a `detector` block).") var output: String
    @Option(name: .long, help: "CSV of every scored row: event, split, class, initially_correct, score.") var scores: String?
    @Option(name: .long, help: "Directory for report.json and report.html.") var report: String?
    @Flag(name: .long, help: "Replace existing outputs.") var force = false
    @Flag(name: .long, help: "No progress output.") var quiet = false

    func run() throws {
        try reportingErrors {
            try ArgumentChecks.outputsAreNew([output, scores, writePerturbed], force: force)
            for (spec, option) in [(clean, "--clean"), (perturbed, "--perturbed"), (extraClean, "--extra-clean")] {
                try ArgumentChecks.inputExists(spec, option: option)
            }
            let net = try model.map { try ModelLoader.load(path: $0) }
            let names = try ArgumentChecks.featureNames(features, models: zip([model].compactMap { $0 }, [net].compactMap { $0 }).map { ($0, $1) })
            let cleanSource = try TableIO.open(clean)
            let cleanTable = try TableIO.read(cleanSource)
            let cleanX = try cleanTable.featureMatrix(names)
            let extraX = try extraClean.map { try TableIO.read($0, branches: names).featureMatrix(names) }
            var cls = trueClass
            var perturbedX: FeatureMatrix
            var split: EventSplit? = nil
            if let perturbed {
                let perturbedSource = try TableIO.open(perturbed)
                perturbedX = try perturbedSource.read(names, entries: nil, threads: 0).featureMatrix(names)
                guard cleanX.rows == perturbedX.rows else {
                    throw ValidationError("\(clean) has \(cleanX.rows) events but \(perturbed) has \(perturbedX.rows): they must be the same events in the same order (the attack's input and output)")
                }
                if cls == nil, net != nil { cls = perturbedSource.descriptor.storedTrueClass }
            } else {
                guard let net, let c = cls else { throw ValidationError("without --perturbed, give --model and --true-class to generate the perturbed events") }
                let s = try EventSplit(events: cleanX.rows + (extraX?.rows ?? 0), trainFraction: trainFraction,
                                       validationFraction: validationFraction, seed: seed)
                perturbedX = try generate(cleanTable, cleanX, names: names, network: net, trueClass: c, split: s,
                                          source: cleanSource.descriptor)
                split = s
            }
            let labels: FoolingLabels
            if let net {
                guard let c = cls else {
                    throw ValidationError("give --true-class (the perturbed file has no conservattack.true_class metadata)")
                }
                labels = try FoolingLabels.fromClassifier(net, clean: cleanX, perturbed: perturbedX, trueClass: c)
            } else {
                labels = try FoolingLabels.fromChanges(clean: cleanX, perturbed: perturbedX)
            }
            var settings = DetectorSettings()
            settings.trainFraction = trainFraction
            settings.validationFraction = validationFraction
            settings.threshold = threshold
            settings.splitSeed = seed
            settings.training.seed = seed
            settings.training.hiddenLayers = try parseWidths(hidden)
            settings.training.maxEpochs = epochs
            settings.training.patience = patience
            settings.training.batchSize = batch
            settings.training.learningRate = lr
            let bar = ProgressLine("detector", quiet: quiet)
            let outcome = try AdversarialDetector.train(clean: cleanX, perturbed: perturbedX, labels: labels, extraClean: extraX, trueClass: cls,
                                                        settings: settings, split: split) { p in
                bar.update(p.epoch, of: epochs, String(format: "loss %.4f  val loss %.4f", p.trainingLoss, p.validationLoss), force: true)
                return true
            }
            bar.finish()
            try writeAtomically(Array(try AdversarialDetector.documentJSON(network: outcome.network, summary: outcome.summary)), to: output)
            if let scores { try writeAtomically(Array(AdversarialDetector.scoresCSV(outcome.rows).utf8), to: scores) }
            var lines = [Self.summary(outcome.summary)]
            if let report {
                let notes = ["clean: \(clean); perturbed: \(perturbed ?? "generated per split (\(attackIterations) iterations, \(attackBins) bins, max step JSD \(maxStepJsd))"); additional clean: \(extraClean ?? "none"); model: \(model ?? "none"); seed \(seed)"]
                let files = try MitigationReport(detector: outcome.summary, notes: notes).write(to: URL(fileURLWithPath: report))
                lines.append("report: \(files.html.path)")
            }
            emit(lines.joined(separator: "\n") + "\n→ \(output)" + (scores.map { ", \($0)" } ?? ""))
        }
    }

    /// The attack (jsd mode, seed `seed`) on the attacked events of each split separately, reassembled in event order;
    /// written to --write-perturbed when given.
    func generate(_ table: EventTable, _ x: FeatureMatrix, names: [String], network: FeedForwardNetwork, trueClass: Int,
                  split: EventSplit, source: TableDescriptor) throws -> FeatureMatrix {
        var cfg = AttackConfiguration()
        cfg.iterations = attackIterations; cfg.bins = attackBins; cfg.maxStepJSD = maxStepJsd; cfg.seed = seed
        let job = AttackJob(input: clean, features: names, network: network, trueClass: trueClass, weight: nil, regions: nil,
                            configuration: cfg, checkpointDirectory: nil)
        let featureSettings = try job.settings(names, table: table)
        var out = x
        for s in SplitName.allCases {
            let events = split.events(s).filter { $0 < x.rows }
            guard !events.isEmpty else { continue }
            let problem = AttackProblem(features: x.gatheredRows(events), trueClass: trueClass, featureSettings: featureSettings)
            let bar = ProgressLine("attack \(s.rawValue)", quiet: quiet)
            let r = try AttackEngine(problem: problem, classifier: network, configuration: cfg).run(progress: { p in
                bar.update(p.eventsDone, of: p.eventsTotal, String(format: "iteration %d/%d  fooling %.3f", p.iteration, p.iterations, p.foolingRatio))
            })
            bar.finish()
            for (k, e) in events.enumerated() { for j in 0..<x.columns { out[e, j] = r.perturbed[k, j] } }
        }
        if let path = writePerturbed {
            try TableIO.write(try table.replacingFeatures(names, with: out), to: path, source: source, metadata: ["conservattack.perturbed_features": names.joined(separator: ","),
                                                      "conservattack.true_class": String(trueClass)], force: force)
        }
        return out
    }

    static func summary(_ s: DetectorSummary) -> String {
        let t = s.test
        func p(_ v: Double?) -> String { v.map { String(format: "%.4f", $0) } ?? "n/a" }
        return "detector (test split: \(t.cleanEvents) clean, \(t.foolingEvents) fooling events; threshold \(t.threshold)): "
            + "fooling events flagged \(p(t.foolingEfficiency)) (\(t.foolingFlagged)/\(t.foolingEvents)), "
            + "clean events flagged \(p(t.cleanFlaggedFraction)) (\(t.cleanFlagged)/\(t.cleanEvents))"
            + (t.extraCleanEvents > 0 ? ", additional clean events flagged \(t.extraCleanFlagged)/\(t.extraCleanEvents)" : "") + "; "
            + "fooling ratio \(p(t.initialFoolingRatio)) → corrected \(p(t.correctedFoolingRatio)) (fooling and not detected)"
    }
}

/// Positive integer widths from "128,64,32".
func parseWidths(_ s: String) throws -> [Int] {
    try parseList(s, what: "--hidden").map { item -> Int in
        guard let v = Int(item), v > 0 else { throw ValidationError("--hidden: '\(item)' is not a positive width") }
        return v
    }
}
