import ArgumentParser
import Columnar
import Foundation
import Selection

/// `conservattack select FILE[:TREE] --cut EXPR`: events passing a cut, weighted sums and a cutflow.
struct SelectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "select",
        abstract: "Apply a ROOT-style cut: count events, sum weights, print a cutflow, optionally write the selection.",
        discussion: """
        Example: conservattack select nano.root:Events --cut 'nJet >= 4 && MET_pt < 50' \\
                   --weight 'genWeight' --cutflow --output selected.arrow
        """
    )

    @Argument(help: "Input: FILE.root[:TREE] or FILE.arrow.") var input: String
    @Option(name: .long, help: "Cut expression (TTree::Draw syntax: && || ! ?: abs sqrt ... Sum$ Max$ Min$ Length$).") var cut: String
    @Option(name: .long, help: "Event weight expression.") var weight: String?
    @Flag(name: .long, help: "Events and weighted sums after each && term.") var cutflow = false
    @Flag(name: .long, help: "Print JSON instead of text.") var json = false
    @Option(name: .long, help: "Write the selected events (every numeric branch) to OUT.root, OUT.arrow or OUT.feather.") var output: String?
    @Option(name: .long, help: "Output compression. ROOT: zlib:1 (default), lzma:9, lz4, zstd:5, none. Arrow: lz4 (default), zstd, zstd:LEVEL, none.") var compression: String?
    @Flag(name: .long, help: "Replace an existing output.") var force = false
    @Option(name: .long, help: "Decoding threads (0 = one per core).") var threads = 0

    func run() throws {
        try reportingErrors {
            try ArgumentChecks.outputsAreNew([output], force: force)
            try ArgumentChecks.inputExists(input, option: "input")
            if let output { try TableIO.checkOutput(output, compression: compression) }
            let cutExpr = try CutExpression(parsing: cut)
            let weightExpr = try weight.map { try CutExpression(parsing: $0) }
            let needed = SelectionSummary.branchesNeeded(cut: cutExpr, weight: weightExpr)
            let all = output != nil
            let source = try TableIO.open(input)
            let table = try TableIO.read(source, branches: all ? nil : needed, threads: threads)
            let summary = try SelectionSummary.compute(cut: cutExpr, weight: weightExpr, table: table, includeCutflow: cutflow)
            emit(json ? try summary.json() : summary.text())
            if let output {
                let mask = try cutExpr.evaluateMask(on: table)
                try TableIO.write(table.filtered(by: mask), to: output, source: source.descriptor,
                                  metadata: ["conservattack.selection": cut, "conservattack.source": input],
                                  compression: compression, force: force)
                if !json { emit("wrote \(mask.filter { $0 }.count) events to \(output)") }
            }
        }
    }
}
