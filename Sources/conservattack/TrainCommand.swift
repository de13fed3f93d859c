import ArgumentParser
import Columnar
import Foundation
import Mitigation
import Model
import Selection

/// `conservattack train`: a signal-vs-background MLP from two ntuples, saved in our JSON model format.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a signal-vs-background classifier (MLP, Adam, weighted cross-entropy, early stopping).",
        discussion: """
        Example: conservattack train --signal ttbar.root:Events --background wjets.root:Events \\
                   --features lep_pt,met,ht,nJet --weight 'genWeight' --hidden 64,32 --output model.json
        Adversarial training: --adversarial-from perturbed.root (the attack's output on training events) mixes its
        events into the training sample with their true label (--adversarial-class, or the conservattack.true_class the attack stored in its ROOT or Arrow output);
        with --adversarial-clean (the attack's input) only events the attack changed are used.
        """
    )

    @Option(name: .long, help: "Signal ntuple FILE[:TREE] (label 1).") var signal: String
    @Option(name: .long, help: "Background ntuple FILE[:TREE] (label 0).") var background: String
    @Option(name: .long, help: "Comma-separated input features (flat branches).") var features: String
    @Option(name: .long, help: "Event weight expression.") var weight: String?
    @Option(name: .long, help: "Hidden layer widths, comma-separated.") var hidden = "64,32"
    @Option(name: .long, help: "Maximum epochs.") var epochs = 30
    @Option(name: .long, help: "Mini-batch size.") var batch = 256
    @Option(name: .long, help: "Adam learning rate.") var lr = 1e-3
    @Option(name: .long, help: "Random seed (initialisation, split, shuffling).") var seed: UInt64 = 42
    @Option(name: .long, help: "Validation fraction.") var validation = 0.2
    @Option(name: .long, help: "Perturbed events FILE[:TREE] to mix into training with their true label (adversarial training).") var adversarialFrom: String?
    @Option(name: .long, help: "The attack's input for --adversarial-from (same events, same order): only changed events are mixed in.") var adversarialClean: String?
    @Option(name: .long, help: "The classifier the adversarial events were made against: only events it misclassifies (and, with --adversarial-clean, whose clean twin it classifies correctly) are mixed in.") var adversarialModel: String?
    @Option(name: .long, help: "True class of the --adversarial-from events (default: its conservattack.true_class metadata).") var adversarialClass: Int?
    @Option(name: .long, help: "Fraction of the (changed) adversarial events mixed in, seeded.") var adversarialFraction = 1.0
    @Option(name: .long, help: "Output model (JSON).") var output: String
    @Flag(name: .long, help: "Replace an existing output.") var force = false
    @Flag(name: .long, help: "No progress output.") var quiet = false

    func run() throws {
        try reportingErrors {
            let names = try parseList(features, what: "--features")
            let hiddenWidths = try parseList(hidden, what: "--hidden").map { s -> Int in
                guard let v = Int(s), v > 0 else { throw ValidationError("--hidden: '\(s)' is not a positive width") }
                return v
            }
            try ArgumentChecks.outputsAreNew([output], force: force)
            for (spec, option) in [(signal, "--signal"), (background, "--background"), (adversarialFrom, "--adversarial-from"),
                                   (adversarialClean, "--adversarial-clean")] {
                try ArgumentChecks.inputExists(spec, option: option)
            }
            let adversarialNet = try adversarialModel.map { try ModelLoader.load(path: $0) }
            if let adversarialModel, let adversarialNet {
                _ = try ArgumentChecks.featureNames(features, models: [(adversarialModel, adversarialNet)])
            }
            var data = try LabelledSample.load(signal: signal, background: background, features: names, weight: weight)
            var note = ""
            if let adv = adversarialFrom {
                let advSource = try TableIO.open(adv)
                guard let cls = adversarialClass ?? advSource.descriptor.storedTrueClass else {
                    throw ValidationError("give --adversarial-class (\(adv) has no conservattack.true_class metadata)")
                }
                let table = try TableIO.read(advSource)
                let advWeights = try weight.map { try CutExpression(parsing: $0).evaluateNumbers(on: table) }
                let advX = try table.featureMatrix(names)
                let cleanX = try adversarialClean.map { try TableIO.read($0, branches: names).featureMatrix(names) }
                var keep: [Bool]? = nil
                if let net = adversarialNet {
                    if let cleanX {
                        keep = try FoolingLabels.fromClassifier(net, clean: cleanX, perturbed: advX, trueClass: cls).fooling
                    } else {
                        keep = net.scores(advX).map { ($0 > 0.5 ? 1 : 0) != cls }
                    }
                }
                let mixed = try AdversarialMix.mix(x: data.x, labels: data.labels, weights: data.weights,
                                                   adversarial: advX, adversarialWeights: advWeights, clean: cleanX, keep: keep,
                                                   trueClass: cls, fraction: adversarialFraction, seed: seed)
                data = LabelledSample(x: mixed.x, labels: mixed.labels, weights: mixed.weights)
                note = " (\(mixed.added) adversarial events of class \(cls) mixed in)"
            }
            var cfg = TrainingConfiguration()
            cfg.hiddenLayers = hiddenWidths
            cfg.maxEpochs = epochs
            cfg.batchSize = batch
            cfg.learningRate = lr
            cfg.seed = seed
            cfg.validationFraction = validation
            let bar = ProgressLine("train", quiet: quiet)
            let result = try Trainer.train(x: data.x, labels: data.labels, weights: data.weights, featureNames: names,
                                           configuration: cfg) { p in
                bar.update(p.epoch, of: epochs, String(format: "loss %.4f  val loss %.4f  val acc %.3f",
                                                      p.trainingLoss, p.validationLoss, p.validationAccuracy), force: true)
                return true
            }
            bar.finish()
            try ModelLoader.save(result.network, path: output)
            emit(String(format: "trained on %d events (%d signal)%@: best epoch %d, validation accuracy %.4f, AUC %.4f → %@",
                        data.x.rows, Int(data.labels.reduce(0, +)), note, result.bestEpoch, result.validationAccuracy,
                        result.validationAUC ?? .nan, output))
        }
    }
}

/// Signal (label 1) and background (label 0) events stacked into one feature matrix.
struct LabelledSample {
    var x: FeatureMatrix
    var labels: [Double]
    var weights: [Double]?

    static func load(signal: String, background: String, features: [String], weight: String?) throws -> LabelledSample {
        let weightExpr = try weight.map { try CutExpression(parsing: $0) }
        let needed = features + (weightExpr.map { Array($0.freeVariables).sorted() } ?? [])
        var xs: [FeatureMatrix] = [], labels: [Double] = [], weights: [Double] = []
        for (spec, label) in [(signal, 1.0), (background, 0.0)] {
            let table = try TableIO.read(spec, branches: Array(Set(needed)).sorted())
            xs.append(try table.featureMatrix(features))
            labels += Array(repeating: label, count: table.rowCount)
            if let w = weightExpr { weights += try w.evaluateNumbers(on: table) }
        }
        let values = xs.flatMap(\.values)
        return LabelledSample(x: FeatureMatrix(rows: labels.count, columns: features.count, values: values, names: features),
                              labels: labels, weights: weightExpr == nil ? nil : weights)
    }
}

func parseList(_ s: String, what: String) throws -> [String] {
    let items = s.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    guard !items.isEmpty else { throw ValidationError("\(what) is empty") }
    return items
}
