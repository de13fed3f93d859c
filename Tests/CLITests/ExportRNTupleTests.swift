import Foundation
import TestSupport
import XCTest

/// `conservattack export --format rntuple`: a TTree fixture with every dtype, a fixed array and a jagged branch
/// becomes an RNTuple of the same name (t) that uproot reads back equal to the input tree (fixtures/rntuple-writer/compare_tree_to_rntuple.py).
final class ExportRNTupleTests: CLITestCase {
    override class var scratchName: String { "export-rntuple" }

    func testExportAsRNTupleMatchesTheInputTree() throws {
        let input = Fixtures.path("rootio/types-lz4.root")
        for (i, compression) in ["zstd:5", "none"].enumerated() {
            let out = tmp.appendingPathComponent("rnt\(i).root").path
            let r = try Fixtures.run(bin, ["export", input + ":t", "--output", out, "--format", "rntuple", "--compression", compression])
            XCTAssertEqual(r.status, 0, r.stderr)
            XCTAssertTrue(r.stdout.contains("to \(out)"), r.stdout)
            guard let python = Fixtures.python else { throw XCTSkip("CONSERVATTACK_PYTHON unset: uproot comparison skipped") }
            let script = Fixtures.path("rntuple-writer/compare_tree_to_rntuple.py")
            let check = try Fixtures.run(python, [script, input, "t", out, "t", "conservattack.source=\(input):t"])
            XCTAssertEqual(check.status, 0, check.stdout + check.stderr)
            XCTAssertTrue(check.stdout.contains("OK 14 fields"), check.stdout)
        }
    }

    func testUnknownFormatIsRejected() throws {
        let out = tmp.appendingPathComponent("x.root").path
        let r = try Fixtures.run(bin, ["export", Fixtures.path("rootio/types-lz4.root") + ":t", "--output", out, "--format", "parquet"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("--format"), r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out))
        let arrow = tmp.appendingPathComponent("x.arrow").path
        let r2 = try Fixtures.run(bin, ["export", Fixtures.path("rootio/types-lz4.root") + ":t", "--output", arrow, "--format", "rntuple"])
        XCTAssertEqual(r2.status, 1)
        XCTAssertTrue(r2.stderr.contains(".root output"), r2.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: arrow))
    }
}
