import ArgumentParser
import Columnar
import Foundation
import Model
import ArrowIPC

/// `conservattack predict`: classifier scores for every event, in event order.
struct PredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Evaluate an ONNX or JSON classifier on an ntuple and write one score per event.",
        discussion: "Example: conservattack predict --model model.onnx --input events.root:Events --output scores.arrow"
    )

    @Option(name: .long, help: "Model: ONNX or our JSON format.") var model: String
    @Option(name: .long, help: "Input ntuple FILE[:TREE] or Arrow file.") var input: String
    @Option(name: .long, help: "Comma-separated features (default: the names stored in the model).") var features: String?
    @Option(name: .long, help: "Output: scores.csv, scores.arrow or scores.root.") var output: String
    @Flag(name: .long, help: "Replace an existing output.") var force = false

    func run() throws {
        try reportingErrors {
            try ArgumentChecks.outputsAreNew([output], force: force)
            try ArgumentChecks.inputExists(input, option: "--input")
            let net = try ModelLoader.load(path: model)
            let names = try ArgumentChecks.featureNames(features, models: [(model, net)])
            let table = try TableIO.read(input, branches: names)
            let scores = net.scores(try table.featureMatrix(names))
            if output.lowercased().hasSuffix(".csv") {
                let text = "score\n" + scores.map { "\($0)" }.joined(separator: "\n") + "\n"
                try writeAtomically(Array(text.utf8), to: output)
            } else {
                var out = EventTable(rowCount: scores.count)
                try out.add("score", Column(.float64(scores)))
                try TableIO.write(out, to: output, treeName: "scores", metadata: ["conservattack.model": model], force: force)
            }
            emit("wrote \(scores.count) scores to \(output)")
        }
    }
}
