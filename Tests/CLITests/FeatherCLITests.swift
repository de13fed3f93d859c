import Foundation
import TestSupport
import XCTest

/// The tools physicists already use: Feather files written by pandas (LZ4 by default, or zstd) feed
/// `predict` and `attack`, whose scores onnxruntime recomputes; our compressed Arrow exports are read by
/// pyarrow; `inspect` lists an Arrow file's columns.
final class FeatherCLITests: CLITestCase {
    override class var scratchName: String { "feather" }

    let model = Fixtures.path("model/donut_model.onnx")

    private func python() throws -> String {
        guard let py = Fixtures.python else {
            throw XCTSkip("CONSERVATTACK_PYTHON unset: the onnxruntime / pyarrow recomputation is skipped")
        }
        return py
    }

    /// onnxruntime's scores of `events` vs ours in `scores`: the largest absolute difference.
    private func onnxruntimeDifference(events: String, scores: String) throws -> (events: Int, maxDiff: Double) {
        let check = try Fixtures.run(try python(), [Fixtures.path("arrow/check_scores_onnxruntime.py"), events, "x1,x2", model, scores])
        XCTAssertEqual(check.status, 0, check.stderr)
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(check.stdout.utf8)) as? [String: Any], check.stdout)
        return (try XCTUnwrap(json["events"] as? Int), try XCTUnwrap(json["max_abs_diff"] as? Double))
    }

    func testPredictOnPandasFeatherLZ4AndZstdMatchesOnnxruntime() throws {
        for (name, output) in [("pd_donut_lz4.feather", "lz4.csv"), ("pd_donut_zstd.feather", "zstd.arrow")] {
            let input = Fixtures.path("arrow/" + name)
            let out = tmp.appendingPathComponent(output).path
            let r = try Fixtures.run(bin, ["predict", "--model", model, "--input", input, "--features", "x1,x2", "--output", out])
            XCTAssertEqual(r.status, 0, r.stderr)
            XCTAssertTrue(r.stdout.contains("wrote 1000 scores"), r.stdout)
            let (events, diff) = try onnxruntimeDifference(events: input, scores: out)
            XCTAssertEqual(events, 1000)
            XCTAssertLessThanOrEqual(diff, 1e-5, "\(name): ours vs onnxruntime")
        }
    }

    func testPredictSkipsColumnsItCannotReadAndNamesOneAskedFor() throws {
        // A pandas frame with a string, a categorical and a timestamp column beside the features.
        let input = Fixtures.path("arrow/pd_mixed_lz4.feather")
        let out = tmp.appendingPathComponent("mixed.csv").path
        let r = try Fixtures.run(bin, ["predict", "--model", model, "--input", input, "--features", "x1,x2", "--output", out])
        XCTAssertEqual(r.status, 0, r.stderr)
        let (events, diff) = try onnxruntimeDifference(events: input, scores: out)
        XCTAssertEqual(events, 200)
        XCTAssertLessThanOrEqual(diff, 1e-5)
        let bad = try Fixtures.run(bin, ["predict", "--model", model, "--input", input, "--features", "x1,process",
                                         "--output", tmp.appendingPathComponent("bad.csv").path])
        XCTAssertEqual(bad.status, 1)
        XCTAssertTrue(bad.stderr.contains("column 'process' cannot be used") && bad.stderr.contains("string"), bad.stderr)
    }

    func testAttackOnPandasFeatherScoresMatchOnnxruntimeAndItsFoolingRatio() throws {
        for name in ["pd_donut_lz4.feather", "pd_donut_zstd.feather"] {
            let input = Fixtures.path("arrow/" + name)
            let out = tmp.appendingPathComponent("perturbed-\(name)").path
            let metrics = tmp.appendingPathComponent("metrics-\(name).json").path
            let r = try Fixtures.run(bin, ["attack", "--input", input, "--features", "x1,x2", "--model", model, "--true-class", "1",
                                           "--iterations", "3", "--output", out, "--metrics", metrics, "--quiet"], timeout: 600)
            XCTAssertEqual(r.status, 0, r.stderr)
            let m = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: metrics))) as? [String: Any])
            let fooling = try XCTUnwrap(m["fooling_ratio"] as? Double)
            XCTAssertGreaterThan(fooling, 0, "the attack flips some decisions")
            // Every other column of the pandas frame is carried over; the output is LZ4-compressed by default.
            let inspect = try Fixtures.run(bin, ["inspect", out])
            XCTAssertEqual(inspect.status, 0, inspect.stderr)
            for column in ["x1", "x2", "row_id", "weight", "njet"] { XCTAssertTrue(inspect.stdout.contains("\n" + column + " "), inspect.stdout) }
            XCTAssertTrue(inspect.stdout.contains("compression LZ4_FRAME"), inspect.stdout)
            // Our scores of the perturbed events equal onnxruntime's on the same file read by pyarrow.
            let scores = tmp.appendingPathComponent("scores-\(name).arrow").path
            let p = try Fixtures.run(bin, ["predict", "--model", model, "--input", out, "--features", "x1,x2", "--output", scores])
            XCTAssertEqual(p.status, 0, p.stderr)
            let (events, diff) = try onnxruntimeDifference(events: out, scores: scores)
            XCTAssertEqual(events, 1000)
            XCTAssertLessThanOrEqual(diff, 1e-5, "\(name): perturbed events, ours vs onnxruntime")
            // The fooling ratio recomputed with onnxruntime from the pandas input and our output.
            let check = try Fixtures.run(try python(), [Fixtures.path("cli/check_donut_output.py"), input, out, model])
            XCTAssertEqual(check.status, 0, check.stderr)
            let ind = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(check.stdout.utf8)) as? [String: Any])
            XCTAssertEqual(try XCTUnwrap(ind["fooling_ratio"] as? Double), fooling, accuracy: 0.002, name)
        }
    }

    func testCompressedExportsAreReadByPyarrowAndAreSmaller() throws {
        let py = try python()
        let source = tmp.appendingPathComponent("source.arrow").path
        let make = try Fixtures.run(py, [Fixtures.path("arrow/check_compressed_exports.py"), "make", source])
        XCTAssertEqual(make.status, 0, make.stderr)
        let root = tmp.appendingPathComponent("events.root").path
        let toROOT = try Fixtures.run(bin, ["export", source, "--output", root])
        XCTAssertEqual(toROOT.status, 0, toROOT.stderr)
        var files: [String] = []
        for codec in ["lz4", "zstd", "zstd:9", "none", nil] as [String?] {
            let out = tmp.appendingPathComponent("out-\(codec ?? "default").arrow").path
            let r = try Fixtures.run(bin, ["export", root + ":events", "--output", out] + (codec.map { ["--compression", $0] } ?? []))
            XCTAssertEqual(r.status, 0, r.stderr)
            files.append(out)
        }
        let check = try Fixtures.run(py, [Fixtures.path("arrow/check_compressed_exports.py"), "check", source] + files)
        XCTAssertEqual(check.status, 0, check.stderr + check.stdout)
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(check.stdout.utf8)) as? [String: Any])
        let report = try XCTUnwrap(json["files"] as? [String: [String: Any]])
        func facts(_ name: String) throws -> (Int, [String]) {
            let f = try XCTUnwrap(report[name], name)
            return (try XCTUnwrap(f["bytes"] as? Int), try XCTUnwrap(f["codecs"] as? [String]))
        }
        let (plain, plainCodecs) = try facts("out-none.arrow")
        XCTAssertEqual(plainCodecs, ["none"])
        for (name, codec) in [("out-lz4.arrow", "LZ4_FRAME"), ("out-zstd.arrow", "ZSTD"), ("out-zstd:9.arrow", "ZSTD"),
                              ("out-default.arrow", "LZ4_FRAME")] {
            let (bytes, codecs) = try facts(name)
            XCTAssertEqual(codecs, [codec], name)
            XCTAssertLessThan(bytes * 2, plain, "\(name): \(bytes) bytes vs \(plain) uncompressed")
        }
        // A ROOT-only algorithm on an Arrow output is refused, not ignored.
        let bad = try Fixtures.run(bin, ["export", root + ":events", "--output", tmp.appendingPathComponent("bad.arrow").path,
                                         "--compression", "zlib:1"])
        XCTAssertEqual(bad.status, 1)
        XCTAssertTrue(bad.stderr.contains("lz4, zstd"), bad.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: tmp.appendingPathComponent("bad.arrow").path))
    }

    func testInspectListsAnArrowFilesColumnsWhateverItsName() throws {
        let r = try Fixtures.run(bin, ["inspect", Fixtures.path("arrow/pd_default_lz4.feather")])
        XCTAssertEqual(r.status, 0, r.stderr)
        let lines = r.stdout.split(separator: "\n").map(String.init)
        XCTAssertTrue(lines[0].contains("Arrow IPC file") && lines[0].contains("6 rows") && lines[0].contains("1 record batches")
                      && lines[0].contains("compression LZ4_FRAME"), lines[0])
        for (column, type) in [("px", "double"), ("ntrk", "int32"), ("sel", "bool"), ("eid", "uint64")] {
            let line = try XCTUnwrap(lines.first { $0.hasPrefix(column + " ") }, column)
            XCTAssertTrue(line.contains(" \(type) ") && line.hasSuffix("yes"), line)
        }
        XCTAssertTrue(r.stdout.contains("schema metadata:\n  pandas = "), r.stdout)
        // Named .root, the file is still Arrow: the magic bytes decide.
        let disguised = tmp.appendingPathComponent("frame.root")
        try FileManager.default.copyItem(atPath: Fixtures.path("arrow/pa_nested_lz4.feather"), toPath: disguised.path)
        let d = try Fixtures.run(bin, ["inspect", disguised.path])
        XCTAssertEqual(d.status, 0, d.stderr)
        XCTAssertTrue(d.stdout.contains("9 rows  3 record batches  compression LZ4_FRAME"), d.stdout)
        XCTAssertTrue(d.stdout.contains("large_list<double>") && d.stdout.contains("fixed_size_list<fixed_size_list<int16>[2]>[3]"), d.stdout)
        // A ROOT file named .feather is inspected as ROOT.
        let rootNamed = tmp.appendingPathComponent("tree.feather")
        try FileManager.default.copyItem(atPath: Fixtures.path("rootio/types-zlib.root"), toPath: rootNamed.path)
        let t = try Fixtures.run(bin, ["inspect", rootNamed.path])
        XCTAssertEqual(t.status, 0, t.stderr)
        XCTAssertTrue(t.stdout.contains("TTree t;"), t.stdout)
        // Columns our reader refuses are listed with the reason.
        let cat = try Fixtures.run(bin, ["inspect", Fixtures.path("arrow/err_pd_categorical.feather")])
        XCTAssertEqual(cat.status, 0, cat.stderr)
        let sample = try XCTUnwrap(cat.stdout.split(separator: "\n").first { $0.hasPrefix("sample ") }, cat.stdout)
        XCTAssertTrue(sample.contains("dictionary<values=") && sample.contains("indices=int8>") && sample.contains("no: ") && sample.contains("cat.codes"), String(sample))
    }
}
