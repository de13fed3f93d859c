import Foundation
import XCTest
@testable import ArrowIPC
import Columnar

/// Files written by our writer, read by pyarrow and pandas (fixtures/arrow/check_with_pyarrow.py).
/// Needs CONSERVATTACK_PYTHON pointing at a Python with pyarrow (pandas optional); skips visibly otherwise.
final class PyarrowCrossCheckTests: XCTestCase {
    func testPyarrowAndPandasReadOurFilesIdentically() throws {
        let python = try ExpectationJSON.python()
        let dir = try TestSupport.temporaryDirectory(self)
        var entries: [[String: Any]] = []
        func add(_ file: String, _ table: EventTable, metadata: [String: String] = [:], rowsPerBatch: Int = 65536,
                 largeListThreshold: Int = Int(Int32.max), large: Set<String> = [], compression: ArrowCompression = .none) throws {
            try ArrowFileWriter.write(table, to: dir.appendingPathComponent(file).path, metadata: metadata,
                                      rowsPerBatch: rowsPerBatch, largeListThreshold: largeListThreshold, compression: compression)
            let batches = (table.rowCount + rowsPerBatch - 1) / rowsPerBatch
            entries.append(try ExpectationJSON.entry(file: file, table: table, metadata: metadata, batches: batches,
                                                     largeColumns: large))
        }
        try add("dtypes.arrow", try TestSupport.allDtypesTable(rows: 40),
                metadata: ["conservattack.version": "0.1", "perturbed": "f32,f64", "ünï": "✓"])
        try add("nested.feather", try TestSupport.nestedTable(rows: 33))
        try add("batches.arrow", try TestSupport.nestedTable(rows: 101), rowsPerBatch: 10)
        try add("large.arrow", try TestSupport.nestedTable(rows: 12), rowsPerBatch: 5, largeListThreshold: 3,
                large: ["jet_pt", "jet_id", "jet_tag", "jet_u16"])
        try add("empty.arrow", try TestSupport.nestedTable(rows: 0))
        try add("one.arrow", try TestSupport.allDtypesTable(rows: 1))
        // Compressed bodies: LZ4 frames, zstd frames, and buffers stored raw behind −1 (random data).
        try add("dtypes_lz4.arrow", try TestSupport.allDtypesTable(rows: 300), metadata: ["codec": "lz4"], compression: .lz4Frame)
        try add("nested_zstd.feather", try TestSupport.nestedTable(rows: 101), rowsPerBatch: 10, compression: .zstd(level: 3))
        var rng = SystemRandomNumberGenerator()
        let noise = try EventTable(rowCount: 2000, columns: [
            ("noise", Column(.uint64((0..<2000).map { _ in UInt64.random(in: .min ... .max, using: &rng) }))),
            ("zeros", Column(.float32([Float](repeating: 0, count: 2000))))])
        try add("noise_lz4.arrow", noise, compression: .lz4Frame)
        try add("large_lz4.arrow", try TestSupport.nestedTable(rows: 12), rowsPerBatch: 5, largeListThreshold: 3,
                large: ["jet_pt", "jet_id", "jet_tag", "jet_u16"], compression: .lz4Frame)
        let json = try JSONSerialization.data(withJSONObject: ["files": entries], options: [.sortedKeys])
        let expected = dir.appendingPathComponent("expected.json")
        try json.write(to: expected)

        let script = TestSupport.fixtures.appendingPathComponent("check_with_pyarrow.py").path
        let (status, output) = try ExpectationJSON.run(python, [script, expected.path])
        XCTAssertEqual(status, 0, output)
        XCTAssertTrue(output.contains("PASS 10 files"), output)
    }

    func testCheckerDetectsADifference() throws {
        // The checker must be able to fail: expectations that differ from the file by one value.
        let python = try ExpectationJSON.python()
        let dir = try TestSupport.temporaryDirectory(self)
        let table = try TestSupport.allDtypesTable(rows: 5)
        try ArrowFileWriter.write(table, to: dir.appendingPathComponent("d.arrow").path)
        var entry = try ExpectationJSON.entry(file: "d.arrow", table: table, metadata: [:], batches: 1)
        var columns = entry["columns"] as! [[String: Any]]
        columns[4]["values"] = ["1", "2", "3", "4", "5"]
        entry["columns"] = columns
        let expected = dir.appendingPathComponent("expected.json")
        try JSONSerialization.data(withJSONObject: ["files": [entry]]).write(to: expected)
        let script = TestSupport.fixtures.appendingPathComponent("check_with_pyarrow.py").path
        let (status, output) = try ExpectationJSON.run(python, [script, expected.path])
        XCTAssertEqual(status, 1, output)
        XCTAssertTrue(output.contains("FAIL d.arrow:i64: values differ"), output)
    }
}
