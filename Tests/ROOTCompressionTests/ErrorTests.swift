import XCTest
@testable import ROOTCompression

/// Every malformed input must fail with a typed error that says where, never trap or allocate wildly.
final class ErrorTests: XCTestCase {
    let data = floatLikeBytes(count: 20_000, seed: 3)

    func packed(_ alg: CompressionAlgorithm, level: Int = 5) throws -> [UInt8] {
        let p = try ROOTCompressor.compress(data, settings: .init(algorithm: alg, level: level))
        XCTAssertLessThan(p.count, data.count)
        return p
    }

    func expectError(_ input: [UInt8], size: Int, file: StaticString = #filePath, line: UInt = #line,
                     _ check: (CompressionError) -> Void) {
        // Both entry points must agree that the input is bad.
        XCTAssertThrowsError(try ROOTDecompressor.decompress(input, uncompressedSize: size), file: file, line: line) { e in
            guard let ce = e as? CompressionError else { return XCTFail("not a CompressionError: \(e)", file: file, line: line) }
            check(ce)
            XCTAssertFalse(ce.description.isEmpty)
        }
        var out = [UInt8](repeating: 0, count: min(size, 1 << 26))
        XCTAssertThrowsError(try input.withUnsafeBytes { i in try out.withUnsafeMutableBytes { try ROOTDecompressor.decompress(i, into: $0) } },
                             file: file, line: line)
    }

    static func setU24(_ b: inout [UInt8], at i: Int, _ v: Int) {
        b[i] = UInt8(v & 0xff); b[i + 1] = UInt8(v >> 8 & 0xff); b[i + 2] = UInt8(v >> 16 & 0xff)
    }

    func testUnknownTag() throws {
        var p = try packed(.zlib)
        p[0] = 0x51; p[1] = 0x51
        expectError(p, size: data.count) { XCTAssertEqual($0, .unknownAlgorithm(tag: [0x51, 0x51], offset: 0)) }
        p[0] = 0; p[1] = 0xff
        expectError(p, size: data.count) { XCTAssertEqual($0, .unknownAlgorithm(tag: [0, 0xff], offset: 0)) }
    }

    func testOldROOTTagIsAClearError() throws {
        var p = try packed(.zlib)
        p[0] = UInt8(ascii: "C"); p[1] = UInt8(ascii: "S")
        expectError(p, size: data.count) {
            XCTAssertEqual($0, .unsupportedOldROOTAlgorithm(offset: 0))
            XCTAssertTrue($0.description.contains("CS"))
        }
    }

    func testTruncatedHeader() throws {
        let p = try packed(.zstd)
        expectError(Array(p.prefix(5)), size: data.count) { XCTAssertEqual($0, .truncatedHeader(offset: 0, available: 5)) }
        expectError([], size: data.count) { XCTAssertEqual($0, .truncatedHeader(offset: 0, available: 0)) }
        // A second block's header cut short: the object declares more bytes than the first block holds.
        var q = p
        Self.setU24(&q, at: 6, data.count)
        q.append(contentsOf: [UInt8(ascii: "Z"), UInt8(ascii: "S"), 1, 4])
        expectError(q, size: data.count + 10) { XCTAssertEqual($0, .truncatedHeader(offset: p.count, available: 4)) }
    }

    func testTruncatedPayload() throws {
        for alg in [CompressionAlgorithm.zlib, .lzma, .lz4, .zstd] {
            let p = try packed(alg)
            let c = p.count - 9
            expectError(Array(p.dropLast(10)), size: data.count) {
                XCTAssertEqual($0, .truncatedPayload(offset: 0, declared: c, available: c - 10), "\(alg)")
            }
        }
    }

    func testUncompressedSizeFieldDisagreesWithPayload() throws {
        for alg in [CompressionAlgorithm.zlib, .lzma, .lz4, .zstd] {
            for decoder in ZlibDecoder.allCases {
                // Header says one byte fewer than the payload holds.
                var p = try packed(alg)
                Self.setU24(&p, at: 6, data.count - 1)
                XCTAssertThrowsError(try ROOTDecompressor.decompress(p, uncompressedSize: data.count - 1, zlibDecoder: decoder)) {
                    guard case let .sizeMismatch(offset, a, declared, produced)? = $0 as? CompressionError else {
                        return XCTFail("\(alg) \(decoder): \($0)")
                    }
                    XCTAssertEqual(offset, 0); XCTAssertEqual(a, alg); XCTAssertEqual(declared, self.data.count - 1)
                    XCTAssertGreaterThan(produced, declared)
                }
                // Header says one byte more.
                Self.setU24(&p, at: 6, data.count + 1)
                XCTAssertThrowsError(try ROOTDecompressor.decompress(p, uncompressedSize: data.count + 1, zlibDecoder: decoder)) {
                    guard let e = $0 as? CompressionError else { return XCTFail("\($0)") }
                    XCTAssertEqual(e.offset, 0, "\(alg) \(decoder)")
                    if case let .sizeMismatch(_, a, declared, produced) = e {
                        XCTAssertEqual(a, alg); XCTAssertEqual(declared, self.data.count + 1); XCTAssertEqual(produced, self.data.count)
                    } else if case .corruptPayload(_, let a, _) = e {
                        XCTAssertEqual(a, alg)  // liblzma reports a short stream as a buffer error
                    } else {
                        XCTFail("\(alg) \(decoder): \(e)")
                    }
                }
            }
        }
    }

