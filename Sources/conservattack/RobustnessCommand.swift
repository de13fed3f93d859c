import ArgumentParser
import Attack
import Columnar
import Foundation
import Mitigation
import Model
import Report
import Selection
import Validation

/// `conservattack robustness`: the fooling ratio as the constraint bound loosens, for one or more classifiers.
struct RobustnessCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "robustness",
        abstract: "Fooling ratio against the validation bound (JSD cap or chi2 p-value), and a robustness score.",
        discussion: """
        Runs the attack at every bound. The curve's value at a bound is the best fooling ratio found at it or at any
        tighter bound (admissible there too), so it never decreases as the bound loosens. Robustness score =
        1 − mean fooling ratio over the bounds. Give --model several times to compare classifiers on the same sample.
        Example: conservattack robustness --model before.json --model after.json --input bkg.root:Events \\
                   --features x1,x2 --true-class 1 --jsd-caps 0.01,0.02,0.04,0.06,0.1 --output robustness.json --report rob/
        """
    )

    @Option(name: .long, help: "Classifier (ONNX or JSON); repeat to compare several.") var model: [String]
    @Option(name: .long, help: "Events to attack FILE[:TREE] or Arrow file.") var input: String
    @Option(name: .long, help: "Comma-separated features (default: the first model's).") var features: String?
    @Option(name: .long, help: "True class of the input events (0 or 1).") var trueClass: Int
    @Option(name: .long, help: "jsd (vary the JSD cap) or chi2 (vary the p-value threshold).") var mode = "jsd"
    @Option(name: .long, help: "jsd mode: JSD caps (constraint_jsd = max_step_jsd).") var jsdCaps = "0.01,0.02,0.04,0.06,0.1"
    @Option(name: .long, help: "chi2 mode: smallest admissible p-values.") var pThresholds = "0.5,0.2,0.1,0.05,0.01"
    @Option(name: .long, help: "TOML file with [[regions]]: constraint populations besides the inclusive sample.") var regions: String?
    @Option(name: .long, help: "Event weight expression.") var weight: String?
    @Option(name: .long, help: "Attack iterations per bound.") var iterations = 10
    @Option(name: .long) var bins = 70
    @Option(name: .long, help: "Random candidates per feature.") var candidates = 150
    @Option(name: .long) var constraintRelCorr = 0.006
    @Option(name: .long) var seed: UInt64 = 1
    @Option(name: .long, help: "Threads for the classifier.") var threads = 1
    @Option(name: .long, help: "Output JSON with the curves.") var output: String
    @Option(name: .long, help: "Directory for report.json and report.html.") var report: String?
    @Option(name: .long, help: "A detector.json from `detect`: its numbers go into the report too.") var detector: String?
    @Flag(name: .long, help: "Replace existing outputs.") var force = false
    @Flag(name: .long, help: "No progress output.") var quiet = false

    /// robustness.json.
    struct Document: Codable {
        var input: String
        var kind: RobustnessBoundKind
        var definition: String
        var curves: [RobustnessCurve]
    }

    func run() throws {
        try reportingErrors {
            try ArgumentChecks.outputsAreNew([output], force: force)
            try ArgumentChecks.inputExists(input, option: "--input")
            let regionSet = try ArgumentChecks.regions(regions)
            guard !model.isEmpty else { throw ValidationError("give at least one --model") }
            guard let kind = RobustnessBoundKind(rawValue: mode) else { throw ValidationError("--mode must be jsd or chi2") }
            let bounds = try parseList(kind == .jsd ? jsdCaps : pThresholds, what: kind == .jsd ? "--jsd-caps" : "--p-thresholds").map { s -> Double in
                guard let v = Double(s) else { throw ValidationError("bound '\(s)' is not a number") }
                return v
            }
            let nets = try model.map { try ModelLoader.load(path: $0) }
            let names = try ArgumentChecks.featureNames(features, models: zip(model, nets).map { ($0, $1) })
            let table = try TableIO.read(input)
            let x = try table.featureMatrix(names)
            let weights = try weight.map { try CutExpression(parsing: $0).evaluateNumbers(on: table) }
            let masks = try regionSet.map { set in try set.regions.map { ConstraintPopulation(name: $0.name, mask: try $0.cut.evaluateMask(on: table)) } } ?? []
            var base = AttackConfiguration()
            base.iterations = iterations; base.bins = bins; base.candidates = candidates
            base.constraintRelCorr = constraintRelCorr; base.seed = seed; base.threads = threads
            var curves: [RobustnessCurve] = []
            for (path, net) in zip(model, nets) {
                let job = AttackJob(input: input, features: names, network: net, trueClass: trueClass, weight: nil, regions: nil,
                                    configuration: base, checkpointDirectory: nil)
                let problem = AttackProblem(features: x, trueClass: trueClass, weights: weights, regions: masks,
                                            featureSettings: try job.settings(names, table: table))
                let bar = ProgressLine("robustness", quiet: quiet)
                let label = URL(fileURLWithPath: path).lastPathComponent
                let curve = try RobustnessScan.run(problem: problem, classifier: net, model: label, base: base, kind: kind,
                                                   bounds: bounds) { k, n in
                    bar.update(k, of: n, "\(label): bound \(k + 1)/\(n)", force: true)
                }
                bar.finish()
                curves.append(curve)
            }
            let doc = Document(input: input, kind: kind,
                               definition: "fooling_ratio at a bound = best fooling ratio of the attack at this bound or any tighter one; robustness_score = 1 - mean fooling_ratio over the bounds",
                               curves: curves)
            try writeAtomically(Array(try ReportJSON.encode(doc)) + [0x0a], to: output)
            var lines = curves.map { c in
                "\(c.model): " + c.points.map { String(format: "%g → %.4f", $0.bound, $0.foolingRatio) }.joined(separator: ", ")
                    + String(format: "; robustness score %.4f (mean fooling ratio %.4f)", c.robustnessScore, c.meanFoolingRatio)
            }
            if let report {
                let notes = ["input: \(input) (true class \(trueClass)); seed \(seed), \(iterations) iterations per bound"]
                let summary = try detector.map { path -> DetectorSummary in
                    do { return try AdversarialDetector.summary(fromDocument: Data(contentsOf: URL(fileURLWithPath: path))) }
                    catch { throw ValidationError("\(path): not a detector.json with a `detector` block (\(error))") }
                }
                let files = try MitigationReport(detector: summary, robustness: curves,
                                                 notes: notes + (detector.map { ["detector: \($0)"] } ?? [])).write(to: URL(fileURLWithPath: report))
                lines.append("report: \(files.html.path)")
            }
            emit(lines.joined(separator: "\n") + "\n→ \(output)")
        }
    }
}
