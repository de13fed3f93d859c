import Columnar
import Foundation
import TestSupport
import XCTest
@testable import ROOTIO

/// The real-world layouts of fixtures/rootio/make_layouts.py, each read as uproot reads it (uproot_digest.py
/// beside the script is the judge, scored by shared/tools/compare_digest.py), and per-branch failures.
final class LayoutTests: XCTestCase {
    func layout(_ name: String) throws -> ROOTFile { try ROOTFile(path: Fixtures.path("rootio/\(name)")) }

    /// Our digest against uproot's: 0 failed, and the records uproot cannot read are failures in ours too.
    func assertAgreesWithUproot(_ name: String, expectFailures: Set<String> = [], file: StaticString = #filePath,
                                line: UInt = #line) throws {
        let ours = try FileDigest.digest(try layout(name), fileName: name, options: DigestOptions(threads: 1))
        XCTAssertEqual(Set(ours.failures.compactMap(\.branch)), expectFailures, file: file, line: line)
        guard let python = Fixtures.python, let shared = Fixtures.shared else {
            throw XCTSkip("CONSERVATTACK_PYTHON or ../shared not set: uproot cross-check skipped")
        }
        let dir = try Fixtures.temporaryDirectory("layout")
        defer { try? FileManager.default.removeItem(at: dir) }
        let theirs = try Fixtures.run(python, [Fixtures.path("rootio/uproot_digest.py"), Fixtures.path("rootio/\(name)")])
        XCTAssertEqual(theirs.status, 0, theirs.stderr, file: file, line: line)
        let expected = dir.appendingPathComponent("uproot.json"), candidate = dir.appendingPathComponent("ours.json")
        try Data(theirs.stdout.utf8).write(to: expected)
        try Data(ours.json.serialized(indent: 1).utf8).write(to: candidate)
        let r = try Fixtures.run(python, [shared.appendingPathComponent("tools/compare_digest.py").path, expected.path, candidate.path])
        XCTAssertEqual(r.status, 0, r.stdout, file: file, line: line)
        XCTAssertTrue(r.stdout.hasSuffix(" 0 failed\n"), r.stdout, file: file, line: line)
        // uproot fails on exactly the branches we report as failures.
        let obj = try JSONSerialization.jsonObject(with: Data(theirs.stdout.utf8)) as! [String: Any]
        var uprootFailures = Set<String>()
        for case let tree as [String: Any] in (obj["trees"] as! [String: Any]).values {
            for case let (branch, record as [String: Any]) in tree["branches"] as! [String: Any] where record["error"] != nil {
                uprootFailures.insert(branch)
            }
        }
        XCTAssertEqual(uprootFailures, expectFailures, "uproot's failures", file: file, line: line)
    }

    func testKeysListEntryLongerThanItsKeylenIsValid() throws {
        let file = try layout("layout-key-title.root")
        let key = try file.root.key("t")
        XCTAssertTrue(key.title.hasSuffix("longer title than the record's)"))
        XCTAssertEqual(key.totalBytes, Int32(key.keyLength) + key.objectLength, "an uncompressed object")
        XCTAssertEqual(try file.tree("t").arrays(["a"]).doubles("a"), [0, 1, 2, 3])
        try assertAgreesWithUproot("layout-key-title.root")
    }

    func testKeyWithTooShortKeylenIsStillRefused() throws {
        // fNbytes 40, fVersion 4, fObjlen 0, fDatime, fKeylen 20 (< the 26 bytes of fixed fields), cycle 1, seeks.
        var bytes: [UInt8] = [0, 0, 0, 40, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 20, 0, 1, 0, 0, 0, 100, 0, 0, 0, 0]
        bytes += [1, 65, 1, 66, 0]
        var c = ByteCursor(bytes)
        XCTAssertThrowsError(try Key.read(&c)) { XCTAssertTrue("\($0)".contains("fKeylen 20"), "\($0)") }
    }

