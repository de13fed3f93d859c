import Foundation
import XCTest
@testable import ROOTCompression

/// Our compressed objects, read back by uproot (python zlib/lzma, cramjam lz4/zstd, xxhash-checked LZ4).
/// Needs env CONSERVATTACK_PYTHON pointing at a python with uproot; skipped otherwise.
final class InteropTests: XCTestCase {
    static let script = """
    import sys, os, uproot, uproot.compression as c
    folder = sys.argv[1]
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".rootz"):
            continue
        packed = open(os.path.join(folder, name), "rb").read()
        plain = open(os.path.join(folder, name[:-6] + ".plain"), "rb").read()
        chunk = uproot.source.chunk.Chunk.wrap(None, packed)
        out = c.decompress(chunk, uproot.source.cursor.Cursor(0), {}, len(packed), len(plain))
        assert out.raw_data.tobytes() == plain, name
        print("ok", name[:-6])
    """

    func testUprootReadsOurOutput() throws {
        guard let python = ProcessInfo.processInfo.environment["CONSERVATTACK_PYTHON"], !python.isEmpty else {
            throw XCTSkip("CONSERVATTACK_PYTHON is not set: skipping the uproot cross-check")
        }
        guard FileManager.default.isExecutableFile(atPath: python) else {
            throw XCTSkip("CONSERVATTACK_PYTHON=\(python) is not an executable: skipping the uproot cross-check")
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rootcompression-interop-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }

        var names = [String]()
        let small = floatLikeBytes(count: 60_000, seed: 11)
        let big = floatLikeBytes(count: ROOTBlockHeader.maxBlockSize + 4096, seed: 12)  // two blocks
        for alg in [CompressionAlgorithm.zlib, .lzma, .lz4, .zstd] {
            for (tag, data, level) in [("small", small, 1), ("small9", small, 9), ("big", big, 1)] {
                if tag == "big" && alg == .lzma { continue }  // slow at 16 MiB; the framing is codec-independent
                let packed = try ROOTCompressor.compress(data, settings: .init(algorithm: alg, level: level))
                XCTAssertLessThan(packed.count, data.count)
                let name = "\(alg.name)_\(tag)"
                try Data(packed).write(to: dir.appendingPathComponent(name + ".rootz"))
                try Data(data).write(to: dir.appendingPathComponent(name + ".plain"))
                names.append(name)
            }
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: python)
        p.arguments = ["-c", Self.script, dir.path]
        let out = Pipe(), err = Pipe()
        p.standardOutput = out; p.standardError = err
        try p.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let stdout = String(decoding: outData, as: UTF8.self)
        XCTAssertEqual(p.terminationStatus, 0, String(decoding: errData, as: UTF8.self))
        XCTAssertEqual(Set(stdout.split(separator: "\n").map(String.init)), Set(names.map { "ok \($0)" }))
    }
}
