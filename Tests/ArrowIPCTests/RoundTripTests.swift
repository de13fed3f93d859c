import Foundation
import XCTest
@testable import ArrowIPC
import Columnar

/// Our writer → our reader, for every dtype and layout, batch sizes, metadata and edge cases.
final class RoundTripTests: XCTestCase {
    private func roundTrip(_ table: EventTable, metadata: [String: String] = [:], rowsPerBatch: Int = 65536,
                           largeListThreshold: Int = Int(Int32.max)) throws -> (EventTable, [String: String], URL) {
        let dir = try TestSupport.temporaryDirectory(self)
        let url = dir.appendingPathComponent("t.arrow")
        try ArrowFileWriter.write(table, to: url.path, metadata: metadata, rowsPerBatch: rowsPerBatch,
                                  largeListThreshold: largeListThreshold)
        let (back, meta) = try ArrowFileReader.read(path: url.path)
        return (back, meta, url)
    }

    func testEveryDtypeFlat() throws {
        let t = try TestSupport.allDtypesTable(rows: 23)
        let (back, meta, _) = try roundTrip(t)
        TestSupport.assertIdentical(t, back)
        XCTAssertEqual(meta, [:])
        XCTAssertEqual(Array(back["u64"]?.content.uint64Values.prefix(2) ?? []), [0, UInt64.max])
        XCTAssertEqual(back["f64"]?.content.double(at: 4), 1.0 / 3.0)
    }

    func testJaggedAndFixed() throws {
        let t = try TestSupport.nestedTable(rows: 17)
        let (back, _, _) = try roundTrip(t)
        TestSupport.assertIdentical(t, back)
        XCTAssertEqual(back["m22"]?.layout, .fixed(shape: [2, 2]))
    }

    func testSeveralBatchesSplitJaggedCorrectly() throws {
        let t = try TestSupport.nestedTable(rows: 50)
        for batch in [1, 3, 7, 49, 50, 51] {
            let (back, _, url) = try roundTrip(t, rowsPerBatch: batch)
            TestSupport.assertIdentical(t, back)
            // The footer lists ceil(50 / batch) record batches: count them through the file's own footer.
            XCTAssertEqual(try ArrowFileInspector.recordBatchCount(path: url.path), (50 + batch - 1) / batch, "batch \(batch)")
        }
    }

    func testEmptyTableKeepsSchema() throws {
        let t = try TestSupport.nestedTable(rows: 0)
        let (back, _, url) = try roundTrip(t)
        TestSupport.assertIdentical(t, back)
        XCTAssertEqual(back.columnCount, 8)
        XCTAssertEqual(try ArrowFileInspector.recordBatchCount(path: url.path), 0)
        let noColumns = EventTable(rowCount: 0)
        let (back2, _, _) = try roundTrip(noColumns)
        XCTAssertEqual(back2, noColumns)
    }

    func testRowsWithoutColumnsKeepRowCount() throws {
        let (back, _, _) = try roundTrip(EventTable(rowCount: 5), rowsPerBatch: 2)
        XCTAssertEqual(back.rowCount, 5)
        XCTAssertEqual(back.columnCount, 0)
    }

    func testOneRow() throws {
        let a = try TestSupport.allDtypesTable(rows: 1)
        let (backA, _, _) = try roundTrip(a)
        TestSupport.assertIdentical(a, backA)
        let n = try TestSupport.nestedTable(rows: 1)
        let (backN, _, _) = try roundTrip(n)
        TestSupport.assertIdentical(n, backN)
    }

    func testMetadataRoundTrips() throws {
        let md = ["conservattack.version": "0.1.0", "perturbed": "x1,x2", "params": "{\"eps\": 0.05}",
                  "ünïcødé ✓": "日本語", "empty": ""]
        let (back, meta, _) = try roundTrip(try TestSupport.allDtypesTable(rows: 4), metadata: md)
        XCTAssertEqual(meta, md)
        XCTAssertEqual(back.rowCount, 4)
    }

    func testLargeListWhenContentExceedsThreshold() throws {
        let t = try TestSupport.nestedTable(rows: 20)
        let (back, _, url) = try roundTrip(t, rowsPerBatch: 6, largeListThreshold: 5)
        TestSupport.assertIdentical(t, back)
        let types = try ArrowFileInspector.fieldTypes(path: url.path)
        XCTAssertEqual(types["jet_pt"], "large_list<float32>")
        XCTAssertEqual(types["p3"], "fixed_size_list<float64>[3]")
        let (_, _, url2) = try roundTrip(t)
        XCTAssertEqual(try ArrowFileInspector.fieldTypes(path: url2.path)["jet_pt"], "list<float32>")
    }

    func testBuffersAreAligned() throws {
        let t = try TestSupport.nestedTable(rows: 13)
        let (_, _, url) = try roundTrip(t, rowsPerBatch: 5)
        for (bodyStart, buffers) in try ArrowFileInspector.bufferLayout(path: url.path) {
            XCTAssertEqual(bodyStart % 64, 0, "body start \(bodyStart)")
            for b in buffers { XCTAssertEqual(b.offset % 64, 0, "buffer offset \(b.offset)") }
        }
    }

    func testInvalidInputsAreRejectedAndLeaveNothingBehind() throws {
        let dir = try TestSupport.temporaryDirectory(self)
        let path = dir.appendingPathComponent("bad.arrow").path
        var t = EventTable(rowCount: 2)
        try t.add("ok", Column(.float64([1, 2])))
        try t.add("bad", Column(jagged: .float32([1, 2, 3]), offsets: [0, 2, 1]))
        XCTAssertThrowsError(try ArrowFileWriter.write(t, to: path)) { error in
            guard case ArrowError.cannotWrite(let column, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(column, "bad")
        }
        XCTAssertThrowsError(try ArrowFileWriter.write(EventTable(rowCount: 0), to: path, rowsPerBatch: 0))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), [])
    }
}

extension NumericArray {
    var uint64Values: [UInt64] { if case .uint64(let v) = self { return v } else { return [] } }
}