    func testCompressedSizeFieldTooSmall() throws {
        for alg in [CompressionAlgorithm.zlib, .lzma, .lz4, .zstd] {
            var p = try packed(alg)
            Self.setU24(&p, at: 3, p.count - 9 - 16)
            // The last 16 bytes are now outside the block: either the codec fails or they are trailing bytes.
            expectError(p, size: data.count) { XCTAssertNotNil($0.offset, "\(alg)") }
            expectError(Array(p.dropLast(16)), size: data.count) { e in
                switch e {
                case .corruptPayload(0, alg, _), .sizeMismatch(0, alg, _, _), .checksumMismatch(9, _, _): break
                default: XCTFail("\(alg): \(e)")
                }
            }
        }
    }

    func testWrongLZ4Checksum() throws {
        var p = try packed(.lz4)
        let stored = p[9..<17].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        p[12] ^= 0x10
        expectError(p, size: data.count) { e in
            guard case let .checksumMismatch(offset, s, c) = e else { return XCTFail("\(e)") }
            XCTAssertEqual(offset, 9)
            XCTAssertEqual(c, stored)
            XCTAssertEqual(s, stored ^ (UInt64(0x10) << 32))
        }
        // The checksum covers the payload too.
        var q = try packed(.lz4)
        q[q.count / 2] ^= 0x01
        expectError(q, size: data.count) { XCTAssertEqual($0.offset, 9) }
        // With verification off, a bad checksum over a good payload still decodes.
        XCTAssertEqual(try ROOTDecompressor.decompress(p, uncompressedSize: data.count, verifyLZ4Checksum: false), data)
    }

    func testLZ4PayloadShorterThanItsChecksum() {
        let p: [UInt8] = [0x4C, 0x34, 1, 4, 0, 0, 10, 0, 0, 1, 2, 3, 4]
        expectError(p, size: 10) {
            guard case .invalidBlockHeader(0, _) = $0 else { return XCTFail("\($0)") }
        }
    }

    func testCorruptedPayloads() throws {
        for alg in [CompressionAlgorithm.zlib, .lzma, .zstd, .lz4] {
            // Damage the payload's own magic/header bytes: every codec must reject it.
            var p = try packed(alg)
            let first = alg == .lz4 ? 17 : 9
            for i in first..<(first + 4) { p[i] ^= 0xA5 }
            if alg == .lz4 {  // keep the checksum right so the LZ4 decoder itself sees the damage
                let h = XXHash64.hash(Array(p[17...]))
                for i in 0..<8 { p[9 + i] = UInt8(truncatingIfNeeded: h >> (56 - 8 * UInt64(i))) }
            }
            for decoder in ZlibDecoder.allCases {
                XCTAssertThrowsError(try ROOTDecompressor.decompress(p, uncompressedSize: data.count, zlibDecoder: decoder)) { e in
                    switch e as? CompressionError {
                    case .corruptPayload(0, alg, _)?, .sizeMismatch(0, alg, _, _)?: break
                    default: XCTFail("\(alg) \(decoder): \(e)")
                    }
                }
            }
        }
        // Damage in the middle of zlib, lzma and (our) zstd streams is caught by their adler32 / CRC32 / XXH64 checks.
        for alg in [CompressionAlgorithm.zlib, .lzma, .zstd] {
            var p = try packed(alg)
            for i in stride(from: p.count / 3, to: p.count / 3 + 40, by: 4) { p[i] ^= 0x5A }
            expectError(p, size: data.count) { e in
                switch e {
                case .corruptPayload(0, alg, _), .sizeMismatch(0, alg, _, _): break
                default: XCTFail("\(alg): \(e)")
                }
            }
        }
    }

    func testDeclaredSizeLargerThanExpectedOutput() throws {
        var p = try packed(.zlib)
        Self.setU24(&p, at: 6, 0xff_ffff)
        expectError(p, size: data.count) { XCTAssertEqual($0, .declaredSizeTooLarge(offset: 0, declared: 0xff_ffff, remaining: self.data.count)) }
        // Expected size smaller than the (correct) header.
        let q = try packed(.zstd)
        expectError(q, size: 100) { XCTAssertEqual($0, .declaredSizeTooLarge(offset: 0, declared: self.data.count, remaining: 100)) }
        // In a later block: two copies of the object, expected total one byte short.
        let two = q + q
        XCTAssertEqual(try ROOTDecompressor.decompress(two, uncompressedSize: 2 * data.count), data + data)
        expectError(two, size: 2 * data.count - 1) {
            XCTAssertEqual($0, .declaredSizeTooLarge(offset: q.count, declared: self.data.count, remaining: self.data.count - 1))
        }
    }

    func testHugeExpectedSizeFailsBeforeAllocating() throws {
        // A corrupt key claiming a terabyte must fail on the framing, not try to allocate.
        let p = try packed(.lz4)
        XCTAssertThrowsError(try ROOTDecompressor.decompress(p, uncompressedSize: 1 << 40)) {
            XCTAssertEqual($0 as? CompressionError, .truncatedHeader(offset: p.count, available: 0))
        }
        XCTAssertThrowsError(try ROOTDecompressor.decompress(p, uncompressedSize: -1)) {
            guard case .invalidArgument? = $0 as? CompressionError else { return XCTFail("\($0)") }
        }
    }

    func testErrorOffsetPointsAtTheFailingBlock() throws {
        let a = try packed(.zstd), b = try packed(.zlib)
        var two = a + b
        two[a.count + 9 + 20] ^= 0xFF
        expectError(two, size: 2 * data.count) { XCTAssertEqual($0.offset, a.count) }
    }

    func testTrailingBytesAndZeroSizes() throws {
        let p = try packed(.lzma)
        expectError(p + [1, 2, 3], size: data.count) { XCTAssertEqual($0, .trailingBytes(offset: p.count, count: 3)) }
        var z = p
        Self.setU24(&z, at: 6, 0)
        expectError(z, size: data.count) { guard case .invalidBlockHeader(0, _) = $0 else { return XCTFail("\($0)") } }
    }
}
