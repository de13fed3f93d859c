import Columnar
import Foundation
import TestSupport
import XCTest
@testable import ROOTIO

/// Reads the files fixtures/rootio/make_fixtures.py wrote with uproot and compares every value.
final class FixtureReadTests: XCTestCase {
    struct Expected: Decodable {
        struct Branch: Decodable { var dtype: String; var values: [Double]; var shape: [Int]?; var counts: [Int]? }
        var entries: Int
        var baskets: Int
        var branches: [String: Branch]
    }

    func expected() throws -> Expected {
        try JSONDecoder().decode(Expected.self, from: Data(contentsOf: URL(fileURLWithPath: Fixtures.path("rootio/expected.json"))))
    }

    func testEveryCodecEveryType() throws {
        let exp = try expected()
        for codec in ["none", "zlib", "lzma", "lz4", "zstd"] {
            let file = try ROOTFile(path: Fixtures.path("rootio/types-\(codec).root"))
            XCTAssertEqual(try file.treePaths(), ["t", "sub/inner"])
            let tree = try file.tree("t")
            XCTAssertEqual(tree.entryCount, exp.entries)
            let table = try tree.arrays()
            for (name, b) in exp.branches {
                let col = try table.column(name)
                XCTAssertEqual(col.dtype.rawValue, b.dtype, "\(codec) \(name)")
                XCTAssertEqual(col.content.toDoubles(), b.values, "\(codec) \(name)")
                if let counts = b.counts { XCTAssertEqual(col.counts, counts, "\(codec) \(name)") }
                if let shape = b.shape, !shape.isEmpty { XCTAssertEqual(col.layout, .fixed(shape: shape)) }
                XCTAssertEqual(tree.allBranches.first { $0.path == name }?.writeBasket, Int32(exp.baskets))
            }
            XCTAssertEqual(try file.tree("sub/inner").arrays().doubles("x"), [0, 1, 2, 3])
        }
    }

    func testEntryRangesAndSubsetsMatchFullRead() throws {
        let tree = try ROOTFile(path: Fixtures.path("rootio/types-zlib.root")).tree("t")
        let full = try tree.arrays(["j", "f8", "arr"])
        for range in [0..<21, 3..<4, 5..<17, 7..<12, 20..<21, 9..<9] {
            let part = try tree.arrays(["j", "f8", "arr"], entries: range)
            XCTAssertEqual(part, full.rows(range), "range \(range)")
        }
        XCTAssertEqual(try tree.arrays(["?4", "f*"]).names, ["i4", "u4", "f4", "f8"])
        XCTAssertThrowsError(try tree.arrays(["f8"], entries: 0..<22))
    }

    func testResultsIdenticalWhateverTheThreadCount() throws {
        let tree = try ROOTFile(path: Fixtures.path("rootio/types-lz4.root")).tree("t")
        XCTAssertEqual(try tree.arrays(threads: 1), try tree.arrays(threads: 2))
        XCTAssertEqual(try tree.arrays(threads: 1), try tree.arrays(threads: 7))
    }

    func testCyclesAndLookupErrors() throws {
        let file = try ROOTFile(path: Fixtures.path("rootio/types-none.root"))
        XCTAssertEqual(try file.tree("t;1").entryCount, 21)
        XCTAssertThrowsError(try file.tree("t;9"))
        XCTAssertThrowsError(try file.tree("tt")) { e in XCTAssertTrue("\(e)".contains("it holds: sub, t")) }
        XCTAssertThrowsError(try file.tree("sub")) { e in XCTAssertTrue("\(e)".contains("not a TTree")) }
        XCTAssertThrowsError(try file.tree("t").arrays(["f9"])) { e in XCTAssertTrue("\(e)".contains("did you mean: f4, f8")) }
    }
}
