import XCTest
@testable import ROOTCompression

/// Randomly damaged objects must either decode to the right size or throw a CompressionError that
/// points inside the object: never trap, hang or write out of bounds.
final class MutationTests: XCTestCase {
    func testRandomDamageNeverTraps() throws {
        let data = floatLikeBytes(count: 6000, seed: 5)
        var rng: UInt64 = 0xC0FFEE
        func next(_ n: Int) -> Int {
            rng = rng &* 6364136223846793005 &+ 1442695040888963407
            return Int((rng >> 33) % UInt64(max(n, 1)))
        }
        var thrown = 0, decoded = 0
        for alg in [CompressionAlgorithm.zlib, .lzma, .lz4, .zstd] {
            let clean = try ROOTCompressor.compress(data, settings: .init(algorithm: alg, level: 3))
            let object = clean + clean  // two blocks
            for trial in 0..<250 {
                var p = object
                switch trial % 5 {
                case 0: p[next(p.count)] ^= UInt8(1 + next(255))                    // anywhere
                case 1: p[next(9)] = UInt8(next(256))                               // first header
                case 2: p = Array(p.prefix(next(p.count)))                           // truncation
                case 3: p[clean.count + next(9)] = UInt8(next(256))                 // second header
                default: for _ in 0..<8 { p[next(p.count)] = UInt8(next(256)) }      // many
                }
                let expected = trial % 7 == 0 ? 2 * data.count - next(100) : 2 * data.count
                do {
                    let out = try ROOTDecompressor.decompress(p, uncompressedSize: expected)
                    XCTAssertEqual(out.count, expected)
                    decoded += 1
                } catch let e as CompressionError {
                    let o = try XCTUnwrap(e.offset, "\(e)")
                    XCTAssertTrue((0...p.count).contains(o), "\(alg) trial \(trial): offset \(o) outside \(p.count): \(e)")
                    thrown += 1
                }
            }
        }
        XCTAssertEqual(thrown + decoded, 1000)
        XCTAssertGreaterThan(thrown, 700, "most damage must be detected")
    }
}
