import Foundation
import TestSupport
import XCTest

/// Bad arguments are one-line errors with exit status 1 in every command (ArgumentChecks): a feature list
/// whose length differs from the model's inputs, outputs that exist without --force, region files that are
/// missing or malformed, inputs that do not exist. Nothing is written.
final class ArgumentCheckTests: CLITestCase {
    override class var scratchName: String { "args" }

    let model = Fixtures.path("model/donut_model.onnx")          // 2 inputs
    let events = Fixtures.path("cli/donut_attack_input.arrow")   // x1, x2, row_id

    private func path(_ name: String) -> String { tmp.appendingPathComponent(name).path }

    private func existing(_ name: String) throws -> String {
        let p = path(name)
        try Data("keep me".utf8).write(to: URL(fileURLWithPath: p))
        return p
    }

    private func regionsFile(_ text: String) throws -> String {
        let p = path("regions-\(UUID().uuidString).toml")
        try Data(text.utf8).write(to: URL(fileURLWithPath: p))
        return p
    }

    /// Runs `arguments` and requires exit 1, one stderr line containing `message`, no stdout, and the
    /// `untouched` files unchanged (existing ones still "keep me", new ones absent).
    private func assertRefused(_ arguments: [String], _ message: String, untouched: [String] = [],
                               file: StaticString = #filePath, line: UInt = #line) throws {
        let before = untouched.map { try? Data(contentsOf: URL(fileURLWithPath: $0)) }
        let r = try Fixtures.run(bin, arguments, timeout: 300)
        let what = arguments.prefix(1).joined()
        XCTAssertEqual(r.status, 1, "\(what): \(r.stderr)", file: file, line: line)
        XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, "\(what): one line: \(r.stderr)", file: file, line: line)
        XCTAssertTrue(r.stderr.contains(message), "\(what): '\(r.stderr)' lacks '\(message)'", file: file, line: line)
        XCTAssertTrue(r.stdout.isEmpty, "\(what): stdout \(r.stdout)", file: file, line: line)
        for (p, b) in zip(untouched, before) {
            XCTAssertEqual(try? Data(contentsOf: URL(fileURLWithPath: p)), b, "\(what): \(p) changed", file: file, line: line)
        }
    }

    func testPredict() throws {
        let out = path("scores.csv")
        try assertRefused(["predict", "--model", model, "--input", events, "--features", "x1", "--output", out],
                          "takes 2 inputs but --features names 1", untouched: [out])
        try assertRefused(["predict", "--model", model, "--input", events, "--features", "x1,x2", "--output", try existing("old.csv")],
                          "exists: pass --force", untouched: [path("old.csv")])
        try assertRefused(["predict", "--model", model, "--input", path("missing.arrow"), "--features", "x1,x2", "--output", out],
                          "missing.arrow does not exist", untouched: [out])
    }

    func testAttack() throws {
        let out = path("p.arrow"), metrics = path("m.json")
        let base = ["attack", "--input", events, "--model", model, "--true-class", "1", "--iterations", "1", "--quiet"]
        try assertRefused(base + ["--features", "x1,x2,row_id", "--output", out, "--metrics", metrics],
                          "takes 2 inputs but --features names 3", untouched: [out, metrics])
        try assertRefused(base + ["--features", "x1,x2", "--output", out, "--metrics", try existing("m-old.json")],
                          "exists: pass --force", untouched: [out, path("m-old.json")])
        try assertRefused(base + ["--features", "x1,x2", "--output", out, "--metrics", metrics, "--regions", path("nope.toml")],
                          "regions file", untouched: [out, metrics])
        try assertRefused(base + ["--features", "x1,x2", "--output", out, "--metrics", metrics,
                                  "--regions", try regionsFile("[[regions]]\nname = \"CR\"\n")],
                          "needs string keys name and cut", untouched: [out, metrics])
    }

    func testValidate() throws {
        // Before: a precondition trap. Now: an error naming the model and the counts.
        let out = path("report")
        try assertRefused(["validate", "--nominal", events, "--perturbed", events, "--features", "x1", "--model", model, "--output", out],
                          "takes 2 inputs but --features names 1", untouched: [out + "/report.html"])
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let old = try existing("report/report.html")
        try assertRefused(["validate", "--nominal", events, "--perturbed", events, "--features", "x1,x2", "--output", out],
                          "exists: pass --force", untouched: [old])
        try assertRefused(["validate", "--nominal", events, "--perturbed", events, "--features", "x1,x2", "--output", path("r2"),
                           "--regions", try regionsFile("[[regions]\nname =")], "not valid TOML")
        try assertRefused(["validate", "--nominal", events, "--perturbed", path("gone.arrow"), "--features", "x1,x2", "--output", path("r3")],
                          "--perturbed: ")
        // With --force the report is replaced.
        let ok = try Fixtures.run(bin, ["validate", "--nominal", events, "--perturbed", events, "--features", "x1,x2", "--output", out, "--force"])
        XCTAssertEqual(ok.status, 0, ok.stderr)
        XCTAssertNotEqual(try Data(contentsOf: URL(fileURLWithPath: old)), Data("keep me".utf8))
    }

    func testDetect() throws {
        let out = path("detector.json")
        try assertRefused(["detect", "--clean", events, "--perturbed", events, "--features", "x1", "--model", model, "--output", out],
                          "takes 2 inputs but --features names 1", untouched: [out])
        try assertRefused(["detect", "--clean", events, "--perturbed", events, "--features", "x1,x2", "--output", out,
                           "--scores", try existing("scores.csv")], "exists: pass --force", untouched: [out, path("scores.csv")])
        try assertRefused(["detect", "--clean", path("none.arrow"), "--perturbed", events, "--features", "x1,x2", "--output", out],
                          "--clean: ", untouched: [out])
    }

    func testRobustness() throws {
        let out = path("robustness.json")
        let base = ["robustness", "--input", events, "--model", model, "--true-class", "1", "--output", out]
        try assertRefused(base + ["--features", "x2"], "takes 2 inputs but --features names 1", untouched: [out])
        try assertRefused(base + ["--features", "x1,x2", "--regions", path("nope.toml")], "regions file", untouched: [out])
        _ = try existing("robustness.json")
        try assertRefused(base + ["--features", "x1,x2"], "exists: pass --force", untouched: [out])
    }

    func testTrain() throws {
        let out = path("model.json")
        try assertRefused(["train", "--signal", events, "--background", events, "--features", "x1,x2", "--output", try existing("model.json")],
                          "exists: pass --force", untouched: [out])
        let out2 = path("model2.json")
        try assertRefused(["train", "--signal", events, "--background", events, "--features", "x1", "--output", out2,
                           "--adversarial-from", events, "--adversarial-model", model, "--adversarial-class", "1"],
                          "takes 2 inputs but --features names 1", untouched: [out2])
        try assertRefused(["train", "--signal", path("sig.arrow"), "--background", events, "--features", "x1,x2", "--output", out2],
                          "--signal: ", untouched: [out2])
    }

    func testExportAndSelect() throws {
        let old = try existing("old.arrow")
        try assertRefused(["export", events, "--output", old], "exists: pass --force", untouched: [old])
        try assertRefused(["export", events, "--output", path("x.parquet")], "unknown output format")
        try assertRefused(["export", events, "--output", path("x.arrow"), "--compression", "lzma:9"], "lz4, zstd", untouched: [path("x.arrow")])
        try assertRefused(["export", path("nothing.root"), "--output", path("y.arrow")], "nothing.root does not exist")
        // select checks its output before printing a summary.
        try assertRefused(["select", events, "--cut", "x1 > 0", "--output", old], "exists: pass --force", untouched: [old])
    }

    func testRun() throws {
        let config = path("run.toml")
        try Data("""
        [input]
        simulation = "\(events)"
        [model]
        path = "\(model)"
        features = ["x1"]
        true_class = 1
        [output]
        arrow = "\(path("out.arrow"))"
        metrics = "\(path("metrics.json"))"
        report = "\(path("report"))"
        """.utf8).write(to: URL(fileURLWithPath: config))
        try assertRefused(["run", config], "takes 2 inputs but --features names 1", untouched: [path("out.arrow")])
        _ = try existing("metrics.json")
        try assertRefused(["run", config, "--set", "model.features=[\"x1\",\"x2\"]"], "exists: pass --force", untouched: [path("metrics.json")])
    }

    func testDemo() throws {
        let out = path("demo")
        try assertRefused(["demo", "--output", out, "--events", "0", "--quiet"], "--events must be at least 100")
        try assertRefused(["demo", "--output", out, "--epochs", "0", "--quiet"], "--epochs must be at least 1")
        try assertRefused(["demo", "--output", out, "--iterations", "0", "--quiet"], "--iterations must be at least 1")
        XCTAssertFalse(FileManager.default.fileExists(atPath: out), "nothing generated")
    }

    func testInspectAndDigestOfMissingOrForeignFiles() throws {
        try assertRefused(["inspect", path("absent.root")], "absent.root")
        try assertRefused(["digest", path("absent.root")], "absent.root")
        let text = try existing("notes.feather")
        try assertRefused(["inspect", text], "not a ROOT file")
    }
}
