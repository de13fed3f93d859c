import Columnar
import Foundation
import ROOTCompression
import ROOTIO
@testable import ROOTWriter
import XCTest

/// Writer → our reader round trips: values must come back exactly.
final class RoundTripTests: XCTestCase {
    func options(basket: Int = 7) -> ROOTWriterOptions {
        var o = ROOTWriterOptions()
        o.basketSize = .entries(basket)
        o.timestamp = 1_750_000_000
        return o
    }

    func testEveryDTypeFlatOverSeveralBaskets() throws {
        var rng = TestSupport.Rng(state: 1)
        let n = 53
        let cols = DType.allCases.map { ("v_\($0.rawValue)", Column(TestSupport.values($0, n, &rng))) }
        let table = try EventTable(rowCount: n, columns: cols)
        let path = try TestSupport.scratch("dtypes") + "/t.root"
        try ROOTFileWriter.write(tables: [("events", table)], to: path, options: options())
        let f = try ROOTFile(path: path)
        let tree = try f.tree("events")
        XCTAssertEqual(tree.entryCount, n)
        // 53 entries at 7 per basket: 8 baskets per branch, sharing boundaries.
        for b in tree.allBranches {
            XCTAssertEqual(b.basketSeek.filter { $0 > 0 }.count, 8, b.name)
            XCTAssertEqual(Array(b.basketEntry.prefix(9)), (0...8).map { Int64(min($0 * 7, n)) }, b.name)
        }
        XCTAssertEqual(tree.allBranches.first { $0.name == "v_uint16" }?.leaves.first?.className, "TLeafS")
        XCTAssertEqual(tree.allBranches.first { $0.name == "v_uint16" }?.leaves.first?.isUnsigned, true)
        XCTAssertEqual(tree.allBranches.first { $0.name == "v_bool" }?.leaves.first?.className, "TLeafO")
        TestSupport.assertTablesEqual(table, try tree.arrays(table.names))
    }

    func jaggedTable(_ n: Int, seed: UInt64 = 2) throws -> EventTable {
        var rng = TestSupport.Rng(state: seed)
        let jet = TestSupport.offsets(n, maxCount: 6, &rng)
        let mu = TestSupport.offsets(n, maxCount: 3, &rng)
        return try EventTable(rowCount: n, columns: [
            ("run", Column(TestSupport.values(.int32, n, &rng))),
            ("Jet_pt", Column(jagged: TestSupport.values(.float32, jet.last!, &rng), offsets: jet)),
            ("Jet_eta", Column(jagged: TestSupport.values(.float64, jet.last!, &rng), offsets: jet)),
            ("Jet_id", Column(jagged: TestSupport.values(.uint8, jet.last!, &rng), offsets: jet)),
            ("Muon_pt", Column(jagged: TestSupport.values(.float32, mu.last!, &rng), offsets: mu)),
            ("p3", Column(TestSupport.values(.float32, 3 * n, &rng), layout: .fixed(shape: [3]))),
            ("cov", Column(TestSupport.values(.int16, 6 * n, &rng), layout: .fixed(shape: [2, 3]))),
        ])
    }

    func testJaggedWithCountersAndFixedArrays() throws {
        let table = try jaggedTable(41)
        let path = try TestSupport.scratch("jagged") + "/t.root"
        try ROOTFileWriter.write(tables: [("events", table)], to: path, options: options(basket: 10))
        let file = try ROOTFile(path: path)
        let tree = try file.tree("events")
        XCTAssertEqual(tree.allBranches.map(\.name), ["run", "nJet", "Jet_pt", "Jet_eta", "Jet_id", "nMuon", "Muon_pt", "p3", "cov"])
        let pt = try tree.branch("Jet_pt")
        XCTAssertEqual(pt.title, "Jet_pt[nJet]/F")
        XCTAssertEqual(pt.leaves.first?.leafCount?.name, "nJet")
        XCTAssertEqual(try tree.branch("cov").title, "cov[2][3]/S")
        let read = try tree.arrays(table.names + ["nJet", "nMuon"])
        TestSupport.assertTablesEqual(table, read)
        XCTAssertEqual(read["nJet"]?.content, .int32(table["Jet_pt"]!.counts.map { Int32($0) }))
        XCTAssertEqual(read["nMuon"]?.content, .int32(table["Muon_pt"]!.counts.map { Int32($0) }))
    }

