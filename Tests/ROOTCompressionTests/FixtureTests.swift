import Foundation
import XCTest
@testable import ROOTCompression

/// The repository's fixtures/compression folder (made by fixtures/compression/make_blocks.py).
let compressionFixtures = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("fixtures/compression")

func fixtureBytes(_ name: String) throws -> [UInt8] {
    [UInt8](try Data(contentsOf: compressionFixtures.appendingPathComponent(name)))
}

/// Objects made by python's zlib/lzma, the lz4 and zstandard packages and uproot's compression module.
final class FixtureTests: XCTestCase {
    struct Entry { let name: String; let size: Int }

    func manifest() throws -> [Entry] {
        let text = try String(contentsOf: compressionFixtures.appendingPathComponent("manifest.txt"), encoding: .utf8)
        return text.split(separator: "\n").compactMap { line in
            let f = line.split(separator: " ")
            guard f.count >= 2, let n = Int(f[1]) else { return nil }
            return Entry(name: String(f[0]), size: n)
        }
    }

    func testIndependentProducersDecode() throws {
        let entries = try manifest()
        XCTAssertEqual(entries.count, 11)
        for e in entries {
            let packed = try fixtureBytes(e.name + ".rootz"), plain = try fixtureBytes(e.name + ".plain")
            XCTAssertEqual(plain.count, e.size, e.name)
            for d in ZlibDecoder.allCases {
                XCTAssertEqual(try ROOTDecompressor.decompress(packed, uncompressedSize: e.size, zlibDecoder: d), plain, "\(e.name) \(d)")
            }
        }
    }

    func testFixtureFramingMatchesItsName() throws {
        let headers = try fixtureBytes("mixed_blocks.rootz").withUnsafeBytes { try ROOTDecompressor.blockHeaders($0) }
        XCTAssertEqual(headers.map(\.algorithm), [.zlib, .zstd, .lz4])
        XCTAssertEqual(headers.reduce(0) { $0 + $1.uncompressedSize }, try fixtureBytes("mixed_blocks.plain").count)
        for (name, alg) in [("uproot_zlib", CompressionAlgorithm.zlib), ("uproot_lzma", .lzma), ("uproot_lz4", .lz4), ("uproot_zstd", .zstd)] {
            let h = try fixtureBytes(name + ".rootz").withUnsafeBytes { try ROOTDecompressor.blockHeaders($0) }
            XCTAssertEqual(h.map(\.algorithm), [alg], name)
            // uproot writes the same method bytes we do.
            XCTAssertEqual(h.first?.method, ROOTBlockHeader.method(for: alg), name)
        }
    }

    func testXXH64KnownAnswers() throws {
        // Published reference values.
        XCTAssertEqual(XXHash64.hash([UInt8]()), 0xEF46_DB37_51D8_E999)
        XCTAssertEqual(XXHash64.hash(Array("a".utf8)), 0xD24E_C4F1_A98C_6E5B)
        XCTAssertEqual(XXHash64.hash(Array("abc".utf8)), 0x44BC_2CF5_AD77_0999)
        // The xxhash package over lengths that exercise every tail path, with several seeds.
        let text = try String(contentsOf: compressionFixtures.appendingPathComponent("xxh64.txt"), encoding: .utf8)
        var checked = 0
        for line in text.split(separator: "\n") {
            let f = line.split(separator: " ")
            guard f.count == 3, let n = Int(f[0]), let seed = UInt64(f[1]), let want = UInt64(f[2], radix: 16) else {
                return XCTFail("bad line \(line)")
            }
            let bytes = (0..<n).map { UInt8(($0 * 31 + 7) % 256) }
            XCTAssertEqual(XXHash64.hash(bytes, seed: seed), want, "length \(n) seed \(seed)")
            checked += 1
        }
        XCTAssertEqual(checked, 54)
    }

    func testXXH64OfUnalignedSlices() {
        // The same bytes at every alignment hash the same.
        let base = (0..<200).map { UInt8(($0 * 31 + 7) % 256) }
        let want = XXHash64.hash(Array(base[0..<100]))
        for shift in 1..<9 {
            let padded = [UInt8](repeating: 0, count: shift) + Array(base[0..<100])
            let h = padded.withUnsafeBytes { XXHash64.hash(UnsafeRawBufferPointer(rebasing: $0[shift...])) }
            XCTAssertEqual(h, want, "shift \(shift)")
        }
    }
}
