import ArgumentParser
import Foundation
import ROOTIO
#if canImport(Glibc)
import Glibc
#endif

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
        keepFreedChunkMemory()
        try reportingErrors {
            let f = try ROOTFile(path: file)
            let name = URL(fileURLWithPath: file).lastPathComponent
            let (json, failures) = try FileDigest.digest(f, fileName: name, options: DigestOptions(threads: threads))
            for failure in failures { warn("\(failure.description)") }
            emit(json.serialized(indent: 1))
        }
    }
}

/// Every chunk of the digest allocates and frees the same sizes again: glibc's mallopt keeps freed blocks
/// in the heap for the next chunk (no unmapping and fresh page faults per chunk); peak memory stays about
/// one chunk's worth. mallopt is looked up at run time (malloc.h is not in Swift's Glibc module); constants
/// M_TRIM_THRESHOLD -1 and M_MMAP_THRESHOLD -3 are glibc's.
func keepFreedChunkMemory() {
    #if canImport(Glibc)
    typealias MalloptFunction = @convention(c) (Int32, Int32) -> Int32
    guard let symbol = dlsym(nil, "mallopt") else { return }
    let mallopt = unsafeBitCast(symbol, to: MalloptFunction.self)
    _ = mallopt(-3, 32 << 20)
    _ = mallopt(-1, 256 << 20)
    #endif
}
