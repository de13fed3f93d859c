import Columnar
import Foundation
import ROOTCompression
import ROOTIO
@testable import ROOTWriter
import XCTest

/// TH1D histograms and TDirectory subdirectories: byte layout against uproot's, structure through our reader,
/// values through uproot (fixtures/rootwriter/check_histograms_with_uproot.py).
final class HistogramWriterTests: XCTestCase {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("fixtures/rootwriter")

    /// The histograms of fixtures/rootwriter/make_th1d_fixtures.py, built with our type.
    static let fixtureHistograms: [(file: String, histogram: TH1D)] = [
        ("th1d_uniform.bin", try! TH1D(name: "h", title: "uniform", xTitle: "score", edges: [0, 1, 2, 3],
                                       sumw: [0.5, 1, 2, 3, 0.25], sumw2: [0.25, 1, 2, 3, 0.0625],
                                       entries: 5, tsumw: 6, tsumw2: 6.5, tsumwx: 9.5, tsumwx2: 21.75)),
        ("th1d_variable.bin", try! TH1D(name: "h", title: "variable", xTitle: "met [GeV]", edges: [0, 0.5, 2, 10],
                                        sumw: [0, 1.5, -0.5, 4, 7], sumw2: [0, 2.25, 0.25, 16, 49],
                                        entries: 4, tsumw: 5, tsumw2: 18.5, tsumwx: 21, tsumwx2: 160.5)),
    ]

    func testTH1DBytesEqualUproots() throws {
        for (file, h) in Self.fixtureHistograms {
            let expected = [UInt8](try Data(contentsOf: Self.fixtures.appendingPathComponent(file)))
            let ours = h.serialized()
            XCTAssertEqual(ours.count, expected.count, file)
            if let i = zip(ours, expected).enumerated().first(where: { $0.element.0 != $0.element.1 })?.offset {
                XCTFail("\(file): first difference at byte \(i): ours \(ours[i]), uproot's \(expected[i])")
            }
        }
    }

    /// Histograms at the top, in a directory and in a nested one, beside a tree; read back with our reader.
    func testDirectoriesKeysAndStreamersReadBackWithOurReader() throws {
        let path = try TestSupport.scratch("histograms") + "/dirs.root"
        let hs = try Self.sample()
        let f = try ROOTFileWriter(path: path)
        try f.makeDirectory("SR/sub")
        try f.makeDirectory("SR")                                  // exists: kept
        try f.write(hs[0], in: "")
        try f.write(hs[1], in: "SR")
        try f.write(hs[2], in: "SR/sub")
        try f.write(hs[3], in: "CR")                               // created on the way
        let tree = try f.makeTree("events")
        try tree.append(try EventTable(rowCount: 3, columns: [("x", Column(.float64([1, 2, 3])))]))
        try f.close()

        let file = try ROOTFile(path: path)
        XCTAssertEqual(Set(file.root.latestKeys.map { "\($0.className) \($0.name)" }),
                       ["TDirectory SR", "TDirectory CR", "TH1D \(hs[0].name)", "TTree events"])
        let sr = try file.root.subdirectory("SR")
        XCTAssertEqual(sr.latestKeys.map { "\($0.className) \($0.name)" }, ["TDirectory sub", "TH1D \(hs[1].name)"])
        let sub = try sr.subdirectory("sub")
        XCTAssertEqual(sub.path, "SR/sub")
        XCTAssertEqual(sub.latestKeys.map(\.name), [hs[2].name])
        let cr = try file.root.subdirectory("CR")
        for (dir, h) in [(file.root, hs[0]), (sr, hs[1]), (sub, hs[2]), (cr, hs[3])] {
            let key = try dir.key(h.name)
            XCTAssertEqual(key.title, h.title)
            XCTAssertEqual(Array(try file.objectCursor(key).bytes), h.serialized(), "\(dir.path)/\(h.name)")
        }
        // Keys of objects in a subdirectory point at it (fSeekPdir = the directory key's offset).
        let srKey = try file.root.key("SR")
        XCTAssertEqual(try sr.key(hs[1].name).seekParentDirectory, srKey.seekKey)
        XCTAssertEqual(try file.tree("events").arrays(["x"]).doubles("x"), [1, 2, 3])
        let infos = try file.readStreamerInfos()
        let expected: [String: Int32] = ["TH1D": 3, "TH1": 8, "TAxis": 10, "TAttAxis": 4, "THashList": 0, "TString": 2, "TTree": 20]
        for (cls, v) in expected { XCTAssertEqual(infos[cls]?.classVersion, v, cls) }
        XCTAssertEqual(infos["TH1"]?.elements.count, 26)
        XCTAssertEqual(infos["TH1"]?.elements.map(\.name).suffix(4), ["fBufferSize", "fBuffer", "fBinStatErrOpt", "fStatOverflows"])
        XCTAssertEqual(infos["TAxis"]?.elements.count, 13)
        XCTAssertEqual(infos["TH1D"]?.elements.map(\.name), ["TH1", "TArrayD"])
    }

