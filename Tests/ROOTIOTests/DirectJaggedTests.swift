import Columnar
import Foundation
import TestSupport
import XCTest
@testable import ROOTIO

/// The direct path for plain jagged branches (DirectJaggedDecoding.swift): the same columns, bit for bit,
/// as the general path on every jagged fixture, for whole and cut entry ranges and any thread count;
/// damaged jagged baskets end in a ROOTError that names the branch, never a trap.
final class DirectJaggedTests: XCTestCase {
    /// Trees with plain jagged branches: the fixtures (branch "j", 3 baskets) and the shared files.
    func jaggedFiles() -> [String] {
        var paths = ThreadsAndChunksTests.codecs.map { Fixtures.path("rootio/types-\($0).root") }
        if let shared = Fixtures.shared {
            for name in ["uproot-HZZ-zlib.root", "uproot-HZZ-lz4.root", "uproot-HZZ-uncompressed.root",
                         "nanoAOD_2015_CMS_Open_Data_ttbar.root"] {
                let p = shared.appendingPathComponent("rootfiles/\(name)").path
                if FileManager.default.fileExists(atPath: p) { paths.append(p) }
            }
        }
        // Optionally the reader benchmark's jagged file (bench/run.sh writes it): CONSERVATTACK_BENCH_DATA=bench/data.
        if let data = ProcessInfo.processInfo.environment["CONSERVATTACK_BENCH_DATA"], !data.isEmpty {
            let p = URL(fileURLWithPath: data).appendingPathComponent("jagged-zlib1.root").path
            if FileManager.default.fileExists(atPath: p) { paths.append(p) }
        }
        return paths
    }

    /// Bit-for-bit equality of two columns (NaN == NaN when their bits agree).
    func assertIdentical(_ x: Column, _ y: Column, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(x.dtype, y.dtype, what, file: file, line: line)
        XCTAssertEqual(x.layout, y.layout, what, file: file, line: line)
        XCTAssertEqual(x.content.toDoubles().map(\.bitPattern), y.content.toDoubles().map(\.bitPattern), what, file: file, line: line)
    }

    func testDirectPathEqualsTheGeneralPathOnEveryJaggedFixture() throws {
        var checked = 0
        for path in jaggedFiles() {
            let file = try ROOTFile(path: path)
            for treePath in try file.treePaths() {
                let tree = try file.tree(treePath)
                let jagged = tree.allBranches.filter { BranchReader.JaggedLayout(tree.interpretation(of: $0)) != nil }
                guard !jagged.isEmpty else { continue }
                // The branches with a counter and a flat one besides, in one request.
                let others = tree.allBranches.filter { b in
                    BranchReader.DirectLayout(tree.interpretation(of: b)) != nil
                }.prefix(2)
                let request = jagged + others
                let n = tree.entryCount
                let cuts = [0..<n, 0..<0, min(3, n)..<min(17, n), (n / 3)..<(n - n / 4), (n - 1)..<n, (n / 2)..<(n / 2 + 1),
                            (n / 5)..<(2 * n / 5)]
                for range in cuts where range.lowerBound <= range.upperBound {
                    let general = try BranchReader(tree: tree, threads: 1, directJagged: false).read(request, entries: range)
                    for threads in [1, 2] {
                        let direct = try BranchReader(tree: tree, threads: threads).read(request, entries: range)
                        for (k, b) in request.enumerated() {
                            assertIdentical(direct[k], general[k], "\(path) \(b.path) \(range) threads \(threads)")
                        }
                    }
                }
                checked += jagged.count
            }
        }
        XCTAssertGreaterThanOrEqual(checked, 5)
    }

