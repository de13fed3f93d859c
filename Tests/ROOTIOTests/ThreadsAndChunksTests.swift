import Columnar
import Foundation
import Synchronization
import TestSupport
import XCTest
@testable import ROOTIO

/// The reading fast path: identical results for every thread count, chunked iteration equal to one
/// full read, subsets that never touch other branches' baskets, and the bulk byte conversions.
final class ThreadsAndChunksTests: XCTestCase {
    static let codecs = ["none", "zlib", "lzma", "lz4", "zstd"]

    /// Bit-for-bit equality of two tables (NaN == NaN when their bits agree), reporting the first difference.
    func assertIdentical(_ a: EventTable, _ b: EventTable, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.names, b.names, what, file: file, line: line)
        XCTAssertEqual(a.rowCount, b.rowCount, what, file: file, line: line)
        for name in a.names {
            guard let x = a[name], let y = b[name] else { return XCTFail("\(what): column \(name) missing", file: file, line: line) }
            let same = x.dtype == y.dtype && x.layout == y.layout
                && x.content.toDoubles().map(\.bitPattern) == y.content.toDoubles().map(\.bitPattern)
            XCTAssertTrue(same, "\(what): column \(name) differs", file: file, line: line)
        }
    }

    func testResultsIdenticalWhateverTheThreadCountOnEveryFixture() throws {
        for codec in Self.codecs {
            let file = try ROOTFile(path: Fixtures.path("rootio/types-\(codec).root"))
            for path in try file.treePaths() {
                let tree = try file.tree(path)
                let reference = try tree.arrays(threads: 1)
                XCTAssertGreaterThan(reference.columnCount, 0, "\(codec) \(path)")
                for threads in [2, 3, 8, 0] {
                    assertIdentical(try tree.arrays(threads: threads), reference, "\(codec) \(path) threads \(threads)")
                }
                // Ranges that cut baskets in the middle go through the scratch path on every thread count.
                let cut = min(3, tree.entryCount)..<min(17, tree.entryCount - 1)
                for threads in [1, 4] {
                    assertIdentical(try tree.arrays(entries: cut, threads: threads), reference.rows(cut), "\(codec) \(path) \(cut)")
                }
            }
        }
    }

    func testResultsIdenticalWhateverTheThreadCountOnSharedFiles() throws {
        guard let shared = Fixtures.shared else { throw XCTSkip("../shared/rootfiles not present: shared-file thread test skipped") }
        for name in ["uproot-HZZ-zlib.root", "uproot-HZZ-lz4.root", "nanoAOD_2015_CMS_Open_Data_ttbar.root"] {
            let path = shared.appendingPathComponent("rootfiles/\(name)").path
            guard FileManager.default.fileExists(atPath: path) else { continue }
            let file = try ROOTFile(path: path)
            for treePath in try file.treePaths() {
                let tree = try file.tree(treePath)
                // Only branches we can read (some shared files hold strings or objects).
                let names = tree.numericBranchNames.filter { (try? tree.column($0, threads: 1)) != nil }
                XCTAssertFalse(names.isEmpty, name)
                let reference = try tree.arrays(names, threads: 1)
                XCTAssertEqual(reference.rowCount, tree.entryCount)
                assertIdentical(try tree.arrays(names, threads: 2), reference, "\(name) \(treePath) 2 threads")
                assertIdentical(try tree.arrays(names, threads: 5), reference, "\(name) \(treePath) 5 threads")
            }
        }
    }

    func testChunksConcatenateToTheFullRead() throws {
        let tree = try ROOTFile(path: Fixtures.path("rootio/types-zstd.root")).tree("t")
        let full = try tree.arrays()
        for size in [1, 5, 7, 20, 21, 100] {
            for threads in [1, 2] {
                let chunks = try tree.iterate(chunkSize: .entries(size), threads: threads)
                XCTAssertEqual(chunks.ranges.first?.lowerBound, 0)
                XCTAssertEqual(chunks.ranges.last?.upperBound, 21)
                XCTAssertTrue(chunks.ranges.allSatisfy { $0.count <= size })
                let tables = try chunks.map { try $0.get() }
                XCTAssertEqual(tables.count, (21 + size - 1) / size)
                XCTAssertEqual(try EventTable.concatenate(tables), full, "chunk \(size) threads \(threads)")
            }
        }
        var sub = try tree.iterate(branches: ["f8", "j"], chunkSize: .entries(4), entries: 2..<15, threads: 2)
        var parts: [EventTable] = []
        while let t = try sub.nextTable() { parts.append(t) }
        XCTAssertEqual(parts.map(\.rowCount), [4, 4, 4, 1])
        XCTAssertEqual(try EventTable.concatenate(parts), try tree.arrays(["f8", "j"]).rows(2..<15))
    }

    /// The digest reads each chunk with a fresh reader. The key length learnt from a branch's first on-disk basket
    /// outlives it, so an uncompressed basket of a later chunk is read straight into its column (one preadv, no
    /// copy through a buffer), with the same values as a fresh reader's.
    func testLaterChunksReadUncompressedBasketsInPlace() throws {
        let tree = try ROOTFile(path: Fixtures.path("rootio/types-none.root")).tree("t")   // baskets of 7, 5, 9 entries
        let direct = tree.allBranches.filter { BranchReader.DirectLayout(tree.interpretation(of: $0)) != nil }
        XCTAssertGreaterThan(direct.count, 5)
        XCTAssertEqual(direct.map { $0.lastBasketKeyLength.load(ordering: .relaxed) }.max(), 0)
        for chunk in [0..<7, 7..<12, 12..<21] {
            let columns = try BranchReader(tree: tree, threads: 1).read(direct, entries: chunk)
            XCTAssertEqual(direct.map { $0.lastBasketKeyLength.load(ordering: .relaxed) }.min().map { $0 > 0 }, true,
                           "every branch knows its basket key length after chunk \(chunk)")
            let fresh = try ROOTFile(path: Fixtures.path("rootio/types-none.root")).tree("t")
            let expected = try BranchReader(tree: fresh, threads: 1)
                .read(direct.map { b in fresh.allBranches.first { $0.path == b.path }! }, entries: chunk)
            for (a, b) in zip(columns, expected) {
                XCTAssertEqual(a.layout, b.layout, "chunk \(chunk)")
                XCTAssertEqual(a.content.toDoubles().map(\.bitPattern), b.content.toDoubles().map(\.bitPattern), "chunk \(chunk)")
            }
        }
    }

    func testClusterChunksFollowTheBasketBoundaries() throws {
        // make_fixtures.py fills 7, 5 and 9 entries per basket.
        let tree = try ROOTFile(path: Fixtures.path("rootio/types-lzma.root")).tree("t")
        let chunks = try tree.iterate(chunkSize: .clusters)
        XCTAssertEqual(chunks.ranges, [0..<7, 7..<12, 12..<21])
        XCTAssertEqual(try EventTable.concatenate(chunks.map { try $0.get() }), try tree.arrays())
        XCTAssertThrowsError(try tree.iterate(chunkSize: .entries(0)))
        XCTAssertThrowsError(try tree.iterate(entries: 0..<22))
    }

    /// Destroys every basket of one branch; the others must still read exactly as before.
    func testSubsetsNeverTouchOtherBranchesBaskets() throws {
        let original = Fixtures.path("rootio/types-zlib.root")
        let dir = try Fixtures.temporaryDirectory("subset")
        defer { try? FileManager.default.removeItem(at: dir) }
        let damaged = dir.appendingPathComponent("damaged.root")
        let tree = try ROOTFile(path: original).tree("t")
        let before = try tree.arrays(["i4", "arr", "j"])
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: original)))
        let f8 = try tree.branch("f8")
        XCTAssertEqual(f8.writeBasket, 3)
        for i in 0..<Int(f8.writeBasket) {
            let seek = Int(f8.basketSeek[i])
            for k in seek..<(seek + Int(f8.basketBytes[i])) { bytes[k] = 0xA5 }
        }
        try Data(bytes).write(to: damaged)
        let damagedTree = try ROOTFile(path: damaged.path).tree("t")
        for threads in [1, 2] {
            XCTAssertEqual(try damagedTree.arrays(["i4", "arr", "j"], threads: threads), before)
            XCTAssertThrowsError(try damagedTree.arrays(["f8"], threads: threads)) { e in
                XCTAssertTrue("\(e)".contains("branch f8"), "\(e)")
            }
            var chunks = try damagedTree.iterate(branches: ["i4"], chunkSize: .entries(6), threads: threads)
            var rows = 0
            while let t = try chunks.nextTable() { rows += t.rowCount }
            XCTAssertEqual(rows, 21)
        }
    }

    func testBulkByteConversions() throws {
        let source: [UInt8] = (0..<48).map { UInt8($0 * 5 + 1) }
        for size in [1, 2, 4, 8] {
            var expected = [UInt8](repeating: 0, count: source.count)
            for e in 0..<(source.count / size) {
                for k in 0..<size { expected[e * size + k] = source[e * size + (size - 1 - k)] }
            }
            // On a little-endian host, big-endian → host order reverses each element's bytes.
            guard UInt16(1).littleEndian == 1 else { throw XCTSkip("big-endian host") }
            var copied = [UInt8](repeating: 0, count: source.count)
            source.withUnsafeBytes { s in copied.withUnsafeMutableBytes { BulkBytes.copySwapped(s, into: $0, elementSize: size) } }
            XCTAssertEqual(copied, expected, "copy, size \(size)")
            var inPlace = source
            inPlace.withUnsafeMutableBytes { BulkBytes.swapInPlace($0, elementSize: size) }
            XCTAssertEqual(inPlace, expected, "in place, size \(size)")
        }
        var bools: [UInt8] = [0, 1, 2, 255, 0, 7]
        bools.withUnsafeMutableBytes { BulkBytes.normaliseBools($0) }
        XCTAssertEqual(bools, [0, 1, 1, 1, 0, 1])
        let arrays = try BulkBytes.withUninitializedArrays([(.float32, 3), (.int16, 2), (.bool, 0)]) { buffers in
            XCTAssertEqual(buffers.map(\.count), [12, 4, 0])
            for b in buffers { for i in 0..<b.count { b[i] = 0 } }
        }
        XCTAssertEqual(arrays, [.float32([0, 0, 0]), .int16([0, 0]), .bool([])])
        struct Boom: Error {}
        XCTAssertThrowsError(try BulkBytes.withUninitializedArrays([(.float64, 4)]) { _ in throw Boom() })
    }
}
