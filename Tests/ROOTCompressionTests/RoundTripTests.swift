import Foundation
import XCTest
@testable import ROOTCompression

/// Test data that looks like a basket of big-endian floats: compressible but not trivially.
func floatLikeBytes(count: Int, seed: UInt64 = 42) -> [UInt8] {
    var rng = seed
    var out = [UInt8](); out.reserveCapacity(count)
    var x: Float = 0
    while out.count < count {
        rng = rng &* 6364136223846793005 &+ 1442695040888963407
        let noise = Float(rng >> 40) / Float(1 << 24) - 0.5
        x = 0.9 * x + noise
        let quantised = (x * 256).rounded() / 256
        withUnsafeBytes(of: quantised.bitPattern.bigEndian) { out.append(contentsOf: $0) }
    }
    return Array(out.prefix(count))
}

final class RoundTripTests: XCTestCase {
    let codecs: [CompressionAlgorithm] = [.zlib, .lzma, .lz4, .zstd]

    func roundTrip(_ data: [UInt8], _ settings: CompressionSettings, file: StaticString = #filePath, line: UInt = #line) throws -> [UInt8] {
        let packed = try ROOTCompressor.compress(data, settings: settings)
        XCTAssertLessThan(packed.count, data.count, "\(settings) did not shrink \(data.count) bytes", file: file, line: line)
        let tag = String(decoding: packed.prefix(2), as: UTF8.self)
        XCTAssertEqual(tag, settings.algorithm?.tag, file: file, line: line)
        let back = try ROOTDecompressor.decompress(packed, uncompressedSize: data.count)
        XCTAssertEqual(back, data, "\(settings) round trip differs", file: file, line: line)
        return packed
    }

    func testEveryCodecAndSeveralLevels() throws {
        let data = floatLikeBytes(count: 100_000)
        for alg in codecs {
            for level in [1, 4, 9] {
                _ = try roundTrip(data, CompressionSettings(algorithm: alg, level: level))
            }
        }
    }

    func testHigherZlibLevelIsNotLarger() throws {
        let data = floatLikeBytes(count: 200_000)
        let fast = try ROOTCompressor.compress(data, settings: .init(algorithm: .zlib, level: 1))
        let best = try ROOTCompressor.compress(data, settings: .init(algorithm: .zlib, level: 9))
        XCTAssertLessThanOrEqual(best.count, fast.count)
    }

    func testBothZlibDecodersAgree() throws {
        let data = floatLikeBytes(count: 50_000)
        let packed = try ROOTCompressor.compress(data, settings: .init(algorithm: .zlib, level: 6))
        for d in ZlibDecoder.allCases {
            XCTAssertEqual(try ROOTDecompressor.decompress(packed, uncompressedSize: data.count, zlibDecoder: d), data, "\(d)")
        }
    }

    func testMultiBlockObjectLargerThan16MiB() throws {
        let n = ROOTBlockHeader.maxBlockSize + 1_000_003  // > 16 MiB: two blocks
        let data = floatLikeBytes(count: n, seed: 7)
        for alg in codecs {
            let packed = try roundTrip(data, CompressionSettings(algorithm: alg, level: 1))
            let headers = try packed.withUnsafeBytes { try ROOTDecompressor.blockHeaders($0) }
            XCTAssertEqual(headers.count, 2, "\(alg)")
            XCTAssertEqual(headers.map(\.uncompressedSize), [ROOTBlockHeader.maxBlockSize, 1_000_003], "\(alg)")
            XCTAssertEqual(headers.reduce(0) { $0 + ROOTBlockHeader.size + $1.compressedSize }, packed.count)
        }
    }

    func testBlockSizeCutsTheObjectIntoAChainOfBlocks() throws {
        let data = floatLikeBytes(count: 100_000, seed: 3)
        for alg in codecs {
            let packed = try ROOTCompressor.compress(data, settings: .init(algorithm: alg, level: 1), blockSize: 16_384)
            let headers = try packed.withUnsafeBytes { try ROOTDecompressor.blockHeaders($0) }
            XCTAssertEqual(headers.map(\.uncompressedSize), [16_384, 16_384, 16_384, 16_384, 16_384, 16_384, 1_696], "\(alg)")
            XCTAssertEqual(try ROOTDecompressor.decompress(packed, uncompressedSize: data.count), data, "\(alg)")
        }
    }

