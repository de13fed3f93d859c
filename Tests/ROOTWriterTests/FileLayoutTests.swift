import Columnar
import Foundation
import ROOTIO
@testable import ROOTWriter
import XCTest

/// Seek-width decisions and the fixed records at offsets beyond 2 GB (without writing 2 GB), plus autosave.
final class FileLayoutTests: XCTestCase {
    func be(_ b: [UInt8], _ at: Int, _ n: Int) -> UInt64 { b[at..<(at + n)].reduce(0) { $0 << 8 | UInt64($1) } }

    func testSeekWidthDecision() {
        XCTAssertFalse(FileLayout.needsLargeSeeks(end: 0))
        XCTAssertFalse(FileLayout.needsLargeSeeks(end: 2_000_000_000))
        XCTAssertTrue(FileLayout.needsLargeSeeks(end: 2_000_000_001))
        XCTAssertTrue(FileLayout.needsLargeSeeks(end: 1 << 40))
    }

    func testKeyHeaderSmallAndLarge() {
        var k = KeyHeader(totalBytes: 1234, objectLength: 5678, datime: 0x1234_5678, cycle: 3, seekKey: 3_000_000_000,
                          seekParentDirectory: 100, className: "TBasket", name: "Jet_pt", title: "Events", large: true,
                          extra: [1, 2, 3])
        let big = k.encoded()
        XCTAssertEqual(big.count, k.keyLength)
        XCTAssertEqual(be(big, 4, 2), 1004)
        XCTAssertEqual(be(big, 14, 2), UInt64(k.keyLength))
        XCTAssertEqual(be(big, 16, 2), 3)
        XCTAssertEqual(be(big, 18, 8), 3_000_000_000)
        XCTAssertEqual(be(big, 26, 8), 100)
        XCTAssertEqual(Array(big[34..<42]), [7] + Array("TBasket".utf8))
        XCTAssertEqual(Array(big.suffix(3)), [1, 2, 3])
        k.large = false
        k.seekKey = 1_999_999_000
        let small = k.encoded()
        XCTAssertEqual(small.count, big.count - 8)
        XCTAssertEqual(be(small, 4, 2), 4)
        XCTAssertEqual(be(small, 18, 4), 1_999_999_000)
        XCTAssertEqual(be(small, 22, 4), 100)
    }

    func testDirectoryRecordAndHeaderSwitchToLargeFormat() {
        let uuid = [UInt8](repeating: 7, count: 16)
        var d = DirectoryRecord(ctime: 1, mtime: 2, nbytesKeys: 300, nbytesName: 58, seekDir: 100, seekParent: 0,
                                seekKeys: 1_500_000_000, uuid: uuid)
        var e = d.encoded()
        XCTAssertEqual(e.count, 60)
        XCTAssertEqual(be(e, 0, 2), 5)
        XCTAssertEqual(be(e, 26, 4), 1_500_000_000)
        d.seekKeys = 5_000_000_000
        e = d.encoded()
        XCTAssertEqual(e.count, 60)
        XCTAssertEqual(be(e, 0, 2), 1005)
        XCTAssertEqual(be(e, 18, 8), 100)
        XCTAssertEqual(be(e, 34, 8), 5_000_000_000)

        var h = FileHeader(end: 1_000_000, seekFree: 999_000, nbytesFree: 60, nbytesName: 58, compression: 101,
                           seekInfo: 990_000, nbytesInfo: 4000, uuid: uuid)
        var hb = h.encoded()
        XCTAssertEqual(hb.count, 100)
        XCTAssertEqual(be(hb, 4, 4), UInt64(FileLayout.rootVersion))
        XCTAssertEqual(be(hb, 12, 4), 1_000_000)
        XCTAssertEqual(be(hb, 33, 4), 101)
        h.end = 4_000_000_000; h.seekFree = 3_999_999_000; h.seekInfo = 3_999_000_000
        hb = h.encoded()
        XCTAssertEqual(be(hb, 4, 4), UInt64(FileLayout.rootVersion) + 1_000_000)
        XCTAssertEqual(be(hb, 12, 8), 4_000_000_000)
        XCTAssertEqual(be(hb, 20, 8), 3_999_999_000)
        XCTAssertEqual(hb[40], 8)                                  // fUnits
        XCTAssertEqual(be(hb, 41, 4), 101)
        XCTAssertEqual(be(hb, 45, 8), 3_999_000_000)
        XCTAssertEqual(be(FreeSegments.encoded(fileEnd: 4_000_000_000), 0, 2), 1001)
        XCTAssertEqual(FreeSegments.encoded(fileEnd: 1000).count, 10)
    }

