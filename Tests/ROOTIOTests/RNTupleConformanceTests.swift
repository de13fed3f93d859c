import Foundation
import TestSupport
import XCTest
@testable import ROOTIO
import Columnar

/// Our RNTuple digests against uproot's: the shared samples (../shared/rootfiles/rntuple and the top-level
/// ntpl001 file) and the uproot-written fixtures (fixtures/rntuple/uproot_*.root), scored by
/// shared/tools/compare_digest.py (or, without ../shared, by the same rules in Swift).
final class RNTupleConformanceTests: XCTestCase {
    /// Scores one file: our digest vs the expected JSON, by compare_digest.py.
    private func score(_ root: String, expected: String, compare: URL, scratch: URL) throws {
        let name = (root as NSString).lastPathComponent
        let digest = try FileDigest.digest(try ROOTFile(path: root), fileName: name)
        let ours = scratch.appendingPathComponent("\(name).json")
        try Data(digest.serialized(indent: 1).utf8).write(to: ours)
        let r = try Fixtures.run("/usr/bin/env", ["python3", compare.path, expected, ours.path])
        XCTAssertEqual(r.status, 0, "\(name): \(r.stdout.suffix(2000))")
        let last = r.stdout.split(separator: "\n").last.map(String.init) ?? ""
        XCTAssertTrue(last.hasSuffix(" 0 failed") && !last.hasPrefix("0 passed"), "\(name): \(last)")
    }

    func testSharedRNTupleSamplesMatchUproot() throws {
        guard let shared = Fixtures.shared else { throw XCTSkip("../shared not present: RNTuple conformance skipped") }
        let dir = shared.appendingPathComponent("rootfiles/rntuple")
        let compare = shared.appendingPathComponent("tools/compare_digest.py")
        let scratch = try Fixtures.temporaryDirectory("rntuple-digest")
        defer { try? FileManager.default.removeItem(at: scratch) }
        var scored = 0
        for name in try FileManager.default.contentsOfDirectory(atPath: dir.path).filter({ $0.hasSuffix(".root") }).sorted() {
            let expected = dir.appendingPathComponent("expected/\(name).json")
            let json = try JSONSerialization.jsonObject(with: Data(contentsOf: expected)) as? [String: Any]
            let expectedTuples = json?["rntuples"] as? [String: Any] ?? [:]
            let path = dir.appendingPathComponent(name).path
            if expectedTuples.isEmpty {
                // Pre-1.0 (epoch 0) files: a clear error naming the epoch, never a crash.
                XCTAssertThrowsError(try FileDigest.digest(try ROOTFile(path: path), fileName: name), name) { e in
                    XCTAssertTrue("\(e)".contains("epoch 0 (pre-1.0 format)"), "\(e)")
                }
                continue
            }
            try score(path, expected: expected.path, compare: compare, scratch: scratch)
            scored += 1
        }
        let top = shared.appendingPathComponent("rootfiles/ntpl001_staff_rntuple_v1-0-0-0.root")
        // The top-level copy's own expected digest predates RNTuple support (no "rntuples"): use the rntuple/ one.
        try score(top.path, expected: dir.appendingPathComponent("expected/ntpl001_staff_rntuple_v1-0-0-0.root.json").path,
                  compare: compare, scratch: scratch)
        XCTAssertGreaterThanOrEqual(scored, 4)
    }

    func testUprootWrittenFixturesMatchUproot() throws {
        guard let shared = Fixtures.shared else { throw XCTSkip("../shared not present: compare_digest.py unavailable") }
        let compare = shared.appendingPathComponent("tools/compare_digest.py")
        let scratch = try Fixtures.temporaryDirectory("rntuple-fixtures")
        defer { try? FileManager.default.removeItem(at: scratch) }
        // uproot_wide: 210 fields, more than one group of 128 output arrays per read round.
        for name in ["none", "zlib", "lzma", "lz4", "zstd", "wide"] {
            let root = Fixtures.path("rntuple/uproot_\(name).root")
            try score(root, expected: root + ".json", compare: compare, scratch: scratch)
        }
    }

