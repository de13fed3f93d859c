import Foundation
import TestSupport
import XCTest

/// `conservattack templates` on ntuples written by uproot, judged by fixtures/templates/check_templates.py
/// (uproot reads the histograms, numpy recounts every region's weighted yield and bin, pyhf validates and fits).
final class TemplatesCLITests: CLITestCase {
    override class var scratchName: String { "templates" }

    /// Writes nominal/perturbed/data/signal ntuples (uproot), a regions file and a small JSON classifier.
    private func makeInputs(_ py: String) throws {
        let script = """
        import sys, numpy as np, uproot, json
        d = sys.argv[1]
        rng = np.random.default_rng(5)
        def sample(n, shift):
            x = rng.normal(1.0 + shift, 0.6, n); y = rng.exponential(0.8, n)
            return {"x": x, "y": y, "nJet": rng.integers(1, 6, n).astype(np.int32), "w": rng.uniform(0.5, 1.5, n)}
        nom = sample(4000, 0.0)
        per = dict(nom); per["x"] = nom["x"] + np.where(nom["y"] > 0.5, 0.15, 0.0)   # the "attack": same events, moved
        for name, t in [("nominal", nom), ("perturbed", per), ("data", sample(3000, 0.05)), ("signal", sample(800, 0.8))]:
            with uproot.recreate(f"{d}/{name}.root") as f:
                f.mktree("Events", {k: v.dtype for k, v in t.items()}).extend(t)
        open(f"{d}/regions.toml", "w").write('[[regions]]\\nname = "CR_low"\\ncut = "nJet <= 2 && y < 2"\\n\\n'
                                              '[[regions]]\\nname = "SR"\\ncut = "nJet >= 3 && abs(x) > 0.2"\\nsignal = true\\n')
        model = {"format": "conservattack-mlp-v1", "input_dim": 2, "features": ["x", "y"], "output": "sigmoid",
                 "layers": [{"kind": "dense", "weight": [[1.5], [-0.7]], "bias": [-1.0], "activation": "linear"}]}
        json.dump(model, open(f"{d}/model.json", "w"))
        """
        let r = try Fixtures.run(py, ["-c", script, tmp.path])
        XCTAssertEqual(r.status, 0, r.stderr)
    }

    private func check(_ py: String, _ spec: [String: Any]) throws -> String {
        let specPath = tmp.appendingPathComponent("spec-\(UUID().uuidString).json").path
        try JSONSerialization.data(withJSONObject: spec).write(to: URL(fileURLWithPath: specPath))
        let r = try Fixtures.run(py, [Fixtures.path("templates/check_templates.py"), specPath], timeout: 300)
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        XCTAssertTrue(r.stdout.hasPrefix("OK"), r.stdout + r.stderr)
        return r.stdout
    }

