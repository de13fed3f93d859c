import Columnar
import Foundation
import ROOTCompression
@testable import ROOTWriter
import XCTest

/// A real > 2 GiB RNTuple file (manual: CONSERVATTACK_LARGE_FILE_TEST=1; ~2.3 GB uncompressed, deleted afterwards):
/// RBlob keys switch to 64-bit seeks past 2 GB, locators and the anchor hold 64-bit offsets, and uproot reads the
/// first and last entries back.
final class RNTupleLargeFileTests: XCTestCase {
    func testNTupleBeyondTwoGigabytes() throws {
        guard ProcessInfo.processInfo.environment["CONSERVATTACK_LARGE_FILE_TEST"] == "1" else {
            throw XCTSkip("set CONSERVATTACK_LARGE_FILE_TEST=1 to write a 2.3 GB RNTuple file")
        }
        let python = try RNTupleUprootTests.python()
        var o = ROOTWriterOptions()
        o.compression = .none
        let dir = try TestSupport.scratch("rntuple-large")
        let path = dir + "/big.root"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let chunk = 8 << 20, chunks = 14                  // 117 Mi entries × (8 + 4 + 8 index) bytes
        let f = try ROOTFileWriter(path: path, options: o)
        let nt = try f.makeNTuple("t")
        for c in 0..<chunks {
            let base = c * chunk
            let x = Column(.float64((0..<chunk).map { Double(base + $0) * 0.5 }))
            let k = Column(jagged: .int32((0..<chunk).map { Int32(truncatingIfNeeded: base + $0) }), offsets: Array(0...chunk))
            try nt.append(try EventTable(rowCount: chunk, columns: [("x", x), ("k", k)]))
        }
        try f.close()
        let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0
        XCTAssertGreaterThan(size, 2_200_000_000)
        let n = chunk * chunks
        let script = """
        import sys, uproot, numpy as np
        nt = uproot.open(sys.argv[1])["t"]
        n = int(sys.argv[2])
        assert nt.num_entries == n, nt.num_entries
        tail = nt.arrays(entry_start=n - 5, entry_stop=n)
        assert tail["x"].tolist() == [i * 0.5 for i in range(n - 5, n)], tail["x"].tolist()
        assert tail["k"].tolist() == [[(i + 2**31) % 2**32 - 2**31] for i in range(n - 5, n)], tail["k"].tolist()
        head = nt.arrays(entry_stop=3)
        assert head["x"].tolist() == [0, 0.5, 1.0]
        print("OK large")
        """
        let p = Process()
        p.executableURL = URL(fileURLWithPath: python)
        p.arguments = ["-c", script, path, String(n)]
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        try p.run()
        let out = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0, out)
        XCTAssertTrue(out.contains("OK large"), out)
    }
}