    /// A histogram written after an autosave (which wrote the tree-only streamer list) gets its classes described.
    func testStreamerListIsRewrittenWhenHistogramsFollowAnAutosave() throws {
        let path = try TestSupport.scratch("histograms") + "/late.root"
        var o = ROOTWriterOptions()
        o.basketSize = .entries(10)
        o.autosaveEveryClusters = 1
        let f = try ROOTFileWriter(path: path, options: o)
        let t = try f.makeTree("events")
        try t.append(try EventTable(rowCount: 30, columns: [("x", Column(.float32((0..<30).map(Float.init))))]))
        try f.write(try Self.sample()[0], in: "late")
        try f.close()
        let file = try ROOTFile(path: path)
        XCTAssertEqual(try file.readStreamerInfos()["TH1D"]?.classVersion, 3)
        XCTAssertEqual(try file.root.subdirectory("late").latestKeys.map(\.className), ["TH1D"])
        XCTAssertEqual(try file.tree("events").entryCount, 30)
    }

    func testInvalidHistogramsAndNamesAreRefused() throws {
        XCTAssertThrowsError(try TH1D(name: "a/b", title: "", edges: [0, 1], sumw: [0, 0, 0], sumw2: [0, 0, 0],
                                      entries: 0, tsumw: 0, tsumw2: 0, tsumwx: 0, tsumwx2: 0))
        XCTAssertThrowsError(try TH1D(name: "h", title: "", edges: [0, 1], sumw: [0, 0], sumw2: [0, 0, 0],
                                      entries: 0, tsumw: 0, tsumw2: 0, tsumwx: 0, tsumwx2: 0))
        XCTAssertThrowsError(try TH1D(name: "h", title: "", edges: [1, 1], sumw: [0, 0, 0], sumw2: [0, 0, 0],
                                      entries: 0, tsumw: 0, tsumw2: 0, tsumwx: 0, tsumwx2: 0))
        XCTAssertThrowsError(try TH1D(name: "h", title: "", edges: [0, .nan], sumw: [0, 0, 0], sumw2: [0, 0, 0],
                                      entries: 0, tsumw: 0, tsumw2: 0, tsumwx: 0, tsumwx2: 0))
        let dir = try TestSupport.scratch("histograms")
        let f = try ROOTFileWriter(path: dir + "/bad.root")
        let h = try Self.sample()[0]
        try f.write(h, in: "A")
        XCTAssertThrowsError(try f.write(h, in: "A")) { XCTAssertTrue("\($0)".contains("already written"), "\($0)") }
        XCTAssertThrowsError(try f.makeDirectory("A//B"))
        XCTAssertThrowsError(try f.makeDirectory("A/\(h.name)")) { XCTAssertTrue("\($0)".contains("already used"), "\($0)") }
        f.abandon()
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/bad.root"))
        XCTAssertThrowsError(try f.write(h))
    }

    /// uproot reads every histogram: names, directories, titles, edges, values and errors with flow bins.
    func testUprootReadsHistogramsInDirectories() throws {
        guard let python = ProcessInfo.processInfo.environment["CONSERVATTACK_PYTHON"], FileManager.default.isExecutableFile(atPath: python) else {
            throw XCTSkip("CONSERVATTACK_PYTHON is unset or not executable: uproot cross-check skipped")
        }
        let dir = try TestSupport.scratch("histograms-uproot")
        let hs = try Self.sample()
        var specs: [[String: Any]] = []
        for (i, compression) in ["zlib:1", "lzma:5", "lz4:4", "zstd:5", "none"].enumerated() {
            var o = ROOTWriterOptions()
            o.compression = try CompressionSettings(parsing: compression)
            let path = dir + "/h\(i).root"
            let f = try ROOTFileWriter(path: path, options: o)
            let placed = [("", hs[0]), ("SR", hs[1]), ("SR/sub", hs[2]), ("CR_1j", hs[3])]
            for (d, h) in placed { try f.write(h, in: d) }
            try f.close()
            specs.append(["path": path, "histograms": placed.map { d, h in
                ["path": d.isEmpty ? h.name : d + "/" + h.name, "title": h.title, "xtitle": h.xTitle, "edges": h.edges,
                 "sumw": h.sumw, "sumw2": h.sumw2, "entries": h.entries] as [String: Any]
            }, "directories": ["SR", "SR/sub", "CR_1j"]])
        }
        let specPath = dir + "/expectations.json"
        try JSONSerialization.data(withJSONObject: ["files": specs]).write(to: URL(fileURLWithPath: specPath))
        let p = Process()
        p.executableURL = URL(fileURLWithPath: python)
        p.arguments = [Self.fixtures.appendingPathComponent("check_histograms_with_uproot.py").path, specPath]
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        try p.run()
        let out = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0, out)
        XCTAssertTrue(out.contains("OK 5 files, 20 histograms"), out)
    }

    /// Four histograms: uniform and variable bins, negative weights, a large one (compressible), flows filled.
    static func sample() throws -> [TH1D] {
        var rng = TestSupport.Rng(state: 7)
        func make(_ name: String, _ edges: [Double]) throws -> TH1D {
            let n = edges.count + 1
            let w = (0..<n).map { _ in rng.double() * 10 - 1 }
            let w2 = w.map { $0 * $0 + rng.double() }
            return try TH1D(name: name, title: "\(name) title", xTitle: "x of \(name)", edges: edges, sumw: w, sumw2: w2,
                            entries: Double(n * 3), tsumw: w.dropFirst().dropLast().reduce(0, +), tsumw2: 1, tsumwx: 2, tsumwx2: 3)
        }
        return [try make("top", [0, 1, 2, 3, 4]),
                try make("wjets", [0, 0.1, 0.5, 0.55, 1]),
                try make("wjets_conservattackUp", (0...400).map { Double($0) / 4 }),
                try make("data_obs", [-5, 5])]
    }
}