    /// The fixtures' jagged baskets really take the direct path: the plan never sends them back.
    func testFixtureBasketsTakeTheDirectPath() throws {
        for codec in ThreadsAndChunksTests.codecs {
            let tree = try ROOTFile(path: Fixtures.path("rootio/types-\(codec).root")).tree("t")
            let b = try tree.branch("j")
            let layout = try XCTUnwrap(BranchReader.JaggedLayout(tree.interpretation(of: b)))
            let reader = BranchReader(tree: tree, threads: 1)
            let scratch = BranchReader.Scratch()
            let locations = try reader.baskets(of: b)
            XCTAssertEqual(locations.count, 3)
            for range in [0..<tree.entryCount, 3..<17] {
                var items = 0
                for loc in locations where loc.entries.overlaps(range) {
                    let plan = try reader.planJagged(b, loc, layout: layout, range: range, scratch: scratch)
                    XCTAssertEqual(plan.object == nil, range.contains(loc.entries.lowerBound) && loc.entries.upperBound <= range.upperBound)
                    items += plan.items
                }
                let column = try tree.column("j", entries: range, threads: 1)
                XCTAssertEqual(items, column.content.count, "\(codec) \(range)")
            }
        }
    }

    // MARK: damaged baskets

    /// The uncompressed fixture, so the basket's object (data, then the entry-offset table) lies in the file as is.
    struct Basket {
        let seek: Int, keyLength: Int, border: Int, entries: Int
        var table: Int { seek + keyLength + border + 4 }
    }

    func firstBasketOfJ() throws -> (bytes: [UInt8], basket: Basket) {
        let path = Fixtures.path("rootio/types-none.root")
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        let b = try ROOTFile(path: path).tree("t").branch("j")
        let seek = Int(b.basketSeek[0])
        func be32(_ o: Int) -> Int { Int(Int32(bitPattern: UInt32(bytes[o]) << 24 | UInt32(bytes[o + 1]) << 16 | UInt32(bytes[o + 2]) << 8 | UInt32(bytes[o + 3]))) }
        let keyLength = Int(UInt16(bytes[seek + 14]) << 8 | UInt16(bytes[seek + 15]))
        let last = be32(seek + keyLength - 5), nevBuf = be32(seek + keyLength - 9)
        XCTAssertEqual(be32(seek + 6), be32(seek) - keyLength, "stored uncompressed")
        return (bytes, Basket(seek: seek, keyLength: keyLength, border: last - keyLength, entries: nevBuf))
    }

    func put32(_ bytes: inout [UInt8], _ o: Int, _ v: Int) {
        let u = UInt32(bitPattern: Int32(truncatingIfNeeded: v))
        for k in 0..<4 { bytes[o + k] = UInt8(truncatingIfNeeded: u >> (24 - 8 * k)) }
    }

    func testDamagedJaggedBasketsAreROOTErrorsNamingTheBranch() throws {
        let (original, k) = try firstBasketOfJ()
        XCTAssertGreaterThan(k.entries, 2)
        func offsetAt(_ bytes: [UInt8], _ i: Int) -> Int {
            let o = k.table + 4 * i
            return Int(Int32(bitPattern: UInt32(bytes[o]) << 24 | UInt32(bytes[o + 1]) << 16 | UInt32(bytes[o + 2]) << 8 | UInt32(bytes[o + 3])))
        }
        var damages: [(String, [UInt8])] = []
        var b = original
        put32(&b, k.table + 4, offsetAt(original, 2) + 4)               // entry 1 starts after entry 2
        damages.append(("decreasing offsets", b))
        b = original
        put32(&b, k.table + 8, k.keyLength + k.border + 4)             // past the data
        damages.append(("offset past the data", b))
        b = original
        put32(&b, k.table + 4, offsetAt(original, 1) + 1)               // not a whole number of floats
        damages.append(("ragged entry", b))
        b = original
        put32(&b, k.table, -1)                                           // negative offset count
        damages.append(("offset count", b))
        b = original
        put32(&b, k.table, k.entries - 1)
        damages.append(("too few offsets", b))
        b = original
        put32(&b, k.table, k.keyLength - 4)                              // the first offset before the data
        damages.append(("first offset before the data", b))
        b = original
        put32(&b, k.seek + k.keyLength - 9, k.entries + 1)               // fNevBuf disagrees with fBasketEntry
        damages.append(("fNevBuf", b))
        b = original
        put32(&b, k.seek + k.keyLength - 5, k.keyLength + k.border + 10_000)   // fLast past the object
        damages.append(("fLast", b))
        b = original
        put32(&b, k.seek + k.keyLength - 5, k.keyLength + k.border + 8)        // fLast inside the offset table
        damages.append(("fLast into the table", b))
        b = original
        put32(&b, k.seek + 6, 1 << 30)                                    // fObjlen: "compressed", huge
        damages.append(("fObjlen", b))

        let dir = try Fixtures.temporaryDirectory("jagged-damage")
        defer { try? FileManager.default.removeItem(at: dir) }
        for (i, (name, bytes)) in damages.enumerated() {
            let url = dir.appendingPathComponent("damaged\(i).root")
            try Data(bytes).write(to: url)
            let tree = try ROOTFile(path: url.path).tree("t")
            for threads in [1, 2] {
                for range in [0..<tree.entryCount, 2..<5] {
                    XCTAssertThrowsError(try tree.arrays(["j"], entries: range, threads: threads), "\(name) \(range)") { e in
                        XCTAssertTrue(e is ROOTError, "\(name): \(e)")
                        XCTAssertTrue("\(e)".contains("branch j"), "\(name): \(e)")
                    }
                }
            }
        }
    }