    func testIncompressibleInputIsReturnedUnchanged() throws {
        var rng: UInt64 = 99
        let noise = (0..<4096).map { _ -> UInt8 in
            rng = rng &* 6364136223846793005 &+ 1442695040888963407; return UInt8(truncatingIfNeeded: rng >> 33)
        }
        for alg in codecs {
            XCTAssertEqual(try ROOTCompressor.compress(noise, settings: .init(algorithm: alg, level: 5)), noise, "\(alg)")
        }
        let small = floatLikeBytes(count: 1000)
        XCTAssertEqual(try ROOTCompressor.compress(small, settings: .none), small)
        XCTAssertEqual(try ROOTCompressor.compress([], settings: .init(algorithm: .zlib, level: 1)), [])
        // The stored case: equal sizes mean "not compressed".
        XCTAssertEqual(try ROOTDecompressor.decompressIfNeeded(noise, uncompressedSize: noise.count), noise)
        XCTAssertFalse(ROOTDecompressor.isCompressed(compressedSize: 10, uncompressedSize: 10))
    }

    func testOldROOTAlgorithmCannotCompress() {
        XCTAssertThrowsError(try ROOTCompressor.compress(floatLikeBytes(count: 100), settings: .init(algorithm: .oldROOT, level: 1))) {
            XCTAssertEqual($0 as? CompressionError, .unsupportedForCompression(.oldROOT))
        }
    }

    func testRawBufferDecompressIntoCallerMemory() throws {
        let data = floatLikeBytes(count: 30_000)
        let packed = try ROOTCompressor.compress(data, settings: .init(algorithm: .zstd, level: 3))
        var out = [UInt8](repeating: 0, count: data.count)
        try packed.withUnsafeBytes { inp in
            try out.withUnsafeMutableBytes { try ROOTDecompressor.decompress(inp, into: $0) }
        }
        XCTAssertEqual(out, data)
    }

    func testHeaderFieldsAndMethodBytes() throws {
        let data = floatLikeBytes(count: 5000)
        let expectMethod: [CompressionAlgorithm: UInt8] = [.zlib: 8, .lzma: 0, .lz4: 1, .zstd: 1]
        for alg in codecs {
            let packed = try ROOTCompressor.compress(data, settings: .init(algorithm: alg, level: 5))
            XCTAssertEqual(packed[2], expectMethod[alg], "\(alg)")
            let c = Int(packed[3]) | Int(packed[4]) << 8 | Int(packed[5]) << 16
            let u = Int(packed[6]) | Int(packed[7]) << 8 | Int(packed[8]) << 16
            XCTAssertEqual(c, packed.count - 9, "\(alg)")
            XCTAssertEqual(u, data.count, "\(alg)")
        }
        // zlib payload is a standard zlib stream: CMF 0x78 (deflate, 32K window), header checksum valid.
        let z = try ROOTCompressor.compress(data, settings: .init(algorithm: .zlib, level: 1))
        XCTAssertEqual(z[9], 0x78)
        XCTAssertEqual((Int(z[9]) << 8 | Int(z[10])) % 31, 0)
    }
}

final class ConcurrencyTests: XCTestCase {
    func testParallelDecodesAgree() throws {
        let data = floatLikeBytes(count: 40_000, seed: 21)
        let algs: [CompressionAlgorithm] = [.zlib, .lzma, .lz4, .zstd]
        let packed = try algs.map { try ROOTCompressor.compress(data, settings: .init(algorithm: $0, level: 4)) }
        let results = UnsafeMutableBufferPointer<Bool>.allocate(capacity: 64)
        results.initialize(repeating: false)
        defer { results.deallocate() }
        DispatchQueue.concurrentPerform(iterations: 64) { i in
            let p = packed[i % packed.count]
            let out = p.withUnsafeBytes { try? ROOTDecompressor.decompress($0, uncompressedSize: data.count) }
            results[i] = out == data
        }
        XCTAssertEqual(results.filter { $0 }.count, 64)
    }
}
