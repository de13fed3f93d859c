import Columnar
import Foundation
import ROOTCompression
import ROOTIO
@testable import ROOTWriter
import XCTest

/// A real > 2 GiB file (manual: set CONSERVATTACK_LARGE_FILE_TEST=1; writes ~2.3 GB uncompressed, then deletes it).
final class LargeFileTests: XCTestCase {
    func testFileBeyondTwoGigabytesSwitchesToLargeFormat() throws {
        guard ProcessInfo.processInfo.environment["CONSERVATTACK_LARGE_FILE_TEST"] == "1" else {
            throw XCTSkip("set CONSERVATTACK_LARGE_FILE_TEST=1 to write a 2.3 GB file")
        }
        var o = ROOTWriterOptions()
        o.compression = .none
        o.basketSize = .entries(1 << 20)
        let path = try TestSupport.scratch("large") + "/big.root"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let chunk = 8 << 20                              // 8 Mi entries × (8 + 4) bytes per chunk
        let chunks = 24                                  // 201 Mi entries, ~2.4 GB
        let w = try ROOTTreeWriter(path: path, treeName: "t", options: o)
        for c in 0..<chunks {
            let base = c * chunk
            let x = Column(.float64((0..<chunk).map { Double(base + $0) * 0.5 }))
            let k = Column(jagged: .int32((0..<chunk).map { Int32(truncatingIfNeeded: base + $0) }), offsets: Array(0...chunk))
            try w.append(try EventTable(rowCount: chunk, columns: [("x", x), ("k", k)]))
        }
        try w.close()
        let f = try ROOTFile(path: path)
        XCTAssertTrue(f.isLarge)
        let tree = try f.tree("t")
        let n = chunk * chunks
        XCTAssertEqual(tree.entryCount, n)
        let tail = try tree.arrays(["x", "k"], entries: (n - 5)..<n)
        XCTAssertEqual(tail["x"]?.content, .float64((n - 5..<n).map { Double($0) * 0.5 }))
        XCTAssertEqual(tail["k"]?.content, .int32((n - 5..<n).map { Int32($0) }))
        let head = try tree.arrays(["x"], entries: 0..<3)
        XCTAssertEqual(head["x"]?.content, .float64([0, 0.5, 1]))
        if let python = ProcessInfo.processInfo.environment["CONSERVATTACK_PYTHON"] {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: python)
            p.arguments = ["-c", "import uproot,sys; t=uproot.open(sys.argv[1])['t']; n=t.num_entries; a=t.arrays(entry_start=n-3, library='np'); "
                           + "assert n == \(n) and list(a['x']) == [(n-3+i)*0.5 for i in range(3)], (n, a); print('uproot OK', n)", path]
            let pipe = Pipe()
            p.standardOutput = pipe; p.standardError = pipe
            try p.run()
            let out = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            p.waitUntilExit()
            print(out)
            XCTAssertEqual(p.terminationStatus, 0, out)
        }
    }
}