    func testExpressionTemplatesWithDataAndSignalMatchAnIndependentRecount() throws {
        guard let py = Fixtures.python else { throw XCTSkip("CONSERVATTACK_PYTHON unset: uproot/pyhf checks skipped") }
        try makeInputs(py)
        let d = tmp.path, out = d + "/tpl"
        let r = try Fixtures.run(bin, ["templates", "--nominal", d + "/nominal.root:Events", "--perturbed", d + "/perturbed.root:Events",
                                       "--regions", d + "/regions.toml", "--weight", "w * 2", "--observable", "x + 0.5 * y",
                                       "--bins", "8", "--range=0:3", "--process", "wjets", "--data", d + "/data.root",
                                       "--signal", d + "/signal.root:Events", "--signal-process", "ttbar", "--output", out])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("wrote \(out)/templates.root"), r.stdout)
        let verdict = try check(py, ["templates": out, "process": "wjets", "signal_process": "ttbar",
                                     "nominal": d + "/nominal.root:Events", "perturbed": d + "/perturbed.root:Events",
                                     "data": d + "/data.root:Events", "signal": d + "/signal.root:Events",
                                     "regions_toml": d + "/regions.toml", "weight": "w * 2", "observable": "x + 0.5 * y",
                                     "bins": 8, "range": [0, 3], "expect_shift": true])
        XCTAssertTrue(verdict.contains("2 regions, 2 shifted"), verdict)
        // The workspace's POI sits on the signal sample.
        let ws = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/workspace.json"))) as! [String: Any]
        let samples = ((ws["channels"] as! [[String: Any]])[0]["samples"] as! [[String: Any]]).map { $0["name"] as! String }
        XCTAssertEqual(samples, ["wjets", "ttbar"])
        // No --force: refuses to replace, and leaves the files as they were.
        let before = try Data(contentsOf: URL(fileURLWithPath: out + "/templates.root"))
        let again = try Fixtures.run(bin, ["templates", "--nominal", d + "/nominal.root:Events", "--perturbed", d + "/perturbed.root:Events",
                                           "--observable", "x", "--output", out])
        XCTAssertEqual(again.status, 1)
        XCTAssertTrue(again.stderr.contains("--force"), again.stderr)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: out + "/templates.root")), before)
    }

    func testScoreTemplatesAsimovWorkspaceFits() throws {
        guard let py = Fixtures.python else { throw XCTSkip("CONSERVATTACK_PYTHON unset: uproot/pyhf checks skipped") }
        try makeInputs(py)
        let d = tmp.path, out = d + "/score"
        let r = try Fixtures.run(bin, ["templates", "--nominal", d + "/nominal.root", "--perturbed", d + "/perturbed.root",
                                       "--model", d + "/model.json", "--regions", d + "/regions.toml", "--weight", "w",
                                       "--bins", "10", "--output", out])
        XCTAssertEqual(r.status, 0, r.stderr)
        _ = try check(py, ["templates": out, "process": "background", "nominal": d + "/nominal.root:Events",
                           "perturbed": d + "/perturbed.root:Events", "regions_toml": d + "/regions.toml", "weight": "w",
                           "bins": 10, "range": [0, 1], "expect_shift": true])
    }

    /// `run`'s `[templates]` section is checked before anything is read.
    func testRunConfigurationTemplateSettingsAreChecked() throws {
        let base = """
        [input]
        simulation = "nosuch.root:Events"
        [model]
        path = "nosuch.json"
        true_class = 0
        [output]
        root = "out.root"
        templates = "tpl"

        """
        let cases: [(String, String)] = [
            ("[templates]\nbinz = 3\n", "did you mean 'bins'?"),
            ("[templates]\nbins = 0\n", "bins must be an integer in 1...100000"),
            ("[templates]\nrange = \"2:1\"\n", "range"),
            ("[templates]\nprocess = 3\n", "process must be a string"),
        ]
        for (section, message) in cases {
            let path = tmp.appendingPathComponent("run-\(UUID().uuidString).toml").path
            try (base + section).write(toFile: path, atomically: true, encoding: .utf8)
            let r = try Fixtures.run(bin, ["run", path])
            XCTAssertEqual(r.status, 1, section)
            XCTAssertTrue(r.stderr.contains(message), "\(section): \(r.stderr)")
        }
    }

    func testBadArgumentsFailCleanlyWithoutOutput() throws {
        guard let py = Fixtures.python else { throw XCTSkip("CONSERVATTACK_PYTHON unset: inputs are written with uproot") }
        try makeInputs(py)
        let d = tmp.path
        let cases: [([String], String)] = [
            (["--observable", "x", "--range", "3:1"], "--range"),
            (["--observable", "score"], "needs --model"),
            (["--observable", "x +", "--bins", "4"], "x +"),
            (["--observable", "x", "--weight", "nosuch * 2"], "nosuch"),
            (["--observable", "x", "--process", "a/b"], "process"),
        ]
        for (extra, message) in cases {
            let out = d + "/bad-\(UUID().uuidString)"
            let r = try Fixtures.run(bin, ["templates", "--nominal", d + "/nominal.root", "--perturbed", d + "/perturbed.root",
                                           "--output", out] + extra)
            XCTAssertEqual(r.status, 1, "\(extra): \(r.stdout)")
            XCTAssertTrue(r.stderr.contains(message), "\(extra): \(r.stderr)")
            XCTAssertTrue(r.stderr.hasPrefix("conservattack: error: "), r.stderr)   // cut errors add a caret line
            XCTAssertFalse(FileManager.default.fileExists(atPath: out + "/templates.root"), "\(extra)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: out + "/workspace.json"), "\(extra)")
        }
    }
}
