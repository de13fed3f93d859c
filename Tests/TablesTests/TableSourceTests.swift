import ArrowIPC
import Columnar
import Foundation
import ROOTIO
import Tables
import TestSupport
import XCTest

/// The table seam: one dispatch on the file's first bytes and the key's class, descriptors carried along,
/// outputs that keep the input's kind and name, metadata read back from ROOT and Arrow files.
final class TableSourceTests: XCTestCase {
    var dir: String!

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "tables-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: dir) }

    private func sample(_ n: Int = 100) throws -> EventTable {
        try EventTable(rowCount: n, columns: [
            ("pt", Column(.float32((0..<n).map { Float($0) * 0.5 }))),
            ("nJet", Column(.int32((0..<n).map { Int32($0 % 7) }))),
            ("Jet_pt", Column(jagged: .float64((0..<(3 * n)).map { Double($0) }), offsets: (0...n).map { 3 * $0 })),
        ])
    }

    func testTTreeKeepsNameTitleEntriesAndMetadata() throws {
        let path = dir + "/out.root"
        let input = TableDescriptor(kind: .ttree, file: "in.root", name: "Events", entries: 100)
        let output = try TableOutput.resolve(path: path, input: input, metadata: ["conservattack.true_class": "1", "note": "x y"])
        XCTAssertEqual(output.format, .ttree)
        XCTAssertEqual(output.name, "Events")
        try TableWriter.write(try sample(), output, force: false)

        let source = try TableSources.open(path)            // the only table: no name needed
        XCTAssertEqual(source.descriptor.kind, .ttree)
        XCTAssertEqual(source.descriptor.name, "Events")
        XCTAssertEqual(source.descriptor.entries, 100)
        XCTAssertEqual(source.descriptor.metadata["conservattack.true_class"], "1")
        XCTAssertEqual(source.descriptor.metadata["note"], "x y")
        XCTAssertEqual(source.descriptor.storedTrueClass, 1)
        // The writer adds NanoAOD-style counters (nJet_pt) for jagged columns.
        XCTAssertEqual(source.numericColumnNames, ["pt", "nJet", "nJet_pt", "Jet_pt"])
        XCTAssertEqual(try source.read(["pt", "nJet", "Jet_pt"], entries: nil, threads: 0), try sample())
        let named = try TableSources.open(path + ":Events")
        XCTAssertEqual(try named.read(["Jet_*"], entries: 10..<20, threads: 1), try sample().rows(10..<20).selecting(["Jet_pt"]))
    }

    func testDispatchIsOnMagicBytesNotExtension() throws {
        let root = dir + "/t.root", disguised = dir + "/t.dat", arrow = dir + "/t.arrow", arrowDisguised = dir + "/t.bin"
        try TableWriter.write(try sample(), try TableOutput.resolve(path: root, input: nil), force: false)
        try TableWriter.write(try sample(), try TableOutput.resolve(path: arrow, input: nil, metadata: ["k": "v"]), force: false)
        try FileManager.default.copyItem(atPath: root, toPath: disguised)
        try FileManager.default.copyItem(atPath: arrow, toPath: arrowDisguised)
        XCTAssertEqual(try TableSources.open(disguised).descriptor.kind, .ttree)
        XCTAssertEqual(try TableSources.open(disguised).descriptor.name, "events")
        let a = try TableSources.open(arrowDisguised)
        XCTAssertEqual(a.descriptor.kind, .arrow)
        XCTAssertEqual(a.descriptor.metadata["k"], "v")
        XCTAssertEqual(a.descriptor.entries, 100)
        XCTAssertEqual(try a.read(), try sample())
        XCTAssertEqual(try a.read(["J*"], entries: 98..<200, threads: 0), try sample().rows(98..<100).selecting(["Jet_pt"]))
        XCTAssertThrowsError(try TableSources.open(arrow + ":events")) { e in
            XCTAssertTrue("\(e)".contains("one table"), "\(e)")
        }
    }

