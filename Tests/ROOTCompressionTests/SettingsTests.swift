import XCTest
@testable import ROOTCompression

final class SettingsTests: XCTestCase {
    func testCodes() throws {
        XCTAssertEqual(try CompressionSettings(code: 0), .none)
        XCTAssertEqual(try CompressionSettings(code: 1), CompressionSettings(algorithm: .zlib, level: 1))
        XCTAssertEqual(try CompressionSettings(code: 9), CompressionSettings(algorithm: .zlib, level: 9))
        XCTAssertEqual(try CompressionSettings(code: 101), CompressionSettings(algorithm: .zlib, level: 1))
        XCTAssertEqual(try CompressionSettings(code: 207), CompressionSettings(algorithm: .lzma, level: 7))
        XCTAssertEqual(try CompressionSettings(code: 404), CompressionSettings(algorithm: .lz4, level: 4))
        XCTAssertEqual(try CompressionSettings(code: 505), CompressionSettings(algorithm: .zstd, level: 5))
        XCTAssertEqual(try CompressionSettings(code: 301).algorithm, .oldROOT)
        XCTAssertEqual(try CompressionSettings(code: 500), .none, "level 0 stores uncompressed")
        for code in [0, 101, 109, 201, 209, 404, 505, 301] { XCTAssertEqual(try CompressionSettings(code: code).code, code) }
        XCTAssertThrowsError(try CompressionSettings(code: -1))
        XCTAssertThrowsError(try CompressionSettings(code: 605))
        XCTAssertThrowsError(try CompressionSettings(code: 1234))
    }

    func testParsing() throws {
        XCTAssertEqual(try CompressionSettings(parsing: "zlib:1").code, 101)
        XCTAssertEqual(try CompressionSettings(parsing: "lzma:9").code, 209)
        XCTAssertEqual(try CompressionSettings(parsing: "lz4").code, 404)
        XCTAssertEqual(try CompressionSettings(parsing: "zstd:5").code, 505)
        XCTAssertEqual(try CompressionSettings(parsing: " ZSTD:3 ").code, 503)
        XCTAssertEqual(try CompressionSettings(parsing: "zlib").code, 101)
        XCTAssertEqual(try CompressionSettings(parsing: "lzma").code, 207)
        XCTAssertEqual(try CompressionSettings(parsing: "none"), .none)
        XCTAssertEqual(try CompressionSettings(parsing: "505").code, 505)
        XCTAssertEqual(try CompressionSettings(parsing: "zlib:0"), .none)
        for bad in ["", "gzip", "zlib:", "zlib:x", "zlib:100", "zlib:-1", "zstd:5:1", "none:3", ":5"] {
            XCTAssertThrowsError(try CompressionSettings(parsing: bad), "'\(bad)'") {
                guard case .invalidSettings? = $0 as? CompressionError else { return XCTFail("\($0)") }
            }
        }
        for s in ["zlib:1", "lzma:9", "lz4:4", "zstd:5", "none"] {
            XCTAssertEqual(try CompressionSettings(parsing: s).description, s)
            XCTAssertEqual(try CompressionSettings(parsing: try CompressionSettings(parsing: s).description), try CompressionSettings(parsing: s))
        }
    }

    func testLevelsClampAndNone() {
        XCTAssertEqual(CompressionSettings(algorithm: .zstd, level: 500).level, 99)
        XCTAssertEqual(CompressionSettings(algorithm: .zstd, level: 0), .none)
        XCTAssertEqual(CompressionSettings(algorithm: nil, level: 5), .none)
        XCTAssertEqual(CompressionSettings.none.code, 0)
    }

    func testHeaderBytes() throws {
        let h = try ROOTBlockHeader(algorithm: .lz4, compressedSize: 0x123456, uncompressedSize: 0xABCDEF)
        XCTAssertThrowsError(try ROOTBlockHeader(algorithm: .zlib, compressedSize: 1 << 24, uncompressedSize: 1))
        XCTAssertThrowsError(try ROOTBlockHeader(algorithm: .zlib, compressedSize: 1, uncompressedSize: -1))
        XCTAssertEqual(h.bytes, [0x4C, 0x34, 1, 0x56, 0x34, 0x12, 0xEF, 0xCD, 0xAB])
        let parsed = try h.bytes.withUnsafeBytes { try ROOTBlockHeader(parsing: $0, at: 0) }
        XCTAssertEqual(parsed, h)
        XCTAssertEqual(parsed.algorithm, .lz4)
        XCTAssertThrowsError(try h.bytes.withUnsafeBytes { try ROOTBlockHeader(parsing: $0, at: 1) }) {
            XCTAssertEqual($0 as? CompressionError, .truncatedHeader(offset: 1, available: 8))
        }
    }
}
