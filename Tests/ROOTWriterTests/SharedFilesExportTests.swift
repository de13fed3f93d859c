import Columnar
import Foundation
import ROOTIO
@testable import ROOTWriter
import TestSupport
import XCTest

/// Every real file in the shared folder's rootfiles/ ($CONSERVATTACK_SHARED, else ../shared beside the repository): read its numeric branches, write them to a new file, and
/// the digest of the new file must equal the input's for every numeric branch.
/// Mapping: tree path and branch path '/' → '_' (we write flat, top-level names); records are compared on
/// dtype, count, sum, min, max, nonfinite, first, last, kind, shape, counts_sum, counts_first
/// (typename/interpretation differ by design: `vector<float>` is written as `Jet_pt[nJet]/F`).
final class SharedFilesExportTests: XCTestCase {
    static var sharedDir: String? { Fixtures.shared?.appendingPathComponent("rootfiles").path }
    static let compared: Set<String> = ["dtype", "count", "sum", "min", "max", "nonfinite", "first", "last", "kind", "shape",
                                        "counts_sum", "counts_first"]

    /// The branches that can be read (a branch neither we nor uproot can read, e.g. uproot-mc10events.root's
    /// empty `std::bitset<256>` entries, is left out, as `export` leaves it out with a warning).
    static func readable(_ tree: TTree, _ names: [String]) throws -> EventTable {
        if let all = try? tree.arrays(names) { return all }
        var table = EventTable(rowCount: tree.entryCount)
        for n in names {
            guard let c = try? tree.column(n) else { continue }
            try table.add(n, c)
        }
        return table
    }

    func testExportKeepsEveryNumericBranchDigest() throws {
        guard let dir = Self.sharedDir, let names = try? FileManager.default.contentsOfDirectory(atPath: dir) else {
            throw XCTSkip("shared rootfiles/ not present (set CONSERVATTACK_SHARED or put shared/ beside the repository): export test skipped")
        }
        let out = try TestSupport.scratch("export")
        var filesCompared = 0, branchesCompared = 0, skipped: [String] = []
        for name in names.sorted() where name.hasSuffix(".root") {
            let input = try ROOTFile(path: dir + "/" + name)
            var tables: [(String, EventTable)] = []
            for path in try input.treePaths() {
                let tree = try input.tree(path)
                let numeric = tree.numericBranchNames
                guard !numeric.isEmpty else { continue }
                tables.append((TreeSchema.flatName(path), try Self.readable(tree, numeric)))
            }
            guard !tables.isEmpty else { skipped.append(name); continue }
            let outPath = out + "/" + name
            try ROOTFileWriter.write(tables: tables, to: outPath)
            let output = try ROOTFile(path: outPath)
            let before = try FileDigest.digest(input, fileName: name)
            let after = try FileDigest.digest(output, fileName: name)
            guard let treesIn = field(before, "trees"), let treesOut = field(after, "trees"), case .object(let inTrees) = treesIn else {
                XCTFail("\(name): digest without trees"); continue
            }
            for (treePath, treeDigest) in inTrees {
                guard tables.contains(where: { $0.0 == TreeSchema.flatName(treePath) }) else { continue }
                guard let outTree = field(treesOut, TreeSchema.flatName(treePath)),
                      case .object(let inBranches)? = field(treeDigest, "branches") else {
                    XCTFail("\(name): tree \(treePath) missing after export"); continue
                }
                XCTAssertEqual(field(outTree, "entries"), field(treeDigest, "entries"), "\(name) \(treePath) entries")
                for (branchPath, record) in inBranches {
                    guard case .string(let kind)? = field(record, "kind"), kind != "other" else { continue }
                    guard let outRecord = field(field(outTree, "branches") ?? .null, TreeSchema.flatName(branchPath)) else {
                        XCTFail("\(name) \(treePath): branch \(branchPath) missing after export"); continue
                    }
                    XCTAssertEqual(subset(outRecord), subset(record), "\(name) \(treePath) \(branchPath)")
                    branchesCompared += 1
                }
            }
            filesCompared += 1
        }
        print("export: \(filesCompared) files, \(branchesCompared) numeric branches compared; skipped (no numeric tree branches): \(skipped)")
        XCTAssertGreaterThan(filesCompared, 0)
    }

    func field(_ v: JSONValue, _ key: String) -> JSONValue? {
        guard case .object(let pairs) = v else { return nil }
        return pairs.first { $0.0 == key }?.1
    }

    func subset(_ v: JSONValue) -> JSONValue {
        guard case .object(let pairs) = v else { return v }
        return .object(pairs.filter { Self.compared.contains($0.0) })
    }
}
