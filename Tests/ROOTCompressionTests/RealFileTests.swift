import Foundation
import TestSupport
import XCTest
@testable import ROOTCompression

/// A minimal walk over the keys of a ROOT file, enough to find compressed objects.
///
/// | file offset | field                                                            |
/// |-------------|------------------------------------------------------------------|
/// | 0..<4       | "root"                                                           |
/// | 4..<8       | fVersion (big-endian int32; >= 1000000 means 64-bit seeks)       |
/// | 8..<12      | fBEGIN: offset of the first key                                  |
/// | 12..        | fEND: int32, or int64 when fVersion >= 1000000                   |
/// Records follow from fBEGIN to fEND: a negative int32 length marks a free gap of that many bytes,
/// otherwise a TKey: Nbytes i32, Version i16, ObjLen i32, Datime u32, KeyLen i16, Cycle i16, SeekKey, SeekPdir,
/// ClassName, Name, Title (ROOT strings); the object's bytes are [start + KeyLen, start + Nbytes).
struct KeyScanner {
    struct Key { let start: Int; let keyLength: Int; let totalBytes: Int; let objectLength: Int; let className: String }

    let bytes: [UInt8]

    func be<T: FixedWidthInteger>(_ at: Int, _: T.Type) -> T? {
        guard at >= 0, at + MemoryLayout<T>.size <= bytes.count else { return nil }
        return bytes[at ..< at + MemoryLayout<T>.size].reduce(T.zero) { $0 << 8 | T($1) }
    }

    func keys() -> [Key]? {
        guard bytes.count > 24, bytes.prefix(4).elementsEqual("root".utf8),
              let version = be(4, Int32.self), let begin = be(8, Int32.self) else { return nil }
        let end: Int
        if version >= 1_000_000 { guard let e = be(12, Int64.self) else { return nil }; end = Int(e) }
        else { guard let e = be(12, Int32.self) else { return nil }; end = Int(e) }
        var out = [Key](), pos = Int(begin)
        while pos < min(end, bytes.count) {
            guard let n = be(pos, Int32.self), n != 0 else { return out }
            if n < 0 { pos += Int(-n); continue }
            guard let keyVersion = be(pos + 4, Int16.self), let objLen = be(pos + 6, Int32.self),
                  let keyLen = be(pos + 14, Int16.self), keyLen > 0, Int(n) >= Int(keyLen) else { return out }
            var c = pos + 18 + (keyVersion > 1000 ? 16 : 8)
            guard c < bytes.count else { return out }
            var len = Int(bytes[c]); c += 1
            if len == 255 { guard let l = be(c, Int32.self) else { return out }; len = Int(l); c += 4 }
            guard c + len <= bytes.count else { return out }
            let cls = String(decoding: bytes[c ..< c + len], as: UTF8.self)
            out.append(Key(start: pos, keyLength: Int(keyLen), totalBytes: Int(n), objectLength: Int(objLen), className: cls))
            pos += Int(n)
        }
        return out
    }
}

/// Decompresses every compressed key (including TBaskets) of the real ROOT files in ../shared/rootfiles.
final class RealFileTests: XCTestCase {
    /// $CONSERVATTACK_ROOTFILES, else rootfiles/ in the shared folder ($CONSERVATTACK_SHARED or ../shared).
    static var folder: URL? {
        if let env = ProcessInfo.processInfo.environment["CONSERVATTACK_ROOTFILES"], !env.isEmpty { return URL(fileURLWithPath: env) }
        return Fixtures.shared?.appendingPathComponent("rootfiles")
    }

