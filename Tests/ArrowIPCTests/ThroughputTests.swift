import Foundation
import XCTest
@testable import ArrowIPC
import Columnar

/// Write/read throughput on a physics-sized table. Opt-in (ARROW_BENCH=1); prints MB/s and checks equality.
final class ThroughputTests: XCTestCase {
    func testThroughput() throws {
        guard ProcessInfo.processInfo.environment["ARROW_BENCH"] == "1" else {
            throw XCTSkip("set ARROW_BENCH=1 to measure Arrow write/read throughput")
        }
        let rows = 2_000_000
        var columns: [(String, Column)] = []
        for k in 0..<8 { columns.append(("f\(k)", Column(.float64((0..<rows).map { Double($0 &* (k + 1)) * 0.5 })))) }
        for k in 0..<4 { columns.append(("g\(k)", Column(.float32((0..<rows).map { Float($0 % 1000) + Float(k) })))) }
        var offsets = [0]; offsets.reserveCapacity(rows + 1)
        for i in 0..<rows { offsets.append(offsets.last! + i % 6) }
        columns.append(("jet_pt", Column(jagged: .float32((0..<offsets.last!).map { Float($0 % 977) }), offsets: offsets)))
        let table = try EventTable(rowCount: rows, columns: columns)
        let dir = try TestSupport.temporaryDirectory(self)
        let path = dir.appendingPathComponent("bench.arrow").path

        var t0 = Date()
        try ArrowFileWriter.write(table, to: path, metadata: ["bench": "1"])
        let writeSeconds = Date().timeIntervalSince(t0)
        let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? 0
        t0 = Date()
        let (back, _) = try ArrowFileReader.read(path: path)
        let readSeconds = Date().timeIntervalSince(t0)
        XCTAssertEqual(back, table)
        let mb = Double(size) / 1e6
        print(String(format: "ARROW BENCH: %d rows, %.1f MB: write %.3f s (%.0f MB/s), read %.3f s (%.0f MB/s)",
                     rows, mb, writeSeconds, mb / writeSeconds, readSeconds, mb / readSeconds))
    }
}
