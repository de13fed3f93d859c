import Foundation
import TestSupport
import XCTest

/// A small version of `conservattack demo`, checked for consistency from its written outputs.
final class EndToEndTests: XCTestCase {
    func testSmallDemoIsConsistentWithItsWrittenOutputs() throws {
        guard let bin = Fixtures.binary else { throw XCTSkip("conservattack binary not built") }
        let dir = try Fixtures.temporaryDirectory("demo")
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try Fixtures.run(bin, ["demo", "--output", dir.path, "--events", "4000", "--iterations", "2", "--epochs", "3", "--quiet"],
                                 timeout: 600)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("ConservAttack summary"), r.stdout)
        XCTAssertTrue(r.stdout.contains("signal region SR"), r.stdout)
        for f in ["ttbar.root", "wjets.root", "model.json", "run.toml", "perturbed/wjets_perturbed.root",
                  "perturbed/wjets_perturbed.arrow", "perturbed/metrics.json", "report/report.json", "report/report.html",
                  "templates/templates.root", "templates/workspace.json"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: dir.appendingPathComponent(f).path), f)
        }
        let metrics = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("perturbed/metrics.json"))) as! [String: Any]
        // Recompute the fooling ratio from the written ntuples with the written model.
        let model = dir.appendingPathComponent("model.json").path
        var scores: [[Double]] = []
        for (input, name) in [("wjets.root:Events", "nominal.csv"), ("perturbed/wjets_perturbed.root:Events", "perturbed.csv")] {
            let out = dir.appendingPathComponent(name).path
            let p = try Fixtures.run(bin, ["predict", "--model", model, "--input", dir.appendingPathComponent(input).path, "--output", out])
            XCTAssertEqual(p.status, 0, p.stderr)
            scores.append(try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n").dropFirst().map { Double($0)! })
        }
        XCTAssertEqual(scores[0].count, 4000)
        XCTAssertEqual(scores[1].count, 4000)
        let correct = scores[0].indices.filter { scores[0][$0] < 0.5 }          // true class 0
        let fooled = correct.filter { scores[1][$0] >= 0.5 }
        XCTAssertEqual(correct.count, metrics["initially_correct"] as? Int)
        let recomputed = Double(fooled.count) / Double(correct.count)
        // Features are stored as float32 in the ntuple: allow one borderline event either way.
        XCTAssertEqual(recomputed, metrics["fooling_ratio"] as! Double, accuracy: 1.5 / Double(correct.count))
        // The report carries the same fooling ratio and one chi2/KS/JSD check per feature and region.
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("report/report.json"))) as! [String: Any]
        let checks = report["checks"] as! [[String: Any]]
        XCTAssertGreaterThan(checks.count, 15 * 3)
        // Every event stays in the regions it is in nominally, the signal region included (btag1/btag2 move).
        let regions = report["regions"] as! [[String: Any]]
        XCTAssertEqual(regions.map { $0["name"] as! String }, ["all", "CR_1j", "CR_2j", "CR_3j", "CR_4j_lowb", "SR"])
        for r in regions { XCTAssertEqual(r["perturbed_events"] as? Int, r["nominal_events"] as? Int, "\(r)") }
        XCTAssertEqual(regions.last?["blinded"] as? Bool, true)
        // chi2 mode with ks_threshold: the validation code, on the attack's grid, finds every feature at p ≥ 0.05 in
        // the chi2 and the (unbinned) KS tests, in the inclusive sample and in every control region (the signal
        // region is not a constraint population).
        let constrained = checks.filter { ["chi2", "ks"].contains($0["test"] as? String) && $0["comparison"] as? String == "nominal_vs_perturbed"
            && $0["region"] as? String != "SR" }
        XCTAssertGreaterThanOrEqual(constrained.count, 2 * 15 * 5, "chi2 and KS per feature in the inclusive sample and 4 control regions")
        for c in constrained {
            XCTAssertGreaterThanOrEqual(c["p_value"] as! Double, 0.05, "\(c)")
            XCTAssertEqual(c["noticed"] as? Bool, false, "\(c)")
        }
        guard let py = Fixtures.python else { throw XCTSkip("CONSERVATTACK_PYTHON unset: uproot check of the perturbed ntuple skipped") }
        let script = """
        import sys, uproot
        a = uproot.open(sys.argv[1])["Events"]; b = uproot.open(sys.argv[2])["Events"]   # the output keeps the input tree's name
        missing = sorted(set(a.keys()) - set(b.keys()))
        assert not missing, missing
        assert b.num_entries == a.num_entries
        print("ok", len(b.keys()))
        """
        let check = try Fixtures.run(py, ["-c", script, dir.appendingPathComponent("wjets.root").path,
                                          dir.appendingPathComponent("perturbed/wjets_perturbed.root").path])
        XCTAssertEqual(check.status, 0, check.stderr + check.stdout)
        XCTAssertTrue(check.stdout.hasPrefix("ok"), check.stdout)
        // The fit templates the demo writes: every region's yields recounted by numpy, pyhf validates and fits.
        let templates = dir.appendingPathComponent("templates").path
        let spec: [String: Any] = [
            "templates": templates, "process": "wjets", "signal_process": "ttbar",
            "nominal": dir.appendingPathComponent("wjets.root").path + ":Events",
            "perturbed": dir.appendingPathComponent("perturbed/wjets_perturbed.root").path + ":Events",
            "signal": dir.appendingPathComponent("ttbar.root").path + ":Events",
            "regions_toml": dir.appendingPathComponent("run.toml").path, "weight": "genWeight * puWeight",
            "bins": 20, "range": [0, 1], "expect_shift": true]
        let specPath = dir.appendingPathComponent("templates-spec.json").path
        try JSONSerialization.data(withJSONObject: spec).write(to: URL(fileURLWithPath: specPath))
        let verdict = try Fixtures.run(py, [Fixtures.path("templates/check_templates.py"), specPath], timeout: 300)
        XCTAssertEqual(verdict.status, 0, verdict.stderr + verdict.stdout)
        XCTAssertTrue(verdict.stdout.hasPrefix("OK 5 regions"), verdict.stdout)
        let html = try String(contentsOfFile: dir.appendingPathComponent("report/report.html").path, encoding: .utf8)
        XCTAssertEqual(html.components(separatedBy: "data-template-region=").count - 1, 5)
    }
}
