import Columnar
import Foundation
import ROOTCompression
import ROOTIO
@testable import ROOTWriter
import XCTest

/// Every real file in ../shared/rootfiles with numeric TTree branches: our reader's arrays written as RNTuples
/// (one per tree), then uproot digests the RNTuple fields and shared/tools/compare_digest.py scores them against the
/// input's expected TTree digest (renamed to the ntuple and field names; fixtures/rntuple-writer/digest_rntuples.py).
final class RNTupleSharedFilesTests: XCTestCase {
    /// RNTuple names: the TTree writer's flat names, with '.', ' ' and '\' also replaced by '_'.
    static func rntupleName(_ path: String) -> String {
        TreeSchema.flatName(path).map { $0 == "." || $0 == " " || $0 == "\\" ? "_" : String($0) }.joined()
    }

    func testUprootDigestsOfExportedNTuplesMatchTheExpectedDigests() throws {
        let python = try RNTupleUprootTests.python()
        guard let shared = SharedFilesExportTests.sharedDir,
              let names = try? FileManager.default.contentsOfDirectory(atPath: shared) else {
            throw XCTSkip("../shared/rootfiles is not present (set CONSERVATTACK_SHARED)")
        }
        let compare = URL(fileURLWithPath: shared).deletingLastPathComponent().appendingPathComponent("tools/compare_digest.py").path
        let out = try TestSupport.scratch("rntuple-shared")
        let script = RNTupleUprootTests.repoRoot.appendingPathComponent("fixtures/rntuple-writer/digest_rntuples.py").path
        var files = 0, fields = 0
        for name in names.sorted() where name.hasSuffix(".root") {
            let expected = shared + "/expected/" + name + ".json"
            guard FileManager.default.fileExists(atPath: expected) else { continue }
            let input = try ROOTFile(path: shared + "/" + name)
            var ntuples: [(String, EventTable)] = []
            var mapping: [String: Any] = [:]
            for path in try input.treePaths() {
                let tree = try input.tree(path)
                let numeric = tree.numericBranchNames
                let renamed = numeric.map(Self.rntupleName)
                guard !numeric.isEmpty, Set(renamed).count == renamed.count, !ntuples.contains(where: { $0.0 == Self.rntupleName(path) })
                else { continue }
                let t = try SharedFilesExportTests.readable(tree, numeric)
                var table = EventTable(rowCount: t.rowCount)
                var kept: [(String, String)] = []
                for (b, r) in zip(numeric, renamed) {
                    guard let c = t[b] else { continue }      // unreadable here and in uproot (its digest says `other`)
                    try table.add(r, c)
                    kept.append((b, r))
                }
                ntuples.append((Self.rntupleName(path), table))
                mapping[path] = ["ntuple": Self.rntupleName(path), "fields": Dictionary(uniqueKeysWithValues: kept)]
                fields += kept.count
            }
            guard !ntuples.isEmpty else { continue }
            let work = out + "/" + name + ".d"
            try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
            var o = ROOTWriterOptions()
            o.compression = CompressionSettings(algorithm: .zstd, level: 3)
            o.rntuple.clusterBytes = 1 << 20            // several clusters for the larger files
            try RNTupleFileWriter.write(ntuples: ntuples, to: work + "/out.root", options: o)
            let mappingPath = work + "/mapping.json"
            try JSONSerialization.data(withJSONObject: mapping).write(to: URL(fileURLWithPath: mappingPath))
            let p = Process()
            p.executableURL = URL(fileURLWithPath: python)
            p.arguments = [script, work + "/out.root", expected, mappingPath, compare, work]
            let pipe = Pipe()
            p.standardOutput = pipe
            p.standardError = pipe
            try p.run()
            let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            p.waitUntilExit()
            XCTAssertEqual(p.terminationStatus, 0, "\(name): \(text)")
            XCTAssertTrue(text.contains(" 0 failed"), "\(name): \(text)")
            files += 1
        }
        print("RNTuple digests: \(files) files, \(fields) fields")
        XCTAssertGreaterThan(files, 0)
    }
}
