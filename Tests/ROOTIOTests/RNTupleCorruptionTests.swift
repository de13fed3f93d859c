import Foundation
import ROOTCompression
import TestSupport
import XCTest
@testable import ROOTIO

/// Damaged and hostile RNTuples: every failure is a ROOTError naming the file, the RNTuple and a byte offset;
/// hostile sizes fail before allocating.
final class RNTupleCorruptionTests: XCTestCase {
    static let source = Fixtures.path("rntuple/handmade.root")
    var scratch: URL!

    override func setUpWithError() throws { scratch = try Fixtures.temporaryDirectory("rntuple-corruption") }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: scratch) }

    /// The fixture with `edit` applied, as a new file.
    func patched(_ name: String, _ edit: (inout [UInt8], RNTuple) throws -> Void) throws -> String {
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: Self.source)))
        let tuple = try ROOTFile(path: Self.source).rntuple("encodings")
        try edit(&bytes, tuple)
        let url = scratch.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    /// Recomputes the XXH3 of an uncompressed envelope at `offset` of `length` bytes.
    static func reseal(_ bytes: inout [UInt8], envelopeAt offset: Int, length: Int) {
        let h = XXH3.hash64(bytes, offset ..< offset + length - 8)
        for i in 0..<8 { bytes[offset + length - 8 + i] = UInt8(truncatingIfNeeded: h >> (8 * UInt64(i))) }
    }

    /// Rewrites one big-endian UInt64 anchor field (index 0 = seek header) and the anchor checksum.
    static func setAnchorField(_ bytes: inout [UInt8], _ tuple: RNTuple, index: Int, to value: UInt64) throws {
        let key = try tuple.file.root.key("encodings")
        let fields = Int(key.seekKey) + Int(key.keyLength) + 6
        let at = fields + 8 + 8 * index
        for i in 0..<8 { bytes[at + i] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(7 - i))) }
        let h = XXH3.hash64(bytes, fields ..< fields + 64)
        for i in 0..<8 { bytes[fields + 64 + i] = UInt8(truncatingIfNeeded: h >> (8 * UInt64(7 - i))) }
    }

    /// Opens and reads everything; returns the error.
    func failure(_ path: String, _ tuple: String = "encodings") -> ROOTError? {
        do {
            _ = try ROOTFile(path: path).rntuple(tuple).arrays()
            return nil
        } catch let e as ROOTError {
            return e
        } catch {
            XCTFail("not a ROOTError: \(error)")
            return nil
        }
    }

    func assertLocated(_ e: ROOTError?, contains text: String, file: StaticString = #filePath, line: UInt = #line) {
        guard let e else { return XCTFail("no error", file: file, line: line) }
        XCTAssertNotNil(e.file, "\(e)", file: file, line: line)
        XCTAssertNotNil(e.offset, "\(e)", file: file, line: line)
        XCTAssertTrue("\(e)".contains(text), "\(e)", file: file, line: line)
        XCTAssertTrue("\(e)".contains("encodings"), "\(e)", file: file, line: line)
    }

    func testFlippedHeaderByteIsAChecksumError() throws {
        let path = try patched("header.root") { b, t in b[Int(t.anchor.seekHeader) + 40] ^= 0x10 }
        let e = failure(path)
        assertLocated(e, contains: "header: envelope checksum mismatch")
        XCTAssertEqual(e?.offset, Int64(try ROOTFile(path: Self.source).rntuple("encodings").anchor.seekHeader))
    }

    func testFlippedFooterByteIsAChecksumError() throws {
        let path = try patched("footer.root") { b, t in b[Int(t.anchor.seekFooter) + 20] ^= 0x01 }
        assertLocated(failure(path), contains: "footer: envelope checksum mismatch")
    }

    func testFlippedPageByteIsAPageChecksumError() throws {
        var pageOffset: Int64 = 0
        let path = try patched("page.root") { b, t in
            // The first page with a checksum.
            let page = t.metadata.clusters[0].columns.compactMap { $0 }.flatMap(\.pages).first { $0.hasChecksum }!
            pageOffset = Int64(page.locator.offset)
            b[Int(page.locator.offset) + page.locator.size / 2] ^= 0x40
        }
        let e = failure(path)
        assertLocated(e, contains: "page checksum mismatch")
        XCTAssertEqual(e?.offset, pageOffset)
        XCTAssertTrue("\(e!)".contains("field "), "\(e!)")
    }

    func testFlippedAnchorByteIsAnAnchorChecksumError() throws {
        let path = try patched("anchor.root") { b, t in
            let key = try t.file.root.key("encodings")
            b[Int(key.seekKey) + Int(key.keyLength) + 30] ^= 0x02
        }
        assertLocated(failure(path), contains: "anchor checksum mismatch")
    }

    func testTruncatedFileFailsCleanly() throws {
        let full = try Data(contentsOf: URL(fileURLWithPath: Self.source))
        let tuple = try ROOTFile(path: Self.source).rntuple("encodings")
        // Cut inside the pages (the keys list at the end goes too): the file no longer opens or reads.
        for cut in [Int(tuple.anchor.seekHeader) + 10, 2000, full.count - 10] {
            let url = scratch.appendingPathComponent("cut\(cut).root")
            try full.prefix(cut).write(to: url)
            XCTAssertThrowsError(try ROOTFile(path: url.path).rntuple("encodings").arrays(), "cut at \(cut)") { e in
                XCTAssertTrue(e is ROOTError, "\(e)")
            }
        }
    }

    func testHostileEnvelopeLengthFailsBeforeAllocating() throws {
        let path = try patched("envelope.root") { b, t in try Self.setAnchorField(&b, t, index: 2, to: 1 << 40) }   // len header
        let e = failure(path)
        assertLocated(e, contains: "over the limit")
        XCTAssertEqual(e?.kind, .limit)
    }

    func testHostileNbytesPastTheEndOfTheFile() throws {
        let path = try patched("nbytes.root") { b, t in try Self.setAnchorField(&b, t, index: 1, to: 1 << 40) }    // nbytes header
        assertLocated(failure(path), contains: "past the end of the file")
    }

    func testHostilePageElementCountFailsBeforeAllocating() throws {
        let path = try patched("pagesize.root") { b, t in
            // First page item of the first column of the first cluster in page list 0 (uncompressed envelope):
            // type/length 8, header checksum 8, summaries list 12 + 2 x 24, cluster list 12, column list 12, page list 12.
            let g = t.metadata.clusterGroups[0]
            let env = Int(g.pageListLocator.offset)
            let at = env + 8 + 8 + 12 + 2 * 24 + 12 + 12 + 12
            let count = Int32(-Int32.max)                     // 2^31 - 1 elements, with checksum
            for i in 0..<4 { b[at + i] = UInt8(truncatingIfNeeded: count >> Int32(8 * i)) }
            Self.reseal(&b, envelopeAt: env, length: Int(g.pageListLength))
        }
        let e = failure(path)
        XCTAssertNotNil(e)
        XCTAssertTrue(e?.kind == .limit || e?.kind == .malformed, "\(String(describing: e))")
        XCTAssertNotNil(e?.offset)
    }

    func testHostileListItemCountIsAnError() throws {
        let path = try patched("items.root") { b, t in
            // The header's field list frame: item count right after the first frame's size (after feature flag
            // and three strings).
            let h = Int(t.anchor.seekHeader)
            var p = h + 8 + 8
            for _ in 0..<3 { p += 4 + Int(UInt32(b[p]) | UInt32(b[p + 1]) << 8 | UInt32(b[p + 2]) << 16 | UInt32(b[p + 3]) << 24) }
            let at = p + 8
            for i in 0..<4 { b[at + i] = 0xff }
            Self.reseal(&b, envelopeAt: h, length: Int(t.anchor.lenHeader))
        }
        assertLocated(failure(path), contains: "list frame declares")
    }

    func testUnknownFeatureFlagIsUnsupported() throws {
        let path = try patched("flags.root") { b, t in
            let h = Int(t.anchor.seekHeader)
            b[h + 8] = 0x04
            Self.reseal(&b, envelopeAt: h, length: Int(t.anchor.lenHeader))
        }
        let e = failure(path)
        assertLocated(e, contains: "unknown feature flag")
        XCTAssertEqual(e?.kind, .unsupported)
    }

    /// Inputs the fuzzer found (fixtures/fuzz/FuzzRNTuple/), read as the harness reads them: errors, no traps.
    /// offsets-overflow.root: a corrupt index column whose offsets overflowed the item count (fixed: offsets
    /// must be non-negative and non-decreasing, totals capped).
    func testFuzzFindingsFailCleanly() throws {
        let dir = Fixtures.path("fuzz/FuzzRNTuple")
        let names = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".root") }
        XCTAssertFalse(names.isEmpty)
        for name in names {
            var limits = ReadLimits.default
            limits.maxObjectBytes = 1 << 26
            guard let file = try? ROOTFile(path: dir + "/" + name, limits: limits) else { continue }
            for path in (try? file.rntuplePaths()) ?? [] {
                guard let tuple = try? file.rntuple(path) else { continue }
                _ = try? tuple.arrays(threads: 1)
                for f in tuple.numericFieldNames { _ = try? tuple.column(f, threads: 1) }
                let mid = tuple.entryCount / 2
                _ = try? tuple.arrays(entries: 0..<mid, threads: 2)
                _ = try? tuple.arrays(entries: mid..<tuple.entryCount, threads: 2)
            }
        }
    }

    func testPreReleaseEpochIsAClearError() throws {
        guard let shared = Fixtures.shared else { throw XCTSkip("../shared not present") }
        let path = shared.appendingPathComponent("rootfiles/rntuple/test_ntuple_soa.root").path
        let file = try ROOTFile(path: path)
        XCTAssertEqual(try file.rntuplePaths(), ["ntuple"])
        XCTAssertThrowsError(try file.rntuple("ntuple")) { e in
            XCTAssertTrue("\(e)".contains("RNTuple 'ntuple' has anchor epoch 0 (pre-1.0 format); only 1.x is supported"), "\(e)")
        }
    }
}
