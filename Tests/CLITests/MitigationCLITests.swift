import Foundation
import TestSupport
import XCTest

/// `detect`, `robustness` and `train --adversarial-from` end to end on small donut samples.
final class MitigationCLITests: CLITestCase {
    override class var scratchName: String { "mitigation" }

    func path(_ name: String) -> String { tmp.appendingPathComponent(name).path }

    func json(_ p: String) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: p))) as? [String: Any])
    }

    func referenceModel() throws -> String {
        guard let s = Fixtures.shared else { throw XCTSkip("shared data folder not present ($CONSERVATTACK_SHARED, or ../shared beside the repository): skipped") }
        return s.appendingPathComponent("reference/donut_model.json").path
    }

    /// Attack 1,000 donut background events (ROOT output), train the detector with 1,000 signal events as extra
    /// negatives, then recount every reported efficiency from the saved scores and check the splits are disjoint.
    func testDetectorOnTheDonutRecountedFromTheScoresFile() throws {
        let model = try referenceModel()
        let clean = Fixtures.path("mitigation/donut_test_background_correct_1000.arrow")
        let a = try Fixtures.run(bin, ["attack", "--input", clean, "--features", "x1,x2", "--model", model, "--true-class", "1",
                                       "--iterations", "4", "--bins", "60", "--max-step-jsd", "0.01",
                                       "--output", path("perturbed.root"), "--metrics", path("attack.json"), "--quiet"])
        XCTAssertEqual(a.status, 0, a.stderr)
        // A ROOT file without the attack's metadata (an export of the clean events): the true class is required.
        let exported = try Fixtures.run(bin, ["export", clean, "--output", path("exported.root")])
        XCTAssertEqual(exported.status, 0, exported.stderr)
        let missing = try Fixtures.run(bin, ["detect", "--clean", clean, "--perturbed", path("exported.root"),
                                             "--features", "x1,x2", "--model", model, "--output", path("d0.json"), "--quiet"])
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.stderr.contains("--true-class"), missing.stderr)
        let mismatch = try Fixtures.run(bin, ["detect", "--clean", Fixtures.path("mitigation/donut_train_background_2000.arrow"),
                                              "--perturbed", path("perturbed.root"), "--features", "x1,x2", "--true-class", "1",
                                              "--model", model, "--output", path("d0.json"), "--quiet"])
        XCTAssertEqual(mismatch.status, 1)
        XCTAssertTrue(mismatch.stderr.contains("same events"), mismatch.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("d0.json")))

        // No --true-class: it comes from the conservattack.true_class string the attack stored in its ROOT output.
        let r = try Fixtures.run(bin, ["detect", "--clean", clean, "--perturbed", path("perturbed.root") + ":events",
                                       "--extra-clean", Fixtures.path("mitigation/donut_test_signal_1000.arrow"),
                                       "--features", "x1,x2", "--model", model, "--hidden", "32,16",
                                       "--epochs", "40", "--lr", "3e-3", "--seed", "1", "--output", path("detector.json"),
                                       "--scores", path("scores.csv"), "--report", path("report"), "--quiet"], timeout: 300)
        XCTAssertEqual(r.status, 0, r.stderr)
        print(r.stdout)
        let doc = try json(path("detector.json"))
        XCTAssertEqual(doc["format"] as? String, "conservattack-mlp-v1")
        let det = try XCTUnwrap(doc["detector"] as? [String: Any])
        let test = try XCTUnwrap(det["test"] as? [String: Any])
        let threshold = try XCTUnwrap(test["threshold"] as? Double)

        // The saved scores: every event in exactly one split, both versions of an event together.
        let lines = try String(contentsOfFile: path("scores.csv"), encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.first, "event,split,class,initially_correct,score")
        var splitOf: [Int: Substring] = [:]
        var rows: [(event: Int, split: Substring, kind: Substring, correct: Bool, score: Double)] = []
        for l in lines.dropFirst() {
            let f = l.split(separator: ",")
            let row = (Int(f[0])!, f[1], f[2], f[3] == "1", Double(f[4])!)
            if let s = splitOf[row.0] { XCTAssertEqual(s, row.1, "event \(row.0) in two splits") }
            splitOf[row.0] = row.1
            rows.append(row)
        }
        XCTAssertEqual(splitOf.count, 2000, "1,000 attacked + 1,000 extra clean events")
        XCTAssertEqual(rows.filter { $0.kind == "clean" }.count, 1000)
        XCTAssertEqual(rows.filter { $0.kind == "extra_clean" }.count, 1000)
        let attack = try json(path("attack.json"))
        XCTAssertEqual(rows.filter { $0.kind == "fooling" }.count, attack["fooled"] as? Int, "positives = the attack's fooled events")
        for s in ["train", "validation", "test"] {
            let sets = (det["splits"] as? [String: Any])?[s] as? [String: Any]
            XCTAssertEqual(sets?["fooling"] as? Int, rows.filter { $0.split == s && $0.kind == "fooling" }.count)
        }
        // Efficiencies recounted from the file equal the reported ones.
        let t = rows.filter { $0.split == "test" }
        let cleanT = t.filter { $0.kind != "fooling" }, foolT = t.filter { $0.kind == "fooling" }
        let cleanFlagged = cleanT.filter { $0.score > threshold }.count, foolFlagged = foolT.filter { $0.score > threshold }.count
        let correct = cleanT.filter { $0.correct }.count
        XCTAssertGreaterThan(foolT.count, 20)
        XCTAssertEqual(test["clean_events"] as? Int, cleanT.count)
        XCTAssertEqual(test["fooling_events"] as? Int, foolT.count)
        XCTAssertEqual(try XCTUnwrap(test["clean_flagged_fraction"] as? Double), Double(cleanFlagged) / Double(cleanT.count), accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(test["fooling_efficiency"] as? Double), Double(foolFlagged) / Double(foolT.count), accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(test["corrected_fooling_ratio"] as? Double), Double(foolT.count - foolFlagged) / Double(correct), accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(test["initial_fooling_ratio"] as? Double), Double(foolT.count) / Double(correct), accuracy: 1e-12)
        // detector.json is a model file: predict loads it.
        let p = try Fixtures.run(bin, ["predict", "--model", path("detector.json"), "--input", clean, "--output", path("pred.arrow")])
        XCTAssertEqual(p.status, 0, p.stderr)
        // The report carries the same numbers.
        let report = try json(path("report/report.json"))
        XCTAssertEqual(report["kind"] as? String, "mitigation")
        let rt = try XCTUnwrap((report["detector"] as? [String: Any])?["test"] as? [String: Any])
        XCTAssertEqual(rt["corrected_fooling_ratio"] as? Double, test["corrected_fooling_ratio"] as? Double)
        let html = try String(contentsOfFile: path("report/report.html"), encoding: .utf8)
        XCTAssertTrue(html.contains("corrected fooling ratio (fooling, not detected)"))
        XCTAssertTrue(html.contains("\(foolT.count - foolFlagged) / \(correct)"))
    }

    /// Without --perturbed the attack runs on each split separately: the written perturbed file has the clean file's
    /// events, and the detector's positives are exactly the events that fool the model in it.
    func testDetectorGeneratesPerturbedEventsPerSplit() throws {
        let model = try referenceModel()
        let clean = Fixtures.path("mitigation/donut_test_background_correct_1000.arrow")
        let r = try Fixtures.run(bin, ["detect", "--clean", clean, "--features", "x1,x2", "--model", model, "--true-class", "1",
                                       "--attack-iterations", "3", "--hidden", "8", "--epochs", "5", "--seed", "2",
                                       "--write-perturbed", path("generated.arrow"), "--output", path("detector.json"),
                                       "--scores", path("scores.csv"), "--quiet"], timeout: 300)
        XCTAssertEqual(r.status, 0, r.stderr)
        // The generated file is a valid attack output: detect on it (true class from its metadata) finds the same positives.
        let again = try Fixtures.run(bin, ["detect", "--clean", clean, "--perturbed", path("generated.arrow"), "--features", "x1,x2",
                                           "--model", model, "--hidden", "8", "--epochs", "5", "--seed", "2",
                                           "--output", path("detector2.json"), "--scores", path("scores2.csv"), "--quiet"], timeout: 300)
        XCTAssertEqual(again.status, 0, again.stderr)
        func positives(_ p: String) throws -> [String] {
            try String(contentsOfFile: p, encoding: .utf8).split(separator: "\n").filter { $0.contains(",fooling,") }
                .map { $0.split(separator: ",").prefix(2).joined(separator: ",") }
        }
        let p1 = try positives(path("scores.csv"))
        XCTAssertGreaterThan(p1.count, 10)
        XCTAssertEqual(p1, try positives(path("scores2.csv")), "same positives, each in the same split")
        // One report with the detector's numbers and a robustness curve.
        let rob = try Fixtures.run(bin, ["robustness", "--model", model, "--input", clean, "--features", "x1,x2", "--true-class", "1",
                                         "--iterations", "2", "--jsd-caps", "0.001,0.01", "--output", path("rob.json"),
                                         "--detector", path("detector.json"), "--report", path("rob"), "--quiet"], timeout: 300)
        XCTAssertEqual(rob.status, 0, rob.stderr)
        let report = try json(path("rob/report.json"))
        let det = try XCTUnwrap((try json(path("detector.json")))["detector"] as? [String: Any])
        XCTAssertEqual(((report["detector"] as? [String: Any])?["test"] as? [String: Any])?["fooling_efficiency"] as? Double,
                       (det["test"] as? [String: Any])?["fooling_efficiency"] as? Double)
        XCTAssertEqual((report["robustness"] as? [Any])?.count, 1)
        let bad = try Fixtures.run(bin, ["robustness", "--model", model, "--input", clean, "--features", "x1,x2", "--true-class", "1", "--iterations", "1",
                                         "--output", path("rob2.json"), "--detector", clean, "--report", path("rob2"), "--quiet"])
        XCTAssertEqual(bad.status, 1)
        XCTAssertTrue(bad.stderr.contains("not a detector.json"), bad.stderr)
    }

    /// Baseline model, attack on its own training background, adversarial retraining; robustness of both on
    /// the test background: monotone curves, and adversarial training changes the curve.
    func testAdversarialTrainingAndRobustnessCurves() throws {
        let sig = Fixtures.path("mitigation/donut_train_signal_2000.arrow"), bkg = Fixtures.path("mitigation/donut_train_background_2000.arrow")
        let common = ["--signal", sig, "--background", bkg, "--features", "x1,x2", "--hidden", "16,8", "--epochs", "15",
                      "--lr", "3e-3", "--seed", "42", "--quiet"]
        let t0 = try Fixtures.run(bin, ["train"] + common + ["--output", path("before.json")])
        XCTAssertEqual(t0.status, 0, t0.stderr)
        let a = try Fixtures.run(bin, ["attack", "--input", bkg, "--features", "x1,x2", "--model", path("before.json"), "--true-class", "0",
                                       "--iterations", "4", "--output", path("adv.arrow"), "--metrics", path("adv.json"), "--quiet"])
        XCTAssertEqual(a.status, 0, a.stderr)
        // The true class comes from the attack output's metadata (Arrow).
        let t1 = try Fixtures.run(bin, ["train"] + common + ["--adversarial-from", path("adv.arrow"), "--adversarial-clean", bkg,
                                                               "--adversarial-model", path("before.json"), "--output", path("after.json")])
        XCTAssertEqual(t1.status, 0, t1.stderr)
        XCTAssertTrue(t1.stdout.contains("adversarial events of class 0 mixed in"), t1.stdout)
        let added = Int(t1.stdout.components(separatedBy: "(").last?.split(separator: " ").first ?? "") ?? 0
        XCTAssertEqual(added, try json(path("adv.json"))["fooled"] as? Int, "only the fooling events are mixed in: \(t1.stdout)")
        XCTAssertGreaterThan(added, 0, t1.stdout)
        let r = try Fixtures.run(bin, ["robustness", "--model", path("before.json"), "--model", path("after.json"),
                                       "--input", Fixtures.path("mitigation/donut_test_background_correct_1000.arrow"),
                                       "--features", "x1,x2", "--true-class", "0", "--iterations", "3", "--seed", "1",
                                       "--jsd-caps", "0.1,0.0005,0.001,0.002,0.01", "--output", path("robustness.json"),
                                       "--report", path("rob"), "--quiet"], timeout: 300)
        XCTAssertEqual(r.status, 0, r.stderr)
        print(r.stdout)
        let doc = try json(path("robustness.json"))
        let curves = try XCTUnwrap(doc["curves"] as? [[String: Any]])
        XCTAssertEqual(curves.count, 2)
        var means: [Double] = []
        for c in curves {
            let pts = try XCTUnwrap(c["points"] as? [[String: Any]])
            XCTAssertEqual(pts.compactMap { $0["bound"] as? Double }, [0.0005, 0.001, 0.002, 0.01, 0.1])
            let f = pts.compactMap { $0["fooling_ratio"] as? Double }
            XCTAssertEqual(f.count, 5)
            for k in 1..<f.count { XCTAssertGreaterThanOrEqual(f[k], f[k - 1], "\(c["model"] ?? "") not monotone: \(f)") }
            let mean = f.reduce(0, +) / 5
            XCTAssertEqual(try XCTUnwrap(c["mean_fooling_ratio"] as? Double), mean, accuracy: 1e-12)
            XCTAssertEqual(try XCTUnwrap(c["robustness_score"] as? Double), 1 - mean, accuracy: 1e-12)
            means.append(mean)
        }
        XCTAssertNotEqual(means[0], means[1], "adversarial training left the robustness curve unchanged")
        let html = try String(contentsOfFile: path("rob/report.html"), encoding: .utf8)
        XCTAssertTrue(html.contains("<svg") && html.contains("before.json") && html.contains("after.json"))
    }
}
