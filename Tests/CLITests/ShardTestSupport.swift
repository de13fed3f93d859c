import Foundation
import TestSupport
import XCTest

/// A small demo (generated data, trained model, the single run's outputs) shared by the shard tests, made once
/// per process, and helpers to read what the runs wrote.
enum ShardDemo {
    static let events = 3000

    /// The demo directory: `run.toml`, `wjets.root`, the single run's `perturbed/` and `report/`.
    static let directory: Result<URL, Error> = Result {
        guard let bin = Fixtures.binary else { throw XCTSkip("conservattack binary not built") }
        let dir = try Fixtures.temporaryDirectory("shard-demo")
        let r = try Fixtures.run(bin, ["demo", "--output", dir.path, "--events", String(events), "--iterations", "2",
                                       "--epochs", "2", "--quiet"], timeout: 900)
        XCTestObservationCenter.shared.addTestObserver(Cleanup(dir))
        guard r.status == 0 else { throw NSError(domain: "ShardDemo", code: 1, userInfo: [NSLocalizedDescriptionKey: r.stderr]) }
        return dir
    }

    /// Removes the shared demo directory when the test bundle finishes.
    final class Cleanup: NSObject, XCTestObservation {
        let url: URL
        init(_ url: URL) { self.url = url }
        func testBundleDidFinish(_ testBundle: Bundle) { try? FileManager.default.removeItem(at: url) }
    }

    /// `--set` arguments sending every output of a run (fit templates included) to `sub/` of the demo directory.
    static func outputs(_ sub: String) -> [String] {
        ["--set", "output.root=\(sub)/p.root", "--set", "output.arrow=\(sub)/p.arrow",
         "--set", "output.metrics=\(sub)/metrics.json", "--set", "output.report=\(sub)/report",
         "--set", "output.templates=\(sub)/templates"]
    }

    static func json(_ url: URL) throws -> [String: Any] {
        try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    }

    /// Digest (`conservattack digest`) of the branches of a ROOT file's tree: per branch, count, sum, first and last values.
    static func branches(_ bin: String, _ file: URL) throws -> [String: [String: Any]] {
        let r = try Fixtures.run(bin, ["digest", file.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        let doc = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let trees = try XCTUnwrap(doc["trees"] as? [String: Any])
        let tree = try XCTUnwrap(trees.values.first as? [String: Any])
        return try XCTUnwrap(tree["branches"] as? [String: [String: Any]])
    }

    /// Checks a sharded run's outputs in `sub/` against the single run's: every event, in input order (the
    /// unperturbed branches identical to the input's), constraints met on the whole sample, no check noticing.
    /// Returns (sharded, single) fooling ratios.
    static func checkAgainstSingleRun(_ bin: String, _ dir: URL, _ sub: String,
                                      file: StaticString = #filePath, line: UInt = #line) throws -> (Double, Double) {
        let metrics = try json(dir.appendingPathComponent("\(sub)/metrics.json"))
        let single = try json(dir.appendingPathComponent("perturbed/metrics.json"))
        XCTAssertEqual(metrics["events"] as? Int, events, file: file, line: line)
        XCTAssertEqual(metrics["constraints_met"] as? Bool, true, file: file, line: line)
        XCTAssertEqual(metrics["initially_correct"] as? Int, single["initially_correct"] as? Int, file: file, line: line)
        let report = try json(dir.appendingPathComponent("\(sub)/report/report.json"))
        let summary = try XCTUnwrap(report["summary"] as? [String: Any])
        XCTAssertEqual(summary["perturbation_noticed"] as? Int, 0, "\(summary)", file: file, line: line)
        XCTAssertGreaterThan(summary["perturbation_checks"] as? Int ?? 0, 0, file: file, line: line)
        let nominal = try branches(bin, dir.appendingPathComponent("wjets.root"))
        let out = try branches(bin, dir.appendingPathComponent("\(sub)/p.root"))
        let features = Set(try XCTUnwrap(metrics["features"] as? [String]))
        for (name, b) in nominal where !features.contains(name) {
            let o = try XCTUnwrap(out[name], "branch \(name) missing", file: file, line: line)
            for key in ["count", "sum", "min", "max"] {
                XCTAssertEqual("\(o[key] ?? "-")", "\(b[key] ?? "-")", "\(name).\(key)", file: file, line: line)
            }
            for key in ["first", "last"] {
                XCTAssertEqual(o[key] as? [Double], b[key] as? [Double], "\(name).\(key): event order", file: file, line: line)
            }
        }
        return (try XCTUnwrap(metrics["fooling_ratio"] as? Double), try XCTUnwrap(single["fooling_ratio"] as? Double))
    }
}
