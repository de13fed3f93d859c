import Columnar
import Foundation
import ROOTIO
import ROOTWriter
import XCTest

/// A job killed mid-write leaves a file readable up to its last autosave: each cut just after an autosave's
/// TTree record recovers exactly the entries that autosave covers; a cut before any tree metadata is a
/// clear "no such tree" error.
final class AutosaveRecoveryTests: XCTestCase {
    static let entries = 1000, basket = 100, clustersPerAutosave = 2

    func table() throws -> EventTable {
        let x = (0..<Self.entries).map { Int32($0) }
        let counts = (0..<Self.entries).map { $0 % 4 }
        var offsets = [0]
        for c in counts { offsets.append(offsets.last! + c) }
        return try EventTable(rowCount: Self.entries, columns: [
            ("x", Column(.int32(x))),
            ("y", Column(.float64(x.map { Double($0) * 0.5 }))),
            ("nJet", Column(.int32(counts.map(Int32.init)))),
            ("Jet_pt", Column(jagged: .float32((0..<offsets.last!).map { Float($0) }), offsets: offsets)),
        ])
    }

    func testCutsAfterEachAutosaveRecoverExactlyItsEntries() throws {
        let dir = NSTemporaryDirectory() + "autosave-recovery-\(getpid())-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/full.root"
        var options = ROOTWriterOptions()
        options.basketSize = .entries(Self.basket)
        options.autosaveEveryClusters = Self.clustersPerAutosave
        options.threads = 1
        options.timestamp = 0
        let full = try table()
        try ROOTFileWriter.write(tables: [("events", full)], to: path, options: options)

        // Where the autosaves put the tree's metadata: every TTree record, in file order.
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        let begin = Int64(bytes[8]) << 24 | Int64(bytes[9]) << 16 | Int64(bytes[10]) << 8 | Int64(bytes[11])
        let scan = KeyScanner.scan(try FileSource(path: path), begin: begin, topDirectory: begin, limits: .default)
        let trees = scan.keys.filter { $0.className == "TTree" }
        XCTAssertGreaterThanOrEqual(trees.count, 3, "expected several autosaves: \(scan.keys.map { "\($0.className) \($0.name);\($0.cycle)" })")

        var recovered: [Int] = []
        for key in trees {
            let cut = dir + "/cut-\(key.seekKey).root"
            try bytes.prefix(Int(key.seekKey) + Int(key.totalBytes)).write(to: URL(fileURLWithPath: cut))
            let (file, report) = try ROOTFile.openRecovering(path: cut)
            XCTAssertNotNil(report, "a cut file needs recovery")
            let tree = try file.tree("events")
            let n = tree.entryCount
            recovered.append(n)
            let got = try tree.arrays(threads: 1)
            let want = full.rows(0..<n)
            for name in ["x", "y", "nJet", "Jet_pt"] {
                XCTAssertEqual(try got.column(name), try want.column(name), "\(name) after the autosave at \(key.seekKey)")
            }
        }
        // Autosaves every 2 clusters of 100 entries (the last one at 1000), then the final save at close.
        let step = Self.basket * Self.clustersPerAutosave
        XCTAssertEqual(recovered, Array(stride(from: step, through: Self.entries, by: step)) + [Self.entries], "\(recovered)")

        // Killed between two autosaves (in the middle of the baskets that follow one): the earlier one is read.
        for (i, key) in trees.dropLast().enumerated() {
            let middle = (Int(key.seekKey + Int64(key.totalBytes)) + Int(trees[i + 1].seekKey)) / 2
            let cut = dir + "/mid-\(i).root"
            try bytes.prefix(middle).write(to: URL(fileURLWithPath: cut))
            let tree = try ROOTFile.openRecovering(path: cut).file.tree("events")
            XCTAssertEqual(tree.entryCount, recovered[i], "cut at \(middle)")
            XCTAssertEqual(try tree.arrays(threads: 1), full.rows(0..<recovered[i]), "cut at \(middle)")
        }

        // Cut before any tree metadata: baskets only.
        let early = dir + "/early.root"
        try bytes.prefix(Int(trees[0].seekKey) - 1).write(to: URL(fileURLWithPath: early))
        let (file, report) = try ROOTFile.openRecovering(path: early)
        XCTAssertGreaterThan(try XCTUnwrap(report).basketCount, 0)
        XCTAssertEqual(try file.treePaths(), [])
        XCTAssertThrowsError(try file.tree("events")) { e in
            XCTAssertEqual((e as? ROOTError)?.kind, .notFound, "\(e)")
        }
    }
}
