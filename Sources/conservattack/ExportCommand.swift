import ArgumentParser
import Columnar
import Foundation

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
    @Option(name: .long, help: "Compression of a ROOT output (zlib:1, lzma:9, lz4, zstd:5, none).") var compression = "zlib:1"
    @Option(name: .long, help: "Tree (or RNTuple) name in a ROOT output.") var tree = "events"
    @Option(name: .long, help: "Layout of a ROOT output: ttree or rntuple (RNTuple binary format 1.0).") var format = "ttree"
    @Flag(name: .long, help: "Replace an existing output.") var force = false
    @Option(name: .long, help: "Threads (0 = one per core).") var threads = 0

    func run() throws {
        try reportingErrors {
            let range = try entries.map(Self.parseRange)
            guard let layout = ROOTOutput.Layout(rawValue: format.lowercased()) else {
                throw ValidationError("--format takes ttree or rntuple, got '\(format)'")
            }
            if layout == .rntuple, try TableIO.format(of: output) != .root {
                throw ValidationError("--format rntuple needs a .root output, got \(output)")
            }
            var table = try TableIO.read(input, branches: branches.isEmpty ? nil : branches, threads: threads)
            if let r = range {
                let lo = min(r.lowerBound ?? 0, table.rowCount), hi = min(r.upperBound ?? table.rowCount, table.rowCount)
                table = table.rows(lo..<max(lo, hi))
            }
            try TableIO.write(table, to: output, treeName: tree, metadata: ["conservattack.source": input],
                              compression: compression, force: force, layout: layout)
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