    func testExistingCounterColumnIsReusedAndNamedCountersApply() throws {
        var table = try jaggedTable(20)
        try table.add("nJet", Column(.uint32(table["Jet_pt"]!.counts.map { UInt32($0) })))
        var o = options()
        o.counterNames = ["Muon_pt": "nMu"]
        let path = try TestSupport.scratch("counters") + "/t.root"
        try ROOTFileWriter.write(tables: [("events", table)], to: path, options: o)
        let file = try ROOTFile(path: path)
        let tree = try file.tree("events")
        XCTAssertEqual(tree.allBranches.filter { $0.name == "nJet" }.count, 1)
        XCTAssertEqual(tree.allBranches.map(\.name), ["run", "nJet", "Jet_pt", "Jet_eta", "Jet_id", "nMu", "Muon_pt", "p3", "cov"])
        XCTAssertEqual(try tree.branch("nJet").leaves.first?.isUnsigned, true)
        TestSupport.assertTablesEqual(table, try tree.arrays(table.names))
    }

    func testMismatchedCounterValuesGetTheirOwnCounter() throws {
        var table = try jaggedTable(15)
        try table.add("nJet", Column(.int32(Array(repeating: 99, count: 15))))
        let path = try TestSupport.scratch("counter-clash") + "/t.root"
        try ROOTFileWriter.write(tables: [("events", table)], to: path, options: options())
        let file = try ROOTFile(path: path)
        let tree = try file.tree("events")
        XCTAssertEqual(try tree.branch("Jet_pt").leaves.first?.leafCount?.name, "nJet_pt")
        TestSupport.assertTablesEqual(table, try tree.arrays(table.names))
    }

    func testEmptyTreeAndOneEntry() throws {
        let dir = try TestSupport.scratch("small")
        let empty = try jaggedTable(0)
        let one = try jaggedTable(1)
        try ROOTFileWriter.write(tables: [("empty", empty), ("one", one)], to: dir + "/t.root", options: options())
        let f = try ROOTFile(path: dir + "/t.root")
        XCTAssertEqual(try f.treePaths(), ["empty", "one"])
        XCTAssertEqual(try f.tree("empty").entryCount, 0)
        TestSupport.assertTablesEqual(one, try f.tree("one").arrays(one.names))
        let e = try f.tree("empty").arrays(empty.names)
        XCTAssertEqual(e.rowCount, 0)
        XCTAssertEqual(e["Jet_pt"]?.content.count, 0)
    }

    func testEveryCodecAndLevel() throws {
        let table = try jaggedTable(300)
        let dir = try TestSupport.scratch("codecs")
        var sizes: [String: Int] = [:]
        for spec in ["none", "zlib:1", "zlib:9", "lzma:1", "lzma:9", "lz4:1", "lz4:9", "zstd:1", "zstd:19"] {
            var o = options(basket: 64)
            o.compression = try CompressionSettings(parsing: spec)
            let path = dir + "/\(spec.replacingOccurrences(of: ":", with: "_")).root"
            try ROOTFileWriter.write(tables: [("events", table)], to: path, options: o)
            let f = try ROOTFile(path: path)
            XCTAssertEqual(Int(f.compression), o.compression.code, spec)
            TestSupport.assertTablesEqual(table, try f.tree("events").arrays(table.names))
            sizes[spec] = Int(try FileManager.default.attributesOfItem(atPath: path)[.size] as! UInt64)
        }
        for (spec, size) in sizes where spec != "none" { XCTAssertLessThan(size, sizes["none"]!, spec) }
    }

