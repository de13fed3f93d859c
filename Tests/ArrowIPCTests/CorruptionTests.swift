import Foundation
import XCTest
@testable import ArrowIPC
import Columnar

/// Truncated, bit-flipped and hand-crafted hostile files must give `ArrowError`s, never traps.
final class CorruptionTests: XCTestCase {
    /// A small file of ours with every layout and two record batches.
    private func sampleFile() throws -> [UInt8] {
        let dir = try TestSupport.temporaryDirectory(self)
        let path = dir.appendingPathComponent("s.arrow").path
        var t = try TestSupport.nestedTable(rows: 5)
        try t.add("b", Column(.bool([true, false, true, true, false])))
        try ArrowFileWriter.write(t, to: path, metadata: ["k": "v"], rowsPerBatch: 3)
        return try ArrowFileInspector.readAll(path: path)
    }

    private func fixtureBytes(_ name: String) throws -> [UInt8] {
        try ArrowFileInspector.readAll(path: TestSupport.fixtures.appendingPathComponent(name).path)
    }

    func testEveryTruncationThrows() throws {
        for bytes in [try sampleFile(), try fixtureBytes("pa_nested_batches.feather")] {
            XCTAssertNoThrow(try ArrowFileReader.read(bytes: bytes))
            for n in 0..<bytes.count {
                XCTAssertThrowsError(try ArrowFileReader.read(bytes: Array(bytes[0..<n])), "prefix \(n)") { error in
                    XCTAssertTrue(error is ArrowError, "prefix \(n): \(error)")
                    if n < 18, case .truncated(_, let offset, _, let available) = error as? ArrowError {
                        XCTAssertEqual(offset, 0); XCTAssertEqual(available, n)
                    } else if n < 18 {
                        XCTFail("prefix \(n): expected .truncated, got \(error)")
                    }
                }
            }
        }
    }

    func testEveryByteCorruptionIsAnErrorOrAReadNeverATrap() throws {
        for bytes in [try sampleFile(), try fixtureBytes("pa_dtypes.arrow")] {
            var errors = 0, reads = 0
            for i in 0..<bytes.count {
                for value in [bytes[i] ^ 0xFF, 0x00, 0x7F, bytes[i] ^ 0x01] where value != bytes[i] {
                    var b = bytes
                    b[i] = value
                    do {
                        let (table, _) = try ArrowFileReader.read(bytes: b)
                        _ = table.rowCount
                        reads += 1
                    } catch {
                        XCTAssertTrue(error is ArrowError, "byte \(i) = \(value): \(error)")
                        errors += 1
                    }
                }
            }
            // Data bytes may change values silently; metadata and magic damage must be caught often.
            XCTAssertGreaterThan(errors, bytes.count / 4, "errors \(errors), clean reads \(reads)")
        }
    }

    func testMagicDamageIsReportedWithItsOffset() throws {
        var bytes = try sampleFile()
        bytes[2] = UInt8(ascii: "X")
        XCTAssertThrowsError(try ArrowFileReader.read(bytes: bytes)) { XCTAssertEqual($0 as? ArrowError, .badMagic(offset: 0)) }
        bytes = try sampleFile()
        bytes[bytes.count - 1] = 0
        XCTAssertThrowsError(try ArrowFileReader.read(bytes: bytes)) {
            XCTAssertEqual($0 as? ArrowError, .badMagic(offset: bytes.count - 6))
        }
    }

    func testHostileFooterSizeAndBlocks() throws {
        let good = try sampleFile()
        let size = good.count
        func withInt32(_ v: Int32, at: Int, in b: [UInt8]) -> [UInt8] {
            var b = b
            withUnsafeBytes(of: v.littleEndian) { for k in 0..<4 { b[at + k] = $0[k] } }
            return b
        }
        for footerSize in [Int32.max, Int32.min, -1, 0, Int32(size)] {
            XCTAssertThrowsError(try ArrowFileReader.read(bytes: withInt32(footerSize, at: size - 10, in: good))) { error in
                guard case .invalidMetadata(let what, let offset, _) = error as? ArrowError else { return XCTFail("\(error)") }
                XCTAssertEqual(what, "footer size"); XCTAssertEqual(offset, size - 10)
            }
        }
        // Point every record batch block far outside the file: each read must fail naming the block.
        let blockStarts = try blockOffsets(in: good)
        XCTAssertEqual(blockStarts.count, 2)
        for at in blockStarts {
            var b = good
            withUnsafeBytes(of: Int64(1 << 40).littleEndian) { for k in 0..<8 { b[at + k] = $0[k] } }
            XCTAssertThrowsError(try ArrowFileReader.read(bytes: b)) { error in
                guard case .invalidMetadata(let what, _, _) = error as? ArrowError else { return XCTFail("\(error)") }
                XCTAssertTrue(what.hasPrefix("record batch"), what)
            }
        }
    }

    func testMissingFileIsAnIOError() {
        XCTAssertThrowsError(try ArrowFileReader.read(path: "/nonexistent/dir/x.arrow")) { error in
            guard case .io(let path, let op, _) = error as? ArrowError else { return XCTFail("\(error)") }
            XCTAssertEqual(path, "/nonexistent/dir/x.arrow"); XCTAssertEqual(op, "open")
        }
    }

    /// Absolute positions of the Block.offset fields in the footer of `bytes`.
    private func blockOffsets(in bytes: [UInt8]) throws -> [Int] {
        let size = bytes.count
        let footerSize = Int(bytes.withUnsafeBytes { $0.loadLE(size - 10, as: Int32.self) })
        let footerStart = size - 10 - footerSize
        let footer = try FlatBufferReader(bytes: Array(bytes[footerStart..<(size - 10)]), fileOffset: footerStart, what: "Footer").root()
        let (start, count) = try XCTUnwrap(try footer.vector(3, elementSize: 24, "blocks"))
        return (0..<count).map { footerStart + start + 24 * $0 }
    }
}

/// Seeded random multi-byte damage concentrated on the metadata (schema message and footer).
final class RandomCorruptionTests: XCTestCase {
    /// SplitMix64: reproducible across platforms.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    func testRandomMultiByteDamageNeverTraps() throws {
        let dir = try TestSupport.temporaryDirectory(self)
        let path = dir.appendingPathComponent("r.arrow").path
        try ArrowFileWriter.write(try TestSupport.nestedTable(rows: 9), to: path, metadata: ["a": "b"], rowsPerBatch: 4)
        let good = try ArrowFileInspector.readAll(path: path)
        var rng = SplitMix(state: 2603_13970)
        var errors = 0
        for _ in 0..<3000 {
            var b = good
            for _ in 0..<Int.random(in: 1...6, using: &rng) {
                // Half the hits land in the first 1 KiB (schema message) or the last 1 KiB (footer).
                let region = Int.random(in: 0..<4, using: &rng)
                let i = region == 0 ? Int.random(in: 0..<min(1024, b.count), using: &rng)
                      : region == 1 ? Int.random(in: max(0, b.count - 1024)..<b.count, using: &rng)
                      : Int.random(in: 0..<b.count, using: &rng)
                b[i] = UInt8.random(in: 0...255, using: &rng)
            }
            do { _ = try ArrowFileReader.read(bytes: b) } catch {
                XCTAssertTrue(error is ArrowError, "\(error)")
                errors += 1
            }
        }
        XCTAssertGreaterThan(errors, 300)
    }
}
