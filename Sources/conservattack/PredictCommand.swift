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
            let net = try ModelLoader.load(path: model)
            let names = try features.map { try parseList($0, what: "--features") } ?? net.featureNames ?? []
            guard names.count == net.inputCount else {
                throw ValidationError("the model takes \(net.inputCount) inputs; give --features with that many names"
                                      + (net.featureNames == nil ? " (the model file does not name them)" : ""))
            }
            let table = try TableIO.read(input, branches: names)
            let scores = net.scores(try table.featureMatrix(names))
            if output.lowercased().hasSuffix(".csv") {
                if FileManager.default.fileExists(atPath: output) && !force { throw ValidationError("\(output) exists: pass --force") }
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
