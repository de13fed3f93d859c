import Foundation
import TestSupport
import XCTest
@testable import ROOTIO

/// Broken and hostile inputs end in a ROOTError that says where, never a trap.
final class CorruptionTests: XCTestCase {
    var original: [UInt8] = []
    var dir: URL!

    override func setUpWithError() throws {
        original = Array(try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("rootio/types-zlib.root"))))
        dir = try Fixtures.temporaryDirectory("corrupt")
    }

    override func tearDown() { try? FileManager.default.removeItem(at: dir) }

    func write(_ bytes: [UInt8], _ name: String) throws -> String {
        let url = dir.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    /// Opens and reads every tree fully; returns the error if any.
    func readAll(_ path: String) -> Error? {
        do {
            let f = try ROOTFile(path: path)
            for t in try f.treePaths() { _ = try f.tree(t).arrays() }
            return nil
        } catch { return error }
    }

    func testNotROOTAndEmptyFiles() throws {
        let e = readAll(try write(Array("hello, this is not a ROOT file at all".utf8), "text.root")) as? ROOTError
        XCTAssertEqual(e?.kind, .notROOT)
        XCTAssertTrue(e!.description.contains("text.root"))
        XCTAssertNotNil(readAll(try write([], "empty.root")) as? ROOTError)
        XCTAssertEqual((readAll("/nonexistent/x.root") as? ROOTError)?.kind, .io)
    }

    func testTruncationsAreCleanErrors() throws {
        let size = original.count
        for k in 1...20 {
            let cut = size * k / 21
            let err = readAll(try write(Array(original[0..<cut]), "cut\(k).root"))
            XCTAssertNotNil(err, "cut at \(cut) read without error")
            guard let r = err as? ROOTError else { return XCTFail("not a ROOTError: \(String(describing: err))") }
            XCTAssertNotNil(r.file, "\(r)")
        }
    }

    func testBasketWithWrongChecksumOrSizeNamesTheBranch() throws {
        // Flip a byte inside branch f8's first compressed basket payload.
        let tree = try ROOTFile(path: Fixtures.path("rootio/types-zlib.root")).tree("t")
        let b = try tree.branch("i8")          // 366 bytes uncompressed vs 355 compressed: zlib baskets
        let seek = Int(b.basketSeek[0]), bytes = Int(b.basketBytes[0])
        var flipped = original
        flipped[seek + bytes - 6] ^= 0x5a
        let e = readAll(try write(flipped, "flip.root")) as? ROOTError
        XCTAssertNotNil(e)
        XCTAssertTrue(e!.description.contains("branch i8"), "\(e!)")
        XCTAssertTrue(e!.description.contains("byte"), "\(e!)")
        // A basket size (fNbytes in its key) that disagrees with the branch's fBasketBytes.
        var resized = original
        resized[seek + 3] &+= 100
        let r = readAll(try write(resized, "size.root")) as? ROOTError
        XCTAssertNotNil(r)
        XCTAssertTrue(r!.description.contains("branch i8"), "\(r!)")
    }

    func testSeededByteFlipsNeverTrap() throws {
        var rng = SplitMix(seed: 42)
        var errors = 0
        for i in 0..<150 {
            var bytes = original
            let n = 1 + Int(rng.next() % 4)
            for _ in 0..<n { bytes[Int(rng.next() % UInt64(bytes.count))] ^= UInt8(1 + rng.next() % 255) }
            if let e = readAll(try write(bytes, "flip\(i).root")) {
                XCTAssertTrue(e is ROOTError, "\(e)")
                errors += 1
            }
        }
        XCTAssertGreaterThan(errors, 0)
    }
}

struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