    func rootFiles() throws -> [URL] {
        guard let dir = Self.folder, FileManager.default.fileExists(atPath: dir.path) else {
            throw XCTSkip("no rootfiles folder (set CONSERVATTACK_ROOTFILES or CONSERVATTACK_SHARED, or put shared/ beside the repository): real-file decompression skipped")
        }
        return try FileManager.default.contentsOfDirectory(at: dir, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "root" }.sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    /// (class, decompressed object) for every key of a file, in file order.
    func objects(_ url: URL, algorithms: inout [CompressionAlgorithm: Int]) throws -> [(String, [UInt8])] {
        let bytes = [UInt8](try Data(contentsOf: url))
        let keys = try XCTUnwrap(KeyScanner(bytes: bytes).keys(), url.lastPathComponent)
        var out = [(String, [UInt8])]()
        // RNTuple "RBlob" keys hold many independently compressed (or stored) pages back to back, not one object.
        for k in keys where k.start + k.totalBytes <= bytes.count && k.className != "RBlob" {
            let raw = Array(bytes[k.start + k.keyLength ..< k.start + k.totalBytes])
            if ROOTDecompressor.isCompressed(compressedSize: raw.count, uncompressedSize: k.objectLength) {
                if raw.count >= 2, let alg = ROOTBlockHeader.algorithm(tag: (raw[0], raw[1])) {
                    algorithms[alg, default: 0] += 1
                }
            }
            do {
                out.append((k.className, try ROOTDecompressor.decompressIfNeeded(raw, uncompressedSize: k.objectLength)))
            } catch {
                XCTFail("\(url.lastPathComponent): key \(k.className) at \(k.start): \(error)")
            }
        }
        return out
    }

    func testEveryCompressedKeyOfEveryFileDecodes() throws {
        var total: [CompressionAlgorithm: Int] = [:]
        var files = 0
        for url in try rootFiles() {
            var algs: [CompressionAlgorithm: Int] = [:]
            let objs = try objects(url, algorithms: &algs)
            XCTAssertFalse(objs.isEmpty, url.lastPathComponent)
            let name = url.lastPathComponent
            for (suffix, alg) in [("-zlib.root", CompressionAlgorithm.zlib), ("-lzma.root", .lzma), ("-lz4.root", .lz4), ("-zstd.root", .zstd)]
            where name.hasSuffix(suffix) {
                XCTAssertGreaterThan(algs[alg, default: 0], 0, "\(name) has no \(alg) keys")
            }
            total.merge(algs, uniquingKeysWith: +)
            files += 1
        }
        for alg in [CompressionAlgorithm.zlib, .lzma, .lz4, .zstd] {
            XCTAssertGreaterThan(total[alg, default: 0], 0, "no \(alg) objects in any file")
        }
        print("decoded compressed keys in \(files) files: \(total.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.key.name)=\($0.value)" })")
    }

    /// The same tree written by ROOT with different compressions holds the same basket bytes.
    func testCompressedVariantsMatchTheUncompressedFile() throws {
        let files = try rootFiles()
        var compared = 0
        let groups = [("uproot-HZZ-uncompressed.root", ["uproot-HZZ-zlib.root", "uproot-HZZ-lzma.root", "uproot-HZZ-lz4.root"]),
                      ("uproot-sample-6.20.04-uncompressed.root", ["uproot-sample-6.20.04-zlib.root", "uproot-sample-6.20.04-lzma.root", "uproot-sample-6.20.04-lz4.root"])]
        for (plainName, variants) in groups {
            guard let plainURL = files.first(where: { $0.lastPathComponent == plainName }) else { continue }
            var ignored: [CompressionAlgorithm: Int] = [:]
            let plain = try objects(plainURL, algorithms: &ignored).filter { $0.0 == "TBasket" }.map(\.1)
            XCTAssertGreaterThan(plain.count, 10, plainName)
            for v in variants {
                guard let url = files.first(where: { $0.lastPathComponent == v }) else { continue }
                let baskets = try objects(url, algorithms: &ignored).filter { $0.0 == "TBasket" }.map(\.1)
                XCTAssertEqual(Set(baskets), Set(plain), "\(v) baskets differ from \(plainName)")
                compared += 1
            }
        }
        if compared == 0 { throw XCTSkip("none of the HZZ / sample-6.20.04 compression variants are present") }
        XCTAssertEqual(compared, 6)
    }

    /// Real baskets re-compressed by us with every codec come back unchanged.
    func testRealBasketsRoundTrip() throws {
        guard let url = try rootFiles().first(where: { $0.lastPathComponent == "uproot-HZZ-uncompressed.root" }) else {
            throw XCTSkip("uproot-HZZ-uncompressed.root not present")
        }
        var ignored: [CompressionAlgorithm: Int] = [:]
        let baskets = try objects(url, algorithms: &ignored).filter { $0.0 == "TBasket" }.map(\.1)
        XCTAssertGreaterThan(baskets.count, 10)
        var shrunk = 0
        for alg in [CompressionAlgorithm.zlib, .lzma, .lz4, .zstd] {
            for b in baskets.prefix(40) {
                let p = try ROOTCompressor.compress(b, settings: .init(algorithm: alg, level: alg == .lzma ? 1 : 6))
                if p.count < b.count { shrunk += 1 }
                XCTAssertEqual(try ROOTDecompressor.decompressIfNeeded(p, uncompressedSize: b.count), b, "\(alg)")
            }
        }
        XCTAssertGreaterThan(shrunk, 80)
    }
}
