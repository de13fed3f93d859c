import Foundation
import TestSupport
import XCTest

/// Drives the built `conservattack` binary the way a physicist does.
final class CLITests: CLITestCase {

    func sharedFile(_ name: String) throws -> String {
        guard let s = Fixtures.shared else { throw XCTSkip("shared data folder not present ($CONSERVATTACK_SHARED, or ../shared beside the repository): skipped") }
        return s.appendingPathComponent(name).path
    }

    func testInspectListsEveryNanoAODBranchWithItsType() throws {
        let r = try Fixtures.run(bin, ["inspect", try sharedFile("rootfiles/nanoAOD_2015_CMS_Open_Data_ttbar.root")])
        XCTAssertEqual(r.status, 0, r.stderr)
        let numeric = r.stdout.split(separator: "\n").filter {
            $0.contains(" bool ") || $0.contains(" float32 ") || $0.contains(" int32 ") || $0.contains(" uint8 ")
                || $0.contains("var * ") || $0.contains(" uint32 ") || $0.contains(" int64 ") || $0.contains(" uint64 ")
                || $0.contains(" float64 ") || $0.contains(" int8 ") || $0.contains(" int16 ") || $0.contains(" uint16 ")
        }
        XCTAssertEqual(numeric.count, 947, "numeric branches listed")
        XCTAssertTrue(r.stdout.contains("Jet_pt") && r.stdout.contains("float[]"))
    }

