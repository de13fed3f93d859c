// libFuzzer harness: open the input as a ROOT file and read every RNTuple in it: all numeric fields at
// once, then (when that fails) each field alone, then a chunked read across cluster boundaries.
// Any Swift error is a clean outcome; a trap, sanitizer report, timeout or OOM is a finding.
import Foundation
import ROOTIO

private let scratchPath: String = {
    let dir = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
    return "\(dir)/conservattack-fuzz-rntuple-\(getpid()).root"
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRNTuple(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Data(bytes: data, count: size)
    guard FileManager.default.createFile(atPath: scratchPath, contents: bytes) else { return 0 }
    defer { unlink(scratchPath) }
    // 64 MiB objects and columns at most: a hostile size must fail as an error, far below libFuzzer's 2 GB limit.
    var limits = ReadLimits.default
    limits.maxObjectBytes = 1 << 26
    guard let file = try? ROOTFile(path: scratchPath, limits: limits), let paths = try? file.rntuplePaths() else { return 0 }
    for path in paths {
        guard let tuple = try? file.rntuple(path) else { continue }
        _ = tuple.fields.map { ($0.path, $0.compressedBytes, $0.uncompressedBytes) }
        if (try? tuple.arrays(threads: 1)) == nil {
            for name in tuple.numericFieldNames { _ = try? tuple.column(name, threads: 1) }
        }
        let n = tuple.entryCount
        if n > 1 {
            let mid = n / 2
            _ = try? tuple.arrays(entries: 0..<mid, threads: 2)
            _ = try? tuple.arrays(entries: mid..<n, threads: 2)
        }
    }
    return 0
}
