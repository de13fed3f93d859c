import Foundation
import TestSupport
import XCTest

/// Per-branch and per-tree failures through the built binary: `digest` and `inspect` keep every readable
/// branch, warn once per failed one and exit 0; a command reading chosen branches fails only on them.
final class LayoutCLITests: CLITestCase {
    override class var scratchName: String { "layout-cli" }

    func testDigestKeepsReadableBranchesAndWarnsPerFailedBranch() throws {
        let r = try Fixtures.run(bin, ["digest", Fixtures.path("rootio/layout-basket-offset.root")])
        XCTAssertEqual(r.status, 0, r.stderr)
        let warnings = r.stderr.split(separator: "\n")
        XCTAssertEqual(warnings.count, 2, r.stderr)
        XCTAssertTrue(warnings.allSatisfy { $0.hasPrefix("conservattack: warning: tree t: ") }, r.stderr)
        XCTAssertTrue(warnings[0].contains("branch d: ") && warnings[1].contains("branch j: "), r.stderr)
        let obj = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        let branches = ((obj["trees"] as! [String: Any])["t"] as! [String: Any])["branches"] as! [String: [String: Any]]
        XCTAssertEqual(branches["j"]?["kind"] as? String, "other")
        XCTAssertTrue((branches["j"]?["error"] as? String ?? "").contains("entries 0..<5 have no basket"))
        XCTAssertEqual(branches["a"]?["count"] as? Int, 21)
    }

    func testInspectMarksFailedBranchesAndTrees() throws {
        let r = try Fixtures.run(bin, ["inspect", Fixtures.path("rootio/layout-basket-offset.root")])
        XCTAssertEqual(r.status, 0, r.stderr)
        let line = r.stdout.split(separator: "\n").first { $0.trimmingCharacters(in: .whitespaces).hasPrefix("j ") }
        XCTAssertTrue(line?.contains("unsupported: its baskets hold entries 5..<26") ?? false, r.stdout)
        XCTAssertEqual(r.stderr.split(separator: "\n").count, 2, r.stderr)
        let bad = try Fixtures.run(bin, ["inspect", Fixtures.path("rootio/layout-bad-tree.root")])
        XCTAssertEqual(bad.status, 0, bad.stderr)
        XCTAssertTrue(bad.stdout.contains("TTree u;1  unsupported: TTree class version 5"), bad.stdout)
        XCTAssertTrue(bad.stdout.contains("TTree t;1  4 entries"), bad.stdout)
        let digest = try Fixtures.run(bin, ["digest", Fixtures.path("rootio/layout-bad-tree.root")])
        XCTAssertEqual(digest.status, 0, digest.stderr)
        XCTAssertEqual(digest.stderr.split(separator: "\n").count, 1, digest.stderr)
        XCTAssertTrue(digest.stderr.contains("warning: tree u: "), digest.stderr)
    }

    func testChosenBranchesFailOnlyWhenAChosenBranchFails() throws {
        let input = Fixtures.path("rootio/layout-basket-offset.root") + ":t"
        let good = try Fixtures.run(bin, ["export", input, "--branches", "a", "n", "--output", tmp.appendingPathComponent("ok.arrow").path])
        XCTAssertEqual(good.status, 0, good.stderr)
        XCTAssertTrue(good.stderr.isEmpty, good.stderr)
        let bad = try Fixtures.run(bin, ["export", input, "--branches", "a", "j", "--output", tmp.appendingPathComponent("no.arrow").path])
        XCTAssertEqual(bad.status, 1)
        XCTAssertTrue(bad.stderr.contains("branch j"), bad.stderr)
        XCTAssertEqual(bad.stderr.split(separator: "\n").count, 1, bad.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: tmp.appendingPathComponent("no.arrow").path))
    }
}
