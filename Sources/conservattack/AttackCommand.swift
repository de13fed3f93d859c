import ArgumentParser
import Attack
import Columnar
import Foundation
import Model
import Selection

/// `conservattack attack`: CONSERVAttack on an ntuple; writes the perturbed ntuple and the metrics.
struct AttackCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attack",
        abstract: "Perturb events within the validation bounds so that the classifier's decisions flip.",
        discussion: """
        Every input event is kept, in order; the perturbed features are replaced, every other numeric branch is copied.
        Example (the reference's donut parameters are the defaults):
          conservattack attack --input bkg.root:Events --features x1,x2 --model model.json --true-class 1 \\
            --output perturbed.root --metrics metrics.json --regions regions.toml --mode chi2
        """
    )

    @Option(name: .long, help: "Input ntuple FILE[:TREE] or Arrow file.") var input: String
    @Option(name: .long, help: "Comma-separated features to perturb (default: the model's).") var features: String?
    @Option(name: .long, help: "Classifier: ONNX or JSON.") var model: String
    @Option(name: .long, help: "True class of the input events (0 or 1).") var trueClass: Int
    @Option(name: .long, help: "Perturbed ntuple: .root, .arrow or .feather.") var output: String
    @Option(name: .long, help: "Metrics JSON.") var metrics: String
    @Option(name: .long, help: "TOML file with [[regions]] (name, cut): constraint populations besides the inclusive sample.") var regions: String?
    @Option(name: .long, help: "Event weight expression.") var weight: String?
    @Option(name: .long, help: "jsd | chi2 | envelope | checks | fgsm | pgd (checks: exactly the checks `validate` runs, see docs/attack.md)") var mode: String = "jsd"
    @Option(name: .long, help: "boundary (events by cost to flip, line search to the decision boundary, compensating moves) | greedy (the reference's pass)") var search: String = "boundary"
    @Option(name: .long, help: "checks mode: the validation's significance level.") var checkAlpha = 0.05
    @Option(name: .long, help: "checks mode: the validation's JSD threshold (raised to its statistical floor unless --no-check-jsd-floor).") var checkJsdThreshold = 0.05
    @Flag(name: .long, inversion: .prefixedNo, help: "checks mode: raise the JSD threshold to its null quantile for the sample sizes (validate's default).") var checkJsdFloor = true
    @Option(name: .long, help: "checks mode: the validation's correlation tolerance.") var checkCorrelationThreshold = 0.1
    @Option(name: .long) var bins = 70
    @Option(name: .long) var iterations = 10
    @Option(name: .long) var alpha = 6.0
    @Option(name: .long) var beta = 1.0
    @Option(name: .long) var minChange = 0.001
    @Option(name: .long) var step = 0.001
    @Option(name: .long, help: "Random candidates per feature (0 = the grid from min-change by step).") var candidates = 150
    @Option(name: .long) var randomizeStep = 0.5
    @Flag(name: .long, inversion: .prefixedNo) var useNoChange = true
    @Option(name: .long) var maxStepJsd = 0.005
    @Option(name: .long) var maxStepFrob = 0.05
    @Option(name: .long) var constraintJsd = 0.06
    @Option(name: .long) var constraintRelCorr = 0.006
    @Option(name: .long, help: "chi2 mode: smallest allowed p-value.") var chi2Threshold = 0.05
    @Option(name: .long, help: "jsd/chi2/envelope modes: also keep every Kolmogorov-Smirnov p-value above this.") var ksThreshold: Double?
    @Option(name: .long, parsing: .upToNextOption, help: "Envelope per feature: NAME=SIGMA (absolute) or NAME=2% (relative).") var envelope: [String] = []
    @Option(name: .long, help: "Envelope width k (|Δx| ≤ k·σ).") var envelopeK = 1.0
    @Option(name: .long, help: "Comma-separated features never changed.") var frozen: String?
    @Option(name: .long, help: "FGSM/PGD: L∞ size in units of each feature's standard deviation.") var epsilon = 0.1
    @Flag(name: .long, help: "Also re-optimise events already fooled.") var optimizeFooled = false
    @Flag(name: .long, help: "Reproduce the published reference implementation's quirks.") var referenceQuirks = false
    @Option(name: .long) var seed: UInt64 = 1
    @Option(name: .long, help: "Threads for the classifier.") var threads = 1
    @Option(name: .long, help: "Directory for a checkpoint after each iteration; an existing one is resumed.") var checkpoint: String?
    @Option(name: .long, help: "Output compression. ROOT: zlib:1 (default), lzma:9, lz4, zstd:5, none. Arrow: lz4 (default), zstd, zstd:LEVEL, none.") var compression: String?
    @Option(name: .long, help: "Name of the output TTree or RNTuple (default: the input's).") var outputTree: String?
    @Option(name: .long, help: "ROOT output as ttree or rntuple (default: as the input).") var outputFormat: String?
    @Flag(name: .long, help: "Replace existing outputs.") var force = false
    @Flag(name: .long, help: "No progress output.") var quiet = false

    func configurationFromFlags() throws -> AttackConfiguration {
        var c = AttackConfiguration()
        guard let m = AttackMode(rawValue: mode) else {
            throw ValidationError("--mode must be one of \(AttackMode.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard let sr = AttackSearch(rawValue: search) else {
            throw ValidationError("--search must be one of \(AttackSearch.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        c.search = sr; c.checkAlpha = checkAlpha; c.checkJSDThreshold = checkJsdThreshold; c.checkJSDFloor = checkJsdFloor
        c.checkCorrelationThreshold = checkCorrelationThreshold
        c.mode = m; c.bins = bins; c.iterations = iterations; c.alpha = alpha; c.beta = beta
        c.minChange = minChange; c.step = step; c.candidates = candidates > 0 ? candidates : nil
        c.randomizeStep = randomizeStep > 0 ? randomizeStep : nil; c.useNoChange = useNoChange
        c.maxStepJSD = maxStepJsd; c.maxStepFrob = maxStepFrob; c.constraintJSD = constraintJsd
        c.constraintRelCorr = constraintRelCorr; c.chi2Threshold = chi2Threshold; c.ksThreshold = ksThreshold; c.envelopeK = envelopeK
        c.epsilon = epsilon; c.optimizeFooled = optimizeFooled; c.referenceQuirks = referenceQuirks
        c.seed = seed; c.threads = threads
        return c
    }

    func run() throws {
        try reportingErrors {
            try ArgumentChecks.outputsAreNew([output, metrics], force: force)
            try ArgumentChecks.inputExists(input, option: "--input")
            let net = try ModelLoader.load(path: model)
            let names = try ArgumentChecks.featureNames(features, models: [(model, net)])
            let job = AttackJob(input: input, features: names,
                                network: net, trueClass: trueClass, weight: weight,
                                regions: try ArgumentChecks.regions(regions), frozen: try frozen.map { try parseList($0, what: "--frozen") } ?? [],
                                envelopes: envelope, configuration: try configurationFromFlags(), checkpointDirectory: checkpoint)
            let result = try job.run(quiet: quiet)
            try TableIO.write(result.table, to: output, source: result.source, treeName: outputTree,
                              format: try outputFormat.map { try parseOutputFormat($0, flag: "--output-format") }, metadata: result.metadata,
                              compression: compression, force: force)
            try writeAtomically(Array(try result.metricsJSON().utf8), to: metrics)
            emit(result.summary + "\n→ \(output), \(metrics)")
        }
    }
}
