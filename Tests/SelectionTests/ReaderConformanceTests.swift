import Columnar
import Foundation
import ROOTIO
import Selection
import XCTest

/// The second conformance path: the same branches read from the real ROOT files with the native reader
/// (ROOTFile/TTree.arrays) must equal the columns dumped by uproot, and the masks on them must equal numpy's.
final class ReaderConformanceTests: XCTestCase {
    /// ../shared/rootfiles beside the repository, or $CONSERVATTACK_ROOTFILES.
    static let rootfiles: URL = {
        if let env = ProcessInfo.processInfo.environment["CONSERVATTACK_ROOTFILES"] { return URL(fileURLWithPath: env) }
        return FixtureColumns.directory.deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("shared/rootfiles")
    }()

    private func readerTables() throws -> [String: EventTable] {
        var out: [String: EventTable] = [:]
        for tree in try FixtureColumns.index().trees {
            let path = Self.rootfiles.appendingPathComponent(tree.file).path
            guard FileManager.default.fileExists(atPath: path) else {
                throw XCTSkip("\(path) not found: the ROOT-reader conformance path needs ../shared/rootfiles")
            }
            let file = try ROOTFile(path: path)
            let t = try file.tree(tree.tree)
            XCTAssertEqual(t.entryCount, tree.entries, tree.file)
            out[tree.tag] = try t.arrays(tree.columns.map(\.name))
        }
        return out
    }

    func testReaderColumnsEqualTheDumpedColumns() throws {
        let dumped = try FixtureColumns.tables()
        for (tag, table) in try readerTables() {
            let reference = try XCTUnwrap(dumped[tag])
            XCTAssertEqual(table.rowCount, reference.rowCount, tag)
            for name in reference.names {
                let want = try reference.column(name)
                guard let got = table[name] else { XCTFail("\(tag): reader did not return \(name)"); continue }
                XCTAssertEqual(got.dtype, want.dtype, "\(tag).\(name) dtype")
                XCTAssertEqual(got.content, want.content, "\(tag).\(name) content")
                XCTAssertEqual(got.counts, want.counts, "\(tag).\(name) counts")
                XCTAssertEqual(got.isJagged, want.isJagged, "\(tag).\(name) layout")
            }
        }
    }

    func testMasksOnReaderColumnsMatchNumpy() throws {
        let tables = try readerTables()
        var failures: [String] = []
        for e in try Expectations.load().cuts {
            let t = try XCTUnwrap(tables[e.tree])
            do {
                let mask = try CutExpression(parsing: e.expression).evaluateMask(on: t)
                if mask != Expectations.mask(hex: e.mask_hex, count: t.rowCount) {
                    failures.append("[\(e.tree)] \(e.expression): \(mask.filter { $0 }.count) selected, numpy \(e.selected)")
                }
            } catch {
                failures.append("[\(e.tree)] \(e.expression): threw \(error)")
            }
        }
        XCTAssertTrue(failures.isEmpty, failures.joined(separator: "\n"))
    }
}
