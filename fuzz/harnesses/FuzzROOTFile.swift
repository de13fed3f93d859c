// libFuzzer harness: open the input as a ROOT file (recovering it if its directory is unreadable) and
// read every numeric branch of every tree; then digest it as `conservattack digest` does (chunked, per-branch
// failures, columns folded on 2 threads).
// Any Swift error is a clean outcome; a trap, sanitizer report, timeout or OOM is a finding.
import Foundation
import ROOTIO

private let scratchPath: String = {
    let dir = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
    return "\(dir)/conservattack-fuzz-root-\(getpid()).root"
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzROOTFile(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Data(bytes: data, count: size)
    guard FileManager.default.createFile(atPath: scratchPath, contents: bytes) else { return 0 }
    defer { unlink(scratchPath) }
    do {
        // Normal open, falling back to recovery (walking the records from fBEGIN) as a batch job would.
        let file = try ROOTFile.openRecovering(path: scratchPath).file
        _ = try? file.readStreamerInfos()
        for path in try file.treePaths() {
            let tree = try file.tree(path)
            // All numeric branches at once; when that fails, each branch alone (so one broken basket
            // does not hide the others from the fuzzer).
            if (try? tree.arrays(threads: 1)) == nil {
                for name in tree.numericBranchNames { _ = try? tree.column(name, threads: 1) }
            }
        }
        _ = try? FileDigest.digest(file, fileName: "fuzz.root", options: DigestOptions(threads: 2, chunkBytes: 4096))
    } catch {}
    return 0
}