    /// A first entry that does not start the data is legal for the general path: the branch goes back to it.
    func testFirstEntryAfterTheDataStartFallsBackToTheGeneralPath() throws {
        let (original, k) = try firstBasketOfJ()
        var bytes = original
        func offsetAt(_ i: Int) -> Int {
            let o = k.table + 4 * i
            return Int(Int32(bitPattern: UInt32(bytes[o]) << 24 | UInt32(bytes[o + 1]) << 16 | UInt32(bytes[o + 2]) << 8 | UInt32(bytes[o + 3])))
        }
        // The first non-empty entry e loses its first item, and entries 0...e start after it.
        guard let e = (0..<(k.entries - 1)).first(where: { offsetAt($0 + 1) > offsetAt($0) }) else {
            throw XCTSkip("the fixture's first basket holds no items")
        }
        let shifted = offsetAt(e) + 4
        for i in 0...e { put32(&bytes, k.table + 4 * i, shifted) }
        let dir = try Fixtures.temporaryDirectory("jagged-shifted")
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("shifted.root")
        try Data(bytes).write(to: url)
        let tree = try ROOTFile(path: url.path).tree("t")
        let b = try tree.branch("j")
        for range in [0..<tree.entryCount, 0..<3, 2..<9] {
            let general = try BranchReader(tree: tree, threads: 1, directJagged: false).read([b], entries: range)[0]
            for threads in [1, 2] {
                assertIdentical(try BranchReader(tree: tree, threads: threads).read([b], entries: range)[0], general, "\(range)")
            }
        }
    }

    func testSeededByteFlipsInJaggedBasketsNeverTrap() throws {
        let (original, k) = try firstBasketOfJ()
        let dir = try Fixtures.temporaryDirectory("jagged-flips")
        defer { try? FileManager.default.removeItem(at: dir) }
        var rng = SplitMix(seed: 7)
        let span = k.keyLength + k.border + 4 + 4 * k.entries
        for i in 0..<60 {
            var bytes = original
            for _ in 0..<(1 + Int(rng.next() % 3)) {
                bytes[k.seek + Int(rng.next() % UInt64(span))] ^= UInt8(1 + rng.next() % 255)
            }
            let url = dir.appendingPathComponent("flip\(i).root")
            try Data(bytes).write(to: url)
            do {
                let tree = try ROOTFile(path: url.path).tree("t")
                for threads in [1, 2] {
                    do { _ = try tree.arrays(["j", "nj"], threads: threads) } catch { XCTAssertTrue(error is ROOTError, "\(error)") }
                    do { _ = try tree.arrays(["j"], entries: 1..<6, threads: threads) } catch { XCTAssertTrue(error is ROOTError, "\(error)") }
                }
            } catch {
                XCTAssertTrue(error is ROOTError, "\(error)")
            }
        }
    }
}