    func testBasketCoverageFollowsUproot() throws {
        let tree = try layout("layout-basket-offset.root").tree("t")
        XCTAssertEqual(tree.entryCount, 21)
        XCTAssertEqual(try tree.readableEntries(of: try tree.branch("a")), 0..<21)
        XCTAssertEqual(try tree.readableEntries(of: try tree.branch("b")), 0..<12, "last basket not recorded")
        XCTAssertEqual(try tree.readableEntries(of: try tree.branch("c")), 0..<0, "no basket, no entries")
        XCTAssertEqual(try tree.basketCoverage(of: try tree.branch("d")), 21..<42)
        for name in ["d", "j"] {
            XCTAssertThrowsError(try tree.readableEntries(of: try tree.branch(name))) {
                XCTAssertTrue("\($0)".contains("branch \(name)") && "\($0)".contains("have no basket"), "\($0)")
            }
        }
        // A whole-tree read of a short branch names it; its readable entries read as written.
        XCTAssertThrowsError(try tree.arrays(["b"])) { XCTAssertTrue("\($0)".contains("branch b"), "\($0)") }
        XCTAssertEqual(try tree.arrays(["b"], entries: 0..<12).doubles("b"), (0..<12).map { Double($0) * 10 + 0.5 })
        try assertAgreesWithUproot("layout-basket-offset.root", expectFailures: ["d", "j"])
    }

    func testDigestRecordsFailedBranchesAndGoesOn() throws {
        let (json, failures) = try FileDigest.digest(try layout("layout-basket-offset.root"), fileName: "x.root",
                                                     options: DigestOptions(threads: 1))
        XCTAssertEqual(failures.map(\.branch), ["d", "j"])
        let text = json.serialized(indent: 1)
        let obj = try JSONSerialization.jsonObject(with: Data(text.utf8)) as! [String: Any]
        let branches = ((obj["trees"] as! [String: Any])["t"] as! [String: Any])["branches"] as! [String: [String: Any]]
        XCTAssertEqual(branches["d"]?["kind"] as? String, "other")
        XCTAssertTrue((branches["d"]?["error"] as? String ?? "").contains("branch d"))
        XCTAssertEqual(branches["a"]?["count"] as? Int, 21)
        XCTAssertEqual(branches["b"]?["count"] as? Int, 12)
        XCTAssertEqual(branches["c"]?["count"] as? Int, 0)
        XCTAssertEqual(branches["c"]?["kind"] as? String, "flat")
        XCTAssertEqual(branches["n"]?["count"] as? Int, 21)
    }

    func testOneUnreadableTreeDoesNotLoseTheOthers() throws {
        let file = try layout("layout-bad-tree.root")
        XCTAssertThrowsError(try file.tree("u")) { XCTAssertTrue("\($0)".contains("version 5"), "\($0)") }
        let (json, failures) = try FileDigest.digest(file, fileName: "bad.root", options: DigestOptions(threads: 1))
        XCTAssertEqual(failures.count, 1)
        XCTAssertEqual(failures.first?.tree, "u")
        XCTAssertNil(failures.first?.branch)
        let obj = try JSONSerialization.jsonObject(with: Data(json.serialized(indent: 1).utf8)) as! [String: Any]
        let trees = obj["trees"] as! [String: [String: Any]]
        XCTAssertEqual(trees["t"]?["entries"] as? Int, 4)
        XCTAssertNotNil(trees["u"]?["error"] as? String)
    }

    func testADamagedFileIsStillAnError() throws {
        let original = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("rootio/layout-basket-offset.root")))
        let dir = try Fixtures.temporaryDirectory("layout-cut")
        defer { try? FileManager.default.removeItem(at: dir) }
        let cut = dir.appendingPathComponent("cut.root")
        // Cut inside the baskets, before the TTree object: the keys list is gone, the file is damaged.
        try original.prefix(original.count / 2).write(to: cut)
        XCTAssertThrowsError(try FileDigest.digest(try ROOTFile(path: cut.path), fileName: "cut.root", threads: 1))
    }
}