    func testDatimePacking() {
        // 2025-06-15 12:34:56 UTC
        let v = FileLayout.datime(unixTime: 1_749_990_896)
        XCTAssertEqual(v >> 26, 30)
        XCTAssertEqual((v >> 22) & 0xf, 6)
        XCTAssertEqual((v >> 17) & 0x1f, 15)
        XCTAssertEqual((v >> 12) & 0x1f, 12)
        XCTAssertEqual((v >> 6) & 0x3f, 34)
        XCTAssertEqual(v & 0x3f, 56)
    }

    /// A file that is never closed is readable up to its last autosave.
    func testAutosaveLeavesAReadableFile() throws {
        var rng = TestSupport.Rng(state: 9)
        let n = 100
        let table = try EventTable(rowCount: n, columns: [("x", Column(TestSupport.values(.float64, n, &rng))),
                                                         ("y", Column(TestSupport.values(.int32, n, &rng)))])
        var o = ROOTWriterOptions()
        o.basketSize = .entries(10)
        o.autosaveEveryClusters = 3
        let dir = try TestSupport.scratch("autosave")
        let file = try ROOTFileWriter(path: dir + "/t.root", options: o)
        let tree = try file.makeTree("events")
        try tree.append(table.rows(0..<45))           // 4 clusters written, autosaved after the 3rd
        let snapshot = dir + "/killed.root"
        try? FileManager.default.removeItem(atPath: snapshot)
        try file.out.flush()
        try FileManager.default.copyItem(atPath: file.out.temporaryPath, toPath: snapshot)
        let killed = try ROOTFile(path: snapshot)
        let saved = try killed.tree("events")
        XCTAssertEqual(saved.entryCount, 30)
        TestSupport.assertTablesEqual(table.rows(0..<30), try saved.arrays(["x", "y"]))
        try tree.append(table.rows(45..<n))
        try file.close()
        XCTAssertFalse(FileManager.default.fileExists(atPath: file.out.temporaryPath))
        let final = try ROOTFile(path: dir + "/t.root")
        XCTAssertEqual(try final.root.key("events").cycle, 4)     // autosaves after clusters 3, 6, 9, then close
        TestSupport.assertTablesEqual(table, try final.tree("events").arrays(["x", "y"]))
    }
}

/// Temporary-file handling: nothing appears at the target path before close; abandon removes everything.
final class TemporaryFileTests: XCTestCase {
    func testTargetAppearsOnlyAtCloseAndAbandonCleansUp() throws {
        let dir = try TestSupport.scratch("tmpfiles-\(UInt32.random(in: 0...UInt32.max))")
        let t = try EventTable(rowCount: 3, columns: [("x", Column(.int16([1, 2, 3])))])
        let w = try ROOTTreeWriter(path: dir + "/a.root", treeName: "t")
        try w.append(t)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/a.root"))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir).count, 1)
        try w.close()
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), ["a.root"])
        let v = try ROOTTreeWriter(path: dir + "/b.root", treeName: "t")
        try v.append(t)
        v.abandon()
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), ["a.root"])
        XCTAssertThrowsError(try ROOTTreeWriter(path: dir + "/missing-dir/c.root", treeName: "t")) { e in
            guard case ROOTWriterError.io? = e as? ROOTWriterError else { return XCTFail("\(e)") }
        }
    }
}
