import Foundation
import TestSupport
import XCTest
import ROOTIO

/// Files whose writer died (fixtures/fuzz/make_recovery.py, from a file written by uproot): the records
/// are walked from fBEGIN, whole objects are read, and the report says what was lost.
final class RecoveryTests: XCTestCase {
    struct Expected: Decodable { var entries: Int; var x: [Int32]; var y: [Double] }

    func expected() throws -> Expected {
        try JSONDecoder().decode(Expected.self, from: Data(contentsOf: URL(fileURLWithPath: Fixtures.path("fuzz/recovery_expected.json"))))
    }

    func testKilledWriterFileIsRecoveredUpToTheLastWholeTree() throws {
        let path = Fixtures.path("fuzz/recovery-killed.root")
        XCTAssertEqual(try ROOTFile(path: path).treePaths(), [], "the keys list is gone: a normal open sees nothing")
        let (file, report) = try ROOTFile.openRecovering(path: path)
        let r = try XCTUnwrap(report)
        XCTAssertEqual(r.keys.map(\.name), ["t"], "h_after lies after the cut")
        XCTAssertEqual(r.basketCount, 8)
        XCTAssertNil(r.streamerKey, "the streamer list is cut")
        XCTAssertTrue(r.warnings.contains { $0.contains("StreamerInfo") && $0.contains("not recovered") }, "\(r.warnings)")
        XCTAssertTrue(r.warnings.first?.contains("lists no objects") ?? false, "\(r.warnings)")
        XCTAssertNotNil(file.recoveryReport)

        let want = try expected()
        XCTAssertEqual(try file.treePaths(), ["t"])
        let tree = try file.tree("t")
        XCTAssertEqual(tree.entryCount, want.entries)
        let table = try tree.arrays(threads: 1)
        guard case .int32(let x) = try table.column("x").content else { return XCTFail("x is not int32") }
        guard case .float64(let y) = try table.column("y").content else { return XCTFail("y is not float64") }
        XCTAssertEqual(x, want.x)
        XCTAssertEqual(y, want.y)
    }

    func testFileCutInsideTheTreeMetadataGetsAClearError() throws {
        let path = Fixtures.path("fuzz/recovery-before-tree.root")
        let (file, report) = try ROOTFile.openRecovering(path: path)
        let r = try XCTUnwrap(report)
        XCTAssertEqual(r.keys.count, 0)
        XCTAssertEqual(r.basketCount, 8, "the baskets before the tree are whole")
        XCTAssertTrue(r.warnings.contains { $0.contains("TTree 't'") && $0.contains("not recovered") }, "\(r.warnings)")
        XCTAssertEqual(try file.treePaths(), [])
        XCTAssertThrowsError(try file.tree("t")) { e in
            XCTAssertEqual((e as? ROOTError)?.kind, .notFound, "\(e)")
        }
    }

    func testIntactFileOpensWithoutRecovery() throws {
        let (file, report) = try ROOTFile.openRecovering(path: Fixtures.path("fuzz/recovery-source.root"))
        XCTAssertNil(report)
        XCTAssertEqual(try file.tree("t").entryCount, try expected().entries)
        XCTAssertEqual(Set(file.root.latestKeys.map(\.name)), ["t", "h_after"])
    }

    func testNotAROOTFileIsNotRecovered() throws {
        let dir = try Fixtures.temporaryDirectory("recovery")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("text.root").path
        try Data("definitely not a ROOT file, just text".utf8).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try ROOTFile.openRecovering(path: path)) { e in
            XCTAssertEqual((e as? ROOTError)?.kind, .notROOT, "\(e)")
        }
    }

    /// Every truncation of the killed file recovers or fails cleanly, never traps.
    func testEveryTruncationOfTheKilledFileEndsCleanly() throws {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("fuzz/recovery-killed.root")))
        let dir = try Fixtures.temporaryDirectory("recovery-cuts")
        defer { try? FileManager.default.removeItem(at: dir) }
        var recoveredTrees = 0
        for cut in stride(from: 1, to: bytes.count, by: 97) {
            let path = dir.appendingPathComponent("cut\(cut).root").path
            try bytes.prefix(cut).write(to: URL(fileURLWithPath: path))
            do {
                let (file, _) = try ROOTFile.openRecovering(path: path)
                for t in try file.treePaths() { _ = try file.tree(t).arrays(threads: 1); recoveredTrees += 1 }
            } catch {
                XCTAssertTrue(error is ROOTError, "cut \(cut): \(error)")
            }
        }
        XCTAssertGreaterThan(recoveredTrees, 0, "no truncation kept the whole tree")
    }
}
