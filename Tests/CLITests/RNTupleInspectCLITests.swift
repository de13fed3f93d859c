import Foundation
import TestSupport
import XCTest

/// `inspect` and `digest` on RNTuple files, through the built binary.
final class RNTupleInspectCLITests: CLITestCase {
    func testInspectListsRNTupleFieldsColumnsAndClusters() throws {
        let r = try Fixtures.run(bin, ["inspect", Fixtures.path("rntuple/handmade.root")])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("ROOT::RNTuple encodings;1  100 entries  2 clusters in 1 cluster groups  format 1.0.0.1"), r.stdout)
        XCTAssertTrue(r.stdout.contains("ROOT::RNTuple evolution;1  90 entries  3 clusters in 2 cluster groups"), r.stdout)
        let quant = r.stdout.split(separator: "\n").first { $0.contains(" quant ") }.map(String.init) ?? ""
        XCTAssertTrue(quant.contains("float32") && quant.contains("Real32Quant(14 bits)"), quant)
        let vec = r.stdout.split(separator: "\n").first { $0.contains(" vec ") }.map(String.init) ?? ""
        XCTAssertTrue(vec.contains("std::vector<float>") && vec.contains("var * float32") && vec.contains("SplitIndex32, SplitReal32"), vec)
        XCTAssertTrue(r.stdout.contains("unsupported: strings are not read as numbers"), r.stdout)
        XCTAssertTrue(r.stdout.contains("Real64#0, Real32#1"), r.stdout)
        // --branches filters fields too.
        let f = try Fixtures.run(bin, ["inspect", Fixtures.path("rntuple/handmade.root"), "--branches", "s*"])
        XCTAssertFalse(f.stdout.contains(" vec "), f.stdout)
        XCTAssertTrue(f.stdout.contains(" su64 "), f.stdout)
    }

    func testDigestOfAPreReleaseRNTupleIsAOneLineError() throws {
        guard let shared = Fixtures.shared else { throw XCTSkip("../shared not present") }
        let path = shared.appendingPathComponent("rootfiles/rntuple/test_ntuple_storage.root").path
        let r = try Fixtures.run(bin, ["digest", path])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stdout.isEmpty)
        XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("anchor epoch 0 (pre-1.0 format); only 1.x is supported"), r.stderr)
    }

    func testDigestListsRNTupleFields() throws {
        let r = try Fixtures.run(bin, ["digest", Fixtures.path("rntuple/uproot_lzma.root")])
        XCTAssertEqual(r.status, 0, r.stderr)
        let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        let tuple = (json?["rntuples"] as? [String: Any])?["events"] as? [String: Any]
        XCTAssertEqual(tuple?["entries"] as? Int, 500)
        let fields = tuple?["fields"] as? [String: Any] ?? [:]
        XCTAssertEqual((fields["muons/pt"] as? [String: Any])?["kind"] as? String, "jagged")
        XCTAssertEqual((fields["p3"] as? [String: Any])?["shape"] as? [Int], [3])
    }
}
