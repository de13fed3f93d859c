import Columnar
import Foundation
import ROOTCompression
@testable import ROOTWriter
import XCTest

/// uproot 5.7.7 (an independent RNTuple 1.0 reader) must read our RNTuples and get identical arrays and dtypes.
/// Runs fixtures/rntuple-writer/check_rntuple_with_uproot.py with CONSERVATTACK_PYTHON; skips visibly otherwise.
final class RNTupleUprootTests: XCTestCase {
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Every dtype flat, jagged (with empty entries) and fixed-shape columns, in many clusters, pages and cluster
    /// groups, with every codec; a 0-entry ntuple; an ntuple of only empty collections; metadata strings.
    func testUprootReadsIdenticalArrays() throws {
        let python = try Self.python()
        let dir = try TestSupport.scratch("rntuple-uproot")
        let table = try Self.table(n: 301, seed: 5)
        var files: [String] = []
        let metadata = ["conservattack.version": "test", "conservattack.note": "écrit par RNTupleWriter"]
        for (i, spec) in ["zlib:1", "lzma:5", "lz4:4", "zstd:5", "none"].enumerated() {
            var o = ROOTWriterOptions()
            o.compression = try CompressionSettings(parsing: spec)
            o.rntuple.clusterEntries = 40 + i
            o.rntuple.pageBytes = 64 + 8 * i           // several pages per column and cluster
            o.rntuple.clustersPerGroup = 3
            o.metadata = metadata
            o.threads = i % 2 == 0 ? 1 : 3
            let path = dir + "/f\(i).root"
            try RNTupleFileWriter.write(ntuples: [("events", table)], to: path, options: o)
            let clusters = (table.rowCount + 40 + i - 1) / (40 + i)
            files.append(Self.expectation(path: path, table: table, split: spec != "none", clusters: clusters, metadata: metadata,
                                          groups: (clusters + 2) / 3, multipage: true))
        }
        // Default sizes: one cluster, one page per column.
        try RNTupleFileWriter.write(ntuples: [("events", table)], to: dir + "/default.root")
        files.append(Self.expectation(path: dir + "/default.root", table: table, split: true, clusters: 1, metadata: [:]))
        // Chunked appends must give the same arrays as one append.
        var o = ROOTWriterOptions()
        o.rntuple.clusterEntries = 64
        let f = try ROOTFileWriter(path: dir + "/chunked.root", options: o)
        let nt = try f.makeNTuple("events")
        for lo in stride(from: 0, to: table.rowCount, by: 50) { try nt.append(table.rows(lo..<min(table.rowCount, lo + 50))) }
        try f.close()
        files.append(Self.expectation(path: dir + "/chunked.root", table: table, split: true, clusters: 5, metadata: [:]))
        // A TTree and an RNTuple in one file (the tree autosaves before the ntuple closes).
        var mixed = ROOTWriterOptions()
        mixed.autosaveEveryClusters = 1
        mixed.basketSize = .entries(100)
        let m = try ROOTFileWriter(path: dir + "/mixed.root", options: mixed)
        let tree = try m.makeTree("t")
        try tree.append(table)
        let mixedNT = try m.makeNTuple("events")
        try mixedNT.append(table)
        try m.close()
        files.append(String(Self.expectation(path: dir + "/mixed.root", table: table, split: true, clusters: 1, metadata: [:]).dropLast())
                     + ", \"trees\": {\"t\": \(table.rowCount)}}")
        // No entries at all.
        let empty = table.rows(0..<0)
        try RNTupleFileWriter.write(ntuples: [("events", empty)], to: dir + "/empty.root")
        files.append(Self.expectation(path: dir + "/empty.root", table: empty, split: true, clusters: 0, metadata: [:]))
        // Collections that are all empty (a value column without pages).
        let none = try EventTable(rowCount: 7, columns: [("v", Column(jagged: .float32([]), offsets: Array(repeating: 0, count: 8)))])
        try RNTupleFileWriter.write(ntuples: [("events", none)], to: dir + "/none.root")
        files.append(Self.expectation(path: dir + "/none.root", table: none, split: true, clusters: 1, metadata: [:]))

        let out = try Self.run(python, files: files, dir: dir)
        XCTAssertTrue(out.contains("OK \(files.count) files"), out)
    }

    /// The deterministic test table: every dtype flat, jagged float32/float64/bool/int16/uint64/int64 sharing offsets
    /// with empty entries, fixed [3] and [2, 2] arrays.
    static func table(n: Int, seed: UInt64) throws -> EventTable {
        var rng = TestSupport.Rng(state: seed)
        var cols = DType.allCases.map { ("v_\($0.rawValue)", Column(TestSupport.values($0, n, &rng))) }
        let jet = TestSupport.offsets(n, maxCount: 4, &rng)
        for d: DType in [.float32, .float64, .bool, .int16, .uint64, .int64, .int8] {
            cols.append(("Jet_\(d.rawValue)", Column(jagged: TestSupport.values(d, jet.last!, &rng), offsets: jet)))
        }
        cols.append(("fix", Column(TestSupport.values(.float64, 4 * n, &rng), layout: .fixed(shape: [2, 2]))))
        cols.append(("fix_u32", Column(TestSupport.values(.uint32, 3 * n, &rng), layout: .fixed(shape: [3]))))
        cols.append(("fix_bool", Column(TestSupport.values(.bool, 3 * n, &rng), layout: .fixed(shape: [3]))))
        return try EventTable(rowCount: n, columns: cols)
    }

    static func python() throws -> String {
        guard let python = ProcessInfo.processInfo.environment["CONSERVATTACK_PYTHON"], FileManager.default.isExecutableFile(atPath: python) else {
            throw XCTSkip("CONSERVATTACK_PYTHON is unset or not executable: uproot RNTuple cross-check skipped")
        }
        return python
    }

    /// Runs the checker on `files`' expectations; fails the test on a non-zero exit.
    static func run(_ python: String, files: [String], dir: String, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let specPath = dir + "/expectations.json"
        try ("{\"files\": [\n" + files.joined(separator: ",\n") + "\n]}").write(toFile: specPath, atomically: true, encoding: .utf8)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: python)
        p.arguments = [repoRoot.appendingPathComponent("fixtures/rntuple-writer/check_rntuple_with_uproot.py").path, specPath]
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        try p.run()
        let out = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0, out, file: file, line: line)
        return out
    }

    /// One file's expectations (the TTree cross-check's per-column format plus split, clusters and metadata).
    static func expectation(path: String, table: EventTable, split: Bool, clusters: Int?, metadata: [String: String],
                            groups: Int? = nil, multipage: Bool = false) -> String {
        let base = UprootCrossCheckTests.expectation(path: path, tree: "events", table: table)
        let meta = metadata.sorted { $0.key < $1.key }.map { "\(jsonString($0.key)): \(jsonString($0.value))" }.joined(separator: ", ")
        return String(base.dropLast()) + ", \"split\": \(split), \"clusters\": \(clusters.map(String.init) ?? "null"), \"metadata\": {\(meta)}}"
    }

    static func jsonString(_ s: String) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: [s])) ?? Data("[\"\"]".utf8)
        return String(String(decoding: data, as: UTF8.self).dropFirst().dropLast())
    }
}