    func testFieldsPathsKindsAndClusters() throws {
        let tuple = try ROOTFile(path: Fixtures.path("rntuple/uproot_zstd.root")).rntuple("events")
        XCTAssertEqual(tuple.entryCount, 750)
        XCTAssertEqual(tuple.clusters, [0..<300, 300..<500, 500..<750])
        XCTAssertEqual(tuple.clusterGroupCount, 3)
        let byPath = Dictionary(uniqueKeysWithValues: tuple.fields.map { ($0.path, $0) })
        XCTAssertEqual(byPath["muons/pt"]?.kind, .jagged)
        XCTAssertEqual(byPath["met/phi"]?.kind, .flat)
        XCTAssertEqual(byPath["p3"]?.kind, .fixed)
        XCTAssertEqual(byPath["p3"]?.shape, [3])
        XCTAssertEqual(byPath["flag"]?.dtype, .bool)
        XCTAssertGreaterThan(byPath["jets"]?.compressedBytes ?? 0, 0)
        XCTAssertGreaterThan(byPath["jets"]?.uncompressedBytes ?? 0, byPath["jets"]?.compressedBytes ?? 0)
        XCTAssertEqual(byPath["jets"]?.columns.map(\.typeName), ["Index64", "Real64"])
        // A leaf name resolves when unambiguous; `pt` is ambiguous (met/pt, muons/pt).
        XCTAssertEqual(try tuple.field("charge").path, "muons/charge")
        XCTAssertThrowsError(try tuple.field("pt"))
        XCTAssertEqual(try tuple.resolve(["muons/*"]).map(\.path), ["muons/pt", "muons/charge"])
        XCTAssertEqual(try ROOTFile(path: Fixtures.path("rntuple/uproot_zstd.root")).rntuplePaths(), ["events"])
        XCTAssertThrowsError(try ROOTFile(path: Fixtures.path("rntuple/uproot_zstd.root")).tree("events")) { e in
            XCTAssertTrue("\(e)".contains("not a TTree"), "\(e)")
        }
    }

    /// Reading in chunks (any boundaries, across clusters) gives exactly the whole read, for every thread count.
    func testChunkedAndThreadedReadsEqualTheWholeRead() throws {
        let tuple = try ROOTFile(path: Fixtures.path("rntuple/uproot_lz4.root")).rntuple("events")
        let whole = try tuple.arrays(threads: 1)
        XCTAssertTrue(Self.same(try tuple.arrays(threads: 4), whole))
        for step in [1, 7, 128, 299, 333] {
            var parts: [EventTableSlice] = []
            var start = 0
            while start < tuple.entryCount {
                let end = min(tuple.entryCount, start + step)
                parts.append(EventTableSlice(range: start..<end, table: try tuple.arrays(entries: start..<end, threads: 2)))
                start = end
            }
            for p in parts where p.range.count > 0 {
                XCTAssertTrue(Self.same(p.table, whole.rows(p.range)), "step \(step), entries \(p.range)")
            }
        }
        XCTAssertEqual(try tuple.arrays(entries: 10..<10).rowCount, 0)
        XCTAssertThrowsError(try tuple.arrays(entries: 0..<(tuple.entryCount + 1)))
    }
}

extension RNTupleConformanceTests {
    /// Tables equal column by column, values compared by bit pattern (so NaN equals NaN).
    static func same(_ a: EventTable, _ b: EventTable) -> Bool {
        guard a.names == b.names, a.rowCount == b.rowCount else { return false }
        for n in a.names {
            guard let x = a[n], let y = b[n], x.layout == y.layout, x.dtype == y.dtype,
                  x.content.toDoubles().map(\.bitPattern) == y.content.toDoubles().map(\.bitPattern) else { return false }
        }
        return true
    }
}

private struct EventTableSlice {
    var range: Range<Int>
    var table: Columnar.EventTable
}
