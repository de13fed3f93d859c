import ArgumentParser
import Columnar
import Foundation
import Tables

/// `conservattack export`: ROOT → ROOT/Arrow and Arrow → ROOT, for a chosen set of branches and entries.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Convert an ntuple between ROOT and Arrow IPC (Feather v2), optionally a subset of branches and entries.",
        discussion: """
        Example: conservattack export nano.root:Events --branches 'Jet_*' --entries 0:1000 --output jets.arrow
                 conservattack export jets.arrow --output jets.root --compression zstd:5
        """
    )

    @Argument(help: "Input: FILE.root[:TREE] or FILE.arrow / FILE.feather.") var input: String
    @Option(name: .long, parsing: .upToNextOption, help: "Branch names or glob patterns (default: every numeric branch).") var branches: [String] = []
    @Option(name: .long, help: "Entry range A:B (half-open; either side may be empty).") var entries: String?
    @Option(name: .long, help: "Output file: .root, .arrow or .feather.") var output: String
    @Option(name: .long, help: "Output compression. ROOT: zlib:1 (default), lzma:9, lz4, zstd:5, none. Arrow: lz4 (default), zstd, zstd:LEVEL, none.") var compression: String?
    @Option(name: [.customLong("output-tree"), .customLong("tree")], help: "Name of the TTree or RNTuple in a ROOT output (default: the input's, else events).") var outputTree: String?
    @Option(name: .long, help: "ROOT output as ttree or rntuple (default: as the input; an Arrow input gives a TTree).") var format: String?
    @Flag(name: .long, help: "Replace an existing output.") var force = false
    @Option(name: .long, help: "Threads (0 = one per core).") var threads = 0

    func run() throws {
        try reportingErrors {
            try ArgumentChecks.outputsAreNew([output], force: force)
            try ArgumentChecks.inputExists(input, option: "input")
            try TableIO.checkOutput(output, format: try format.map { try parseOutputFormat($0, flag: "--format") }, compression: compression)
            let range = try entries.map(Self.parseRange)
            let source = try TableIO.open(input)
            var table = try TableIO.read(source, branches: branches.isEmpty ? nil : branches, threads: threads)
            if let r = range {
                let lo = min(r.lowerBound ?? 0, table.rowCount), hi = min(r.upperBound ?? table.rowCount, table.rowCount)
                table = table.rows(lo..<max(lo, hi))
            }
            try TableIO.write(table, to: output, source: source.descriptor, treeName: outputTree, format: try format.map { try parseOutputFormat($0, flag: "--format") },
                              metadata: ["conservattack.source": input],
                              compression: compression, force: force)
            emit("wrote \(table.rowCount) entries × \(table.columnCount) columns to \(output)")
        }
    }

    /// "A:B", "A:", ":B" → bounds.
    static func parseRange(_ s: String) throws -> (lowerBound: Int?, upperBound: Int?) {
        let parts = s.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2 else { throw ValidationError("--entries takes A:B, got '\(s)'") }
        func bound(_ p: Substring) throws -> Int? {
            if p.isEmpty { return nil }
            guard let v = Int(p), v >= 0 else { throw ValidationError("--entries: '\(p)' is not a non-negative integer") }
            return v
        }
        return (try bound(parts[0]), try bound(parts[1]))
    }
}