    func testStreamingChunksMatchOneShotByteForByte() throws {
        let table = try jaggedTable(100)
        let a = try TestSupport.scratch("stream-a") + "/t.root"
        let b = try TestSupport.scratch("stream-b") + "/t.root"
        var o = options(basket: 16)
        o.autosaveEveryClusters = 0
        try ROOTFileWriter.write(tables: [("events", table)], to: a, options: o)
        let w = try ROOTTreeWriter(path: b, treeName: "events", options: o)
        var at = 0
        for size in [1, 0, 5, 16, 17, 3, 40, 18] {
            try w.append(table.rows(at..<(at + size)))
            at += size
        }
        XCTAssertEqual(at, 100)
        try w.close()
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: a)), try Data(contentsOf: URL(fileURLWithPath: b)))
    }

    func testOutputDoesNotDependOnThreadCount() throws {
        let table = try jaggedTable(500)
        var files: [Data] = []
        for threads in [1, 2, 5] {
            var o = options(basket: 13)
            o.threads = threads
            let path = try TestSupport.scratch("threads-\(threads)") + "/t.root"
            try ROOTFileWriter.write(tables: [("events", table)], to: path, options: o)
            files.append(try Data(contentsOf: URL(fileURLWithPath: path)))
        }
        XCTAssertEqual(files[0], files[1])
        XCTAssertEqual(files[0], files[2])
    }

    func testBasketSizeInBytes() throws {
        var rng = TestSupport.Rng(state: 5)
        let table = try EventTable(rowCount: 1000, columns: [("x", Column(TestSupport.values(.float64, 1000, &rng))),
                                                            ("y", Column(TestSupport.values(.int8, 1000, &rng)))])
        var o = options()
        o.basketSize = .bytes(800)              // the widest branch (8 bytes) sets 100 entries per basket
        let path = try TestSupport.scratch("bytes") + "/t.root"
        try ROOTFileWriter.write(tables: [("t", table)], to: path, options: o)
        let file = try ROOTFile(path: path)
        let tree = try file.tree("t")
        XCTAssertEqual(try tree.branch("y").basketSeek.filter { $0 > 0 }.count, 10)
        TestSupport.assertTablesEqual(table, try tree.arrays(["x", "y"]))
    }

    /// zlib baskets are chains of `zlibBlockSize` blocks (ROOT reads a basket block by block); the other
    /// algorithms keep one block per basket. Both read back exactly.
    func testZlibBasketsAreChainsOfSmallBlocks() throws {
        let n = 10_000
        // Compressible values (random doubles would be stored uncompressed, without blocks).
        let table = try EventTable(rowCount: n, columns: [("x", Column(.float64((0..<n).map { Double($0 % 977) * 0.25 })))])
        let dir = try TestSupport.scratch("zlib-blocks")
        for (spec, blockSize, expected) in [("zlib:1", 16 * 1024, 5), ("zlib:6", 1000, 80), ("zstd:3", 16 * 1024, 1)] {
            var o = options(basket: n)
            o.compression = try CompressionSettings(parsing: spec)
            o.zlibBlockSize = blockSize
            let path = dir + "/\(spec.replacingOccurrences(of: ":", with: "_")).root"
            try ROOTFileWriter.write(tables: [("t", table)], to: path, options: o)
            let tree = try ROOTFile(path: path).tree("t")
            let branch = try tree.branch("x")
            let seek = Int(branch.basketSeek[0]), bytes = Int(branch.basketBytes[0])
            let fileBytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
            let keyLength = Int(fileBytes[seek + 14]) << 8 | Int(fileBytes[seek + 15])   // fKeylen (after fNbytes, fVersion, fObjlen, fDatime)
            let headers = try fileBytes[(seek + keyLength)..<(seek + bytes)].withUnsafeBytes { try ROOTDecompressor.blockHeaders($0) }
            XCTAssertEqual(headers.count, expected, spec)
            XCTAssertEqual(headers.map(\.uncompressedSize).reduce(0, +), 8 * n, spec)
            if expected > 1 { XCTAssertTrue(headers.dropLast().allSatisfy { $0.uncompressedSize == blockSize }, spec) }
            TestSupport.assertTablesEqual(table, try tree.arrays(["x"]))
        }
    }

    func testMetadataKeysAndTitle() throws {
        var o = options()
        o.treeTitle = "perturbed by CONSERVAttack"
        o.metadata = ["conservattack_config": "{\"eps\": 0.1}", "conservattack_version": "0.1"]
        let table = try jaggedTable(5)
        let path = try TestSupport.scratch("meta") + "/t.root"
        try ROOTFileWriter.write(tables: [("events", table)], to: path, options: o)
        let f = try ROOTFile(path: path)
        XCTAssertEqual(try f.tree("events").title, "perturbed by CONSERVAttack")
        XCTAssertEqual(f.root.keys.map(\.name), ["events", "conservattack_config", "conservattack_version"])
        XCTAssertEqual(f.root.keys.map(\.className), ["TTree", "TObjString", "TObjString"])
    }

    func testSchemaAndCounterErrors() throws {
        let table = try jaggedTable(10)
        let path = try TestSupport.scratch("errors") + "/t.root"
        let w = try ROOTTreeWriter(path: path, treeName: "events", options: options())
        try w.append(table)
        var wrongType = table
        wrongType.remove("run")
        try wrongType.add("run", Column(.int64(Array(repeating: 1, count: 10))))
        XCTAssertThrowsError(try w.append(wrongType)) { e in
            guard case ROOTWriterError.schemaMismatch(_, "run", _)? = e as? ROOTWriterError else { return XCTFail("\(e)") }
        }
        var badCounter = table
        let other = Column(jagged: .float64(Array(repeating: 0, count: 10)), offsets: Array(0...10))
        try badCounter.add("Jet_eta", other)
        XCTAssertThrowsError(try w.append(badCounter)) { e in
            guard case ROOTWriterError.counterMismatch(_, "nJet", "Jet_eta", _)? = e as? ROOTWriterError else { return XCTFail("\(e)") }
        }
        try w.close()
        let file = try ROOTFile(path: path)
        XCTAssertEqual(try file.tree("events").entryCount, 10)
    }
}

