import Foundation
import TestSupport
import XCTest

/// An RNTuple written by uproot's default (`f["t"] = {...}`) goes through predict and attack like a TTree; the
/// perturbed ntuple is an RNTuple `t` that uproot reads, events in input order.
final class RNTupleCLITests: CLITestCase {
    override class var scratchName: String { "rntuple-cli" }

    func path(_ name: String) -> String { tmp.appendingPathComponent(name).path }

    func testUprootDefaultRNTupleThroughPredictAndAttack() throws {
        guard let py = Fixtures.python else { throw XCTSkip("CONSERVATTACK_PYTHON unset: uproot writes this test's input") }
        let input = path("donut.root")
        // The donut background events, written as uproot 5.7 writes by default: an RNTuple.
        let make = """
        import sys, numpy as np, pyarrow.feather as feather, uproot
        t = feather.read_table(sys.argv[1])
        cols = {n: t.column(n).to_numpy() for n in t.column_names}
        cols["event"] = np.arange(len(cols["x1"]), dtype=np.int64)
        with uproot.recreate(sys.argv[2]) as f:
            f["t"] = cols
        assert type(uproot.open(sys.argv[2])["t"]).__name__ == "Model_ROOT_3a3a_RNTuple", type(uproot.open(sys.argv[2])["t"])
        """
        let m = try Fixtures.run(py, ["-c", make, Fixtures.path("mitigation/donut_test_background_correct_1000.arrow"), input])
        XCTAssertEqual(m.status, 0, m.stderr)
        let model = Fixtures.path("model/donut_model.json")

        let p = try Fixtures.run(bin, ["predict", "--model", model, "--features", "x1,x2", "--input", input + ":t",
                                       "--output", path("scores.csv")])
        XCTAssertEqual(p.status, 0, p.stderr)
        XCTAssertEqual(try String(contentsOfFile: path("scores.csv"), encoding: .utf8).split(separator: "\n").count, 1001)

        let a = try Fixtures.run(bin, ["attack", "--input", input, "--features", "x1,x2", "--model", model, "--true-class", "1",
                                       "--iterations", "2", "--bins", "40", "--output", path("perturbed.root"),
                                       "--metrics", path("m.json"), "--quiet"])
        XCTAssertEqual(a.status, 0, a.stderr)
        let check = """
        import sys, numpy as np, uproot
        a = uproot.open(sys.argv[1])["t"]; b = uproot.open(sys.argv[2])["t"]
        assert type(b).__name__ == "Model_ROOT_3a3a_RNTuple", type(b)
        assert b.num_entries == a.num_entries == 1000, (a.num_entries, b.num_entries)
        x, y = a.arrays(library="np"), b.arrays(library="np")
        assert np.array_equal(y["event"], np.arange(1000)), "events out of order"
        changed = int(np.sum((x["x1"] != y["x1"]) | (x["x2"] != y["x2"])))
        assert changed > 0, "the attack changed nothing"
        print("ok", changed)
        """
        let c = try Fixtures.run(py, ["-c", check, input, path("perturbed.root")])
        XCTAssertEqual(c.status, 0, c.stderr + c.stdout)
        XCTAssertTrue(c.stdout.hasPrefix("ok"), c.stdout)
        // Our own reader sees the same RNTuple, with the attack's metadata beside it.
        let s = try Fixtures.run(bin, ["select", path("perturbed.root") + ":t", "--cut", "event >= 0", "--json"])
        XCTAssertEqual(s.status, 0, s.stderr)
        XCTAssertTrue(s.stdout.contains("1000"), s.stdout)
        let listing = try Fixtures.run(bin, ["inspect", path("perturbed.root")])
        XCTAssertTrue(listing.stdout.contains("RNTuple t"), listing.stdout)
        XCTAssertTrue(listing.stdout.contains("conservattack.true_class"), listing.stdout)
    }
}