    func testBrokenInputsGiveOneLineErrorsAndExitOne() throws {
        let original = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("rootio/types-zlib.root")))
        let cut = tmp.appendingPathComponent("cut.root")
        try original.prefix(original.count * 2 / 3).write(to: cut)
        let text = tmp.appendingPathComponent("text.root")
        try Data("not a root file".utf8).write(to: text)
        for path in [cut.path, text.path, tmp.appendingPathComponent("missing.root").path] {
            let r = try Fixtures.run(bin, ["digest", path])
            XCTAssertEqual(r.status, 1, path)
            let lines = r.stderr.split(separator: "\n")
            XCTAssertEqual(lines.count, 1, r.stderr)
            XCTAssertTrue(r.stderr.contains(URL(fileURLWithPath: path).lastPathComponent), r.stderr)
            XCTAssertTrue(r.stdout.isEmpty)
        }
        let r = try Fixtures.run(bin, ["digest", cut.path])
        XCTAssertTrue(r.stderr.contains("byte "), r.stderr)
    }

    func testSelectJSONAndCutflow() throws {
        let r = try Fixtures.run(bin, ["select", Fixtures.path("rootio/types-none.root") + ":t", "--cut", "i4 > 0 && nj >= 1",
                                       "--weight", "f8 * 0 + 2", "--cutflow", "--json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let obj = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        XCTAssertEqual(obj["entries"] as? Int, 21)
        let selected = obj["selected"] as! Int
        XCTAssertEqual(obj["sum_weights"] as? Double, Double(2 * selected))
        XCTAssertEqual((obj["cutflow"] as? [Any])?.count, 2)
        let bad = try Fixtures.run(bin, ["select", Fixtures.path("rootio/types-none.root") + ":t", "--cut", "i44 > 0"])
        XCTAssertEqual(bad.status, 1)
        XCTAssertTrue(bad.stderr.contains("i4"), bad.stderr)
    }

    func testExportToArrowRoundTripsAndRefusesOverwrite() throws {
        let out = tmp.appendingPathComponent("t.arrow").path
        let r = try Fixtures.run(bin, ["export", Fixtures.path("rootio/types-lz4.root") + ":t", "--branches", "f*", "j", "nj",
                                       "--entries", "2:19", "--output", out])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("17 entries × 4 columns"), r.stdout)
        let again = try Fixtures.run(bin, ["export", Fixtures.path("rootio/types-lz4.root") + ":t", "--output", out])
        XCTAssertEqual(again.status, 1)
        XCTAssertTrue(again.stderr.contains("--force"))
        // Arrow → Arrow through our reader keeps the values (digest-level equality via select counts).
        let s1 = try Fixtures.run(bin, ["select", out, "--cut", "f4 > 0", "--json"])
        let s2 = try Fixtures.run(bin, ["select", Fixtures.path("rootio/types-lz4.root") + ":t", "--cut", "f4 > 0 && 1", "--json"])
        XCTAssertEqual(s1.status, 0, s1.stderr)
        XCTAssertNotEqual(s2.status, 0)   // `&& 1` mixes bool and number: a type error, not a crash
    }

    func testDonutAttackWithinBoundsRecomputedFromTheWrittenFile() throws {
        let model = try sharedFile("reference/donut_model.json")
        let out = tmp.appendingPathComponent("perturbed.arrow").path
        let metrics = tmp.appendingPathComponent("metrics.json").path
        let r = try Fixtures.run(bin, ["attack", "--input", Fixtures.path("cli/donut_attack_input.arrow"), "--features", "x1,x2",
                                       "--model", model, "--true-class", "1", "--output", out, "--metrics", metrics, "--quiet"],
                                 timeout: 300)
        XCTAssertEqual(r.status, 0, r.stderr)
        let m = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: metrics))) as! [String: Any]
        let fooling = m["fooling_ratio"] as! Double
        XCTAssertGreaterThanOrEqual(fooling, 0.213)
        XCTAssertLessThanOrEqual(m["rel_corr_change"] as! Double, 0.006)
        XCTAssertLessThanOrEqual(m["max_jsd"] as! Double, 0.0121)
        XCTAssertEqual((m["iterations"] as? [Any])?.count, 10)
        guard let py = Fixtures.python else {
            throw XCTSkip("CONSERVATTACK_PYTHON unset: independent recomputation with onnxruntime skipped")
        }
        let check = try Fixtures.run(py, [Fixtures.path("cli/check_donut_output.py"), Fixtures.path("cli/donut_attack_input.arrow"),
                                          out, try sharedFile("reference/donut_model.onnx")])
        XCTAssertEqual(check.status, 0, check.stderr)
        let ind = try JSONSerialization.jsonObject(with: Data(check.stdout.utf8)) as! [String: Any]
        XCTAssertEqual(ind["fooling_ratio"] as! Double, fooling, accuracy: 0.002)
        XCTAssertGreaterThanOrEqual(ind["fooling_ratio"] as! Double, 0.213)
        XCTAssertLessThanOrEqual(ind["rel_corr_change"] as! Double, 0.006)
        XCTAssertLessThanOrEqual(ind["max_jsd"] as! Double, 0.0121)
    }

    /// `attack --mode checks` then standalone `validate` with the attack's metrics (so the same grid and thresholds
    /// as `run`): none of the checks notices, in the inclusive sample and in a control region.
    func testChecksModeIsNotNoticedByValidate() throws {
        let model = try sharedFile("reference/donut_model.json")
        let out = tmp.appendingPathComponent("perturbed.arrow").path
        let metrics = tmp.appendingPathComponent("metrics.json").path
        let regions = tmp.appendingPathComponent("regions.toml")
        try "[[regions]]\nname = \"CR_right\"\ncut = \"x1 > 0.5\"\n".write(to: regions, atomically: true, encoding: .utf8)
        let input = Fixtures.path("cli/donut_attack_input.arrow")
        let r = try Fixtures.run(bin, ["attack", "--input", input, "--features", "x1,x2", "--model", model, "--true-class", "1",
                                       "--output", out, "--metrics", metrics, "--regions", regions.path, "--mode", "checks",
                                       "--iterations", "3", "--quiet"], timeout: 300)
        XCTAssertEqual(r.status, 0, r.stderr)
        let m = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: metrics))) as! [String: Any]
        XCTAssertGreaterThan(m["fooling_ratio"] as! Double, 0.2)
        XCTAssertEqual(m["constraints_met"] as? Bool, true)
        let v = try Fixtures.run(bin, ["validate", "--nominal", input, "--perturbed", out, "--features", "x1,x2",
                                       "--regions", regions.path, "--metrics", metrics, "--output", tmp.appendingPathComponent("report").path],
                                 timeout: 300)
        XCTAssertEqual(v.status, 0, v.stderr)
        XCTAssertTrue(v.stdout.contains("checks: 0 of 12 nominal-vs-perturbed checks would notice"), v.stdout)
        XCTAssertTrue(v.stdout.contains("correlations stayed within tolerance"), v.stdout)
    }
}