    func testUnknownMissingAndAmbiguousInputsAreClearErrors() throws {
        let text = dir + "/notes.root"
        try "hello, world".write(toFile: text, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try TableSources.open(text)) { e in
            XCTAssertEqual("\(e)", "\(text): byte 0: neither a ROOT file ('root') nor an Arrow IPC file ('ARROW1'): starts with hello,")
        }
        XCTAssertThrowsError(try TableSources.open(dir + "/missing.root")) { e in
            XCTAssertTrue("\(e)".hasSuffix("missing.root: no such file"), "\(e)")
        }
        XCTAssertThrowsError(try TableSources.open(dir)) { e in XCTAssertTrue("\(e)".contains("is a directory"), "\(e)") }
        let two = dir + "/two.root"
        try ROOTWriterSupport.writeTwoTrees(to: two, try sample())
        XCTAssertThrowsError(try TableSources.open(two)) { e in
            XCTAssertTrue("\(e)".contains("several tables (a, b)"), "\(e)")
        }
        XCTAssertEqual(try TableSources.open(two + ":b").descriptor.name, "b")
        XCTAssertThrowsError(try TableSources.open(two + ":c")) { e in XCTAssertTrue("\(e)".contains("no object 'c'"), "\(e)") }
    }

    func testRNTupleIsATableLikeAnyOther() throws {
        let path = Fixtures.path("rntuple/uproot_zstd.root")        // written by uproot 5.7 (fixtures/rntuple)
        let source = try TableSources.open(path)
        XCTAssertEqual(source.descriptor.kind, .rntuple)
        XCTAssertEqual(source.descriptor.name, "events")
        XCTAssertEqual(source.descriptor.entries, 750)
        XCTAssertTrue(source.numericColumnNames.contains("f32"))
        let t = try source.read(["f32", "hits"], entries: 740..<800, threads: 2)
        XCTAssertEqual(t.rowCount, 10)
        XCTAssertEqual(try t.column("f32").content.toDoubles(), (740..<750).map { Double($0) * 0.5 - 100 })
        XCTAssertTrue(try t.column("hits").isJagged)
        XCTAssertEqual(try TableSources.open(path + ":events").descriptor.kind, .rntuple)
        // An RNTuple input gives an RNTuple output of the same name unless told otherwise.
        let out = try TableOutput.resolve(path: dir + "/o.root", input: source.descriptor)
        XCTAssertEqual(out.format, .rntuple)
        XCTAssertEqual(out.name, "events")
    }

    func testOneUnreadableBranchDoesNotCostTheRestOfTheTable() throws {
        guard let shared = Fixtures.shared else { throw XCTSkip("../shared not present: uproot-mc10events.root needed") }
        // Info/triggerBits (std::bitset<256>) has entries of 0 bytes: neither we nor uproot can read it.
        let source = try TableSources.open(shared.appendingPathComponent("rootfiles/uproot-mc10events.root").path + ":Events")
        XCTAssertThrowsError(try source.read(nil, entries: nil, threads: 1))
        XCTAssertThrowsError(try source.read(["Info/triggerBits"], entries: nil, threads: 1)) { e in
            XCTAssertTrue("\(e)".contains("Info/triggerBits"), "\(e)")
        }
        let (table, skipped) = try source.readReadable(threads: 1)
        XCTAssertEqual(skipped.map(\.name), ["Info/triggerBits"])
        XCTAssertTrue(skipped[0].reason.contains("basket 0"), skipped[0].reason)
        XCTAssertEqual(table.names.count, source.numericColumnNames.count - 1)
        XCTAssertEqual(table.rowCount, source.descriptor.entries)
    }

