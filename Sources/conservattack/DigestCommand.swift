import ArgumentParser
import Foundation
import ROOTIO

/// `conservattack digest FILE`: the per-branch JSON digest used to score the reader against uproot.
struct DigestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "digest",
        abstract: "Print a JSON digest of every numeric branch (counts, sums, extremes, first and last values).",
        discussion: """
        Reads the trees in chunks of entries (memory bounded by one chunk). A branch that cannot be read \
        becomes a record of kind "other" with an "error" field, and one warning line on stderr; the \
        command still exits 0. A damaged file (header, directories, every tree) is an error (exit 1).
        Example: conservattack digest uproot-HZZ.root > HZZ.json
        """
    )

    @Argument(help: "ROOT file.") var file: String
    @Option(name: .long, help: "Decoding threads (0 = one per core).") var threads: Int = 0

    func run() throws {
        try reportingErrors {
            let f = try ROOTFile(path: file)
            let name = URL(fileURLWithPath: file).lastPathComponent
            let (json, failures) = try FileDigest.digest(f, fileName: name, options: DigestOptions(threads: threads))
            for failure in failures { warn("\(failure.description)") }
            emit(json.serialized(indent: 1))
        }
    }
}
