import ArgumentParser
import Foundation
import ROOTIO

/// `conservattack digest FILE`: the per-branch JSON digest used to score the reader against uproot.
struct DigestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "digest",
        abstract: "Print a JSON digest of every numeric branch (counts, sums, extremes, first and last values).",
        discussion: "Example: conservattack digest uproot-HZZ.root > HZZ.json"
    )

    @Argument(help: "ROOT file.") var file: String
    @Option(name: .long, help: "Decoding threads (0 = one per core).") var threads: Int = 0

    func run() throws {
        try reportingErrors {
            let f = try ROOTFile(path: file)
            let name = URL(fileURLWithPath: file).lastPathComponent
            emit(try FileDigest.digest(f, fileName: name, threads: threads).serialized(indent: 1))
        }
    }
}