    func testOutputResolution() throws {
        let rnt = TableDescriptor(kind: .rntuple, file: "in.root", name: "t", entries: 1)
        let tree = TableDescriptor(kind: .ttree, file: "in.root", name: "dir/Events;2", entries: 1)
        let arrow = TableDescriptor(kind: .arrow, file: "in.arrow", name: "", entries: 1)
        XCTAssertEqual(try TableOutput.resolve(path: "o.root", input: rnt).format, .rntuple)
        XCTAssertEqual(try TableOutput.resolve(path: "o.root", input: rnt).name, "t")
        XCTAssertEqual(try TableOutput.resolve(path: "o.root", input: rnt, format: .ttree).format, .ttree)
        XCTAssertEqual(try TableOutput.resolve(path: "o.root", input: tree).name, "dir/Events")
        XCTAssertEqual(try TableOutput.resolve(path: "o.root", input: tree, name: "nominal").name, "nominal")
        XCTAssertEqual(try TableOutput.resolve(path: "o.ROOT", input: arrow).format, .ttree)
        XCTAssertEqual(try TableOutput.resolve(path: "o.root", input: arrow).name, "events")
        XCTAssertEqual(try TableOutput.resolve(path: "o.feather", input: rnt).format, .arrow)
        XCTAssertThrowsError(try TableOutput.resolve(path: "o.csv", input: nil)) { e in
            XCTAssertTrue("\(e)".contains("unknown output format '.csv'"), "\(e)")
        }
        XCTAssertThrowsError(try TableOutput.resolve(path: "o.arrow", input: nil, format: .rntuple))
        XCTAssertThrowsError(try TableOutput.resolve(path: "o.root", input: nil, name: "a//b"))
    }

    func testWriterNeverReplacesWithoutForce() throws {
        let path = dir + "/o.arrow"
        try "keep".write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try TableWriter.write(try sample(), try TableOutput.resolve(path: path, input: nil), force: false)) { e in
            XCTAssertTrue("\(e)".contains("exists: pass --force"), "\(e)")
        }
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "keep")
        try TableWriter.write(try sample(), try TableOutput.resolve(path: path, input: nil), force: true)
        XCTAssertEqual(try TableSources.open(path).descriptor.entries, 100)
    }
}

extension EventTable {
    /// The named columns only, in that order.
    func selecting(_ names: [String]) throws -> EventTable {
        try EventTable(rowCount: rowCount, columns: names.map { ($0, try column($0)) })
    }
}

/// Tables in subdirectories (CMSSW's TFileService writes `analyzer/tree`): the output keeps the directory path.
final class DirectoryPathTests: XCTestCase {
    func testTreesAndRNTuplesKeepTheirDirectoryPath() throws {
        let dir = NSTemporaryDirectory() + "tables-dirs-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let table = try EventTable(rowCount: 5, columns: [("x", Column(.float64([1, 2, 3, 4, 5])))])
        for kind in [TableKind.ttree, .rntuple] {
            let input = TableDescriptor(kind: kind, file: "in.root", name: "demo/sub/Events", entries: 5)
            let path = dir + "/\(kind.rawValue).root"
            try TableWriter.write(table, try TableOutput.resolve(path: path, input: input, metadata: ["k": "v"]), force: false)
            XCTAssertThrowsError(try TableSources.open(path + ":Events"), "not in the top directory")
            let source = try TableSources.open(path + ":demo/sub/Events")
            XCTAssertEqual(source.descriptor.kind, kind)
            XCTAssertEqual(source.descriptor.name, "demo/sub/Events")
            XCTAssertEqual(source.descriptor.metadata["k"], "v")
            XCTAssertEqual(try source.read(), table)
            XCTAssertEqual(try TableSources.open(path).descriptor.name, "demo/sub/Events", "the only table, found by the walk")
            guard let py = Fixtures.python else { continue }
            let check = try Fixtures.run(py, ["-c", """
                import sys, uproot
                t = uproot.open(sys.argv[1])["demo/sub/Events"]
                assert list(t.arrays(library="np")["x"]) == [1, 2, 3, 4, 5]
                print("ok", type(t).__name__)
                """, path])
            XCTAssertEqual(check.status, 0, check.stderr)
            XCTAssertTrue(check.stdout.hasPrefix("ok"), check.stdout)
        }
    }
}
