import Columnar
import Foundation
import TestSupport
import XCTest
@testable import ROOTIO

/// The streaming digest (chunks of entries, cluster-aligned or not) gives the very same JSON as a digest
/// read in one chunk, on every shared file and fixture.
final class ChunkedDigestTests: XCTestCase {
    func files() -> [String] {
        var out: [String] = []
        let fixtures = Fixtures.path("rootio")
        for name in (try? FileManager.default.contentsOfDirectory(atPath: fixtures)) ?? [] where name.hasSuffix(".root") {
            out.append("\(fixtures)/\(name)")
        }
        if let shared = Fixtures.shared?.appendingPathComponent("rootfiles") {
            for name in (try? FileManager.default.contentsOfDirectory(atPath: shared.path)) ?? [] where name.hasSuffix(".root") {
                out.append(shared.appendingPathComponent(name).path)
            }
        }
        return out.sorted()
    }

    func digest(_ path: String, _ options: DigestOptions) throws -> String {
        try FileDigest.digest(try ROOTFile(path: path), fileName: "f.root", options: options).json.serialized(indent: 1)
    }

    func testChunkedDigestEqualsWholeDigestOnEveryFile() throws {
        var compared = 0
        for path in files() {
            let whole: String
            do {
                whole = try digest(path, DigestOptions(threads: 1, chunkEntries: Int.max / 2))
            } catch {
                continue   // files with no readable tree (e.g. RNTuple only) are another test's business
            }
            let file = try ROOTFile(path: path)
            let most = try file.treePaths().compactMap { try? file.tree($0).entryCount }.max() ?? 0
            for (chunk, aligned) in [(1 + most / 7, true), (1 + most / 7, false), (1 + most / 2, false)] {
                let options = DigestOptions(threads: 2, chunkEntries: chunk, alignToClusters: aligned)
                XCTAssertEqual(try digest(path, options), whole, "\(path) chunk \(chunk) aligned \(aligned)")
                compared += 1
            }
            // The default: sized by bytes (small here, so several chunks on the larger files).
            XCTAssertEqual(try digest(path, DigestOptions(threads: 2, chunkBytes: 64 << 10)), whole, path)
        }
        XCTAssertGreaterThan(compared, 30)
    }

    /// Folding in parallel gives each record its chunks in order; two columns under one path (a damaged file can
    /// name two branches alike) go to that one record in turn instead of racing or trapping.
    func testParallelFoldingKeepsEachRecordsOrderAndToleratesRepeatedPaths() throws {
        let a1 = Column(NumericArray.float32([1, 2, 3, .nan, 5, 6, 7, 8, 9, 10, 11])), a2 = Column(NumericArray.float32([-4, 0.5]))
        let b = Column(NumericArray.int32([7, 8, 9]))
        let folding = ChunkSummaries([("a", .float32), ("b", .int32)], threads: 2)
        folding.add([a1, a2, b], paths: ["a", "a", "b"])
        folding.add([a2, b], paths: ["a", "b"])
        folding.add([b], paths: ["unknown"])
        var expectedA = BranchSummary(dtype: .float32)
        for c in [a1, a2, a2] { expectedA.add(c) }
        var expectedB = BranchSummary(dtype: .int32)
        for c in [b, b] { expectedB.add(c) }
        let records = folding.finish()
        XCTAssertEqual(Set(records.keys), ["a", "b"])
        let record = { (s: BranchSummary?) in s?.record(typeName: "t", interpretation: nil, emptyLayout: .flat).serialized(indent: 0) }
        XCTAssertEqual(record(records["a"]), record(expectedA))
        XCTAssertEqual(record(records["b"]), record(expectedB))
        XCTAssertEqual(records["a"]?.count, 15)
        XCTAssertEqual(records["a"]?.nonfinite, 1)
    }

    func testChunksAreClusterAlignedAndCoverTheRange() throws {
        let tree = try ROOTFile(path: Fixtures.path("rootio/types-zlib.root")).tree("t")   // baskets of 7, 5, 9 entries
        let branches = tree.allBranches.filter { tree.interpretation(of: $0).codec != nil }
        let aligned = try TreeDigest(tree: tree, options: DigestOptions(chunkEntries: 6)).chunks(of: branches, range: 0..<21)
        XCTAssertEqual(aligned, [0..<7, 7..<12, 12..<21], "a chunk ends at the next basket start when none fits")
        let wide = try TreeDigest(tree: tree, options: DigestOptions(chunkEntries: 13)).chunks(of: branches, range: 0..<21)
        XCTAssertEqual(wide, [0..<12, 12..<21])
        let plain = try TreeDigest(tree: tree, options: DigestOptions(chunkEntries: 6, alignToClusters: false))
            .chunks(of: branches, range: 0..<21)
        XCTAssertEqual(plain, [0..<6, 6..<12, 12..<18, 18..<21])
    }

    func testSummaryOfChunksEqualsSummaryOfTheWhole() {
        let values: [Float] = [1, .nan, 3, -2, .infinity, 7, 0.5]
        let whole = Column(jagged: .float32(values), offsets: [0, 2, 2, 5, 7])
        var one = BranchSummary(dtype: .float32)
        one.add(whole)
        var parts = BranchSummary(dtype: .float32)
        parts.add(Column(jagged: .float32(Array(values[0..<2])), offsets: [0, 2, 2]))
        parts.add(Column(jagged: .float32(Array(values[2..<7])), offsets: [0, 3, 5]))
        let interp = Interpretation.jagged(.plain(.float32), headerBytes: 0)
        XCTAssertEqual(one.record(typeName: "float", interpretation: interp).serialized(indent: 0),
                       parts.record(typeName: "float", interpretation: interp).serialized(indent: 0))
        XCTAssertEqual(parts.count, 7)
        XCTAssertEqual(parts.nonfinite, 2)
        XCTAssertEqual(parts.sum, 9.5)
        XCTAssertEqual(parts.firstCounts, [2, 0, 3, 2])
    }
}
