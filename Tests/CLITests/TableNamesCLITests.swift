import Foundation
import TestSupport
import XCTest

/// Outputs keep the input table's name (a drop-in systematic variation), `--output-tree` renames, and the
/// attack's metadata is read back from a ROOT output.
final class TableNamesCLITests: CLITestCase {
    override class var scratchName: String { "names" }

    func path(_ name: String) -> String { tmp.appendingPathComponent(name).path }

    func testAttackOutputKeepsTheInputTreeNameAndItsMetadataReadsBack() throws {
        let model = Fixtures.path("model/donut_model.json")
        let input = path("donut.root")
        let e = try Fixtures.run(bin, ["export", Fixtures.path("mitigation/donut_test_background_correct_1000.arrow"),
                                       "--output", input, "--output-tree", "Events"])
        XCTAssertEqual(e.status, 0, e.stderr)
        let a = try Fixtures.run(bin, ["attack", "--input", input + ":Events", "--features", "x1,x2", "--model", model,
                                       "--true-class", "1", "--iterations", "1", "--bins", "40",
                                       "--output", path("perturbed.root"), "--metrics", path("m.json"), "--quiet"])
        XCTAssertEqual(a.status, 0, a.stderr)
        let listing = try Fixtures.run(bin, ["inspect", path("perturbed.root")])
        XCTAssertEqual(listing.status, 0, listing.stderr)
        XCTAssertTrue(listing.stdout.contains("TTree Events;"), listing.stdout)
        XCTAssertFalse(listing.stdout.contains("TTree events;"), listing.stdout)
        XCTAssertTrue(listing.stdout.contains("TObjString conservattack.true_class"), listing.stdout)

        // Renamed on request; the unnamed input is the only table of its file.
        let renamed = try Fixtures.run(bin, ["export", path("perturbed.root"), "--output", path("renamed.root"),
                                             "--output-tree", "nominal_up"])
        XCTAssertEqual(renamed.status, 0, renamed.stderr)
        let r = try Fixtures.run(bin, ["select", path("renamed.root") + ":nominal_up", "--cut", "x1 > -1000", "--json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("1000"), r.stdout)

        // The true class comes back from the ROOT output's metadata: `train --adversarial-from` needs no class.
        let t = try Fixtures.run(bin, ["train", "--signal", Fixtures.path("mitigation/donut_train_signal_2000.arrow"),
                                       "--background", Fixtures.path("mitigation/donut_train_background_2000.arrow"),
                                       "--features", "x1,x2", "--epochs", "1", "--hidden", "8",
                                       "--adversarial-from", path("perturbed.root"), "--output", path("adv.json"), "--quiet"])
        XCTAssertEqual(t.status, 0, t.stderr)
        let noClass = try Fixtures.run(bin, ["train", "--signal", Fixtures.path("mitigation/donut_train_signal_2000.arrow"),
                                             "--background", Fixtures.path("mitigation/donut_train_background_2000.arrow"),
                                             "--features", "x1,x2", "--epochs", "1", "--hidden", "8",
                                             "--adversarial-from", input, "--output", path("adv2.json"), "--quiet"])
        XCTAssertEqual(noClass.status, 1)
        XCTAssertTrue(noClass.stderr.contains("--adversarial-class"), noClass.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("adv2.json")))

        // Neither ROOT nor Arrow: one clear line whatever the extension says.
        try "x1,x2\n1,2\n".write(toFile: path("table.root"), atomically: true, encoding: .utf8)
        let bad = try Fixtures.run(bin, ["select", path("table.root"), "--cut", "x1 > 0"])
        XCTAssertEqual(bad.status, 1)
        XCTAssertTrue(bad.stderr.contains("neither a ROOT file"), bad.stderr)
    }
}
