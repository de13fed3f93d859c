import Columnar
import Foundation
import ROOTCompression
@testable import ROOTWriter
import XCTest

/// The RNTuple writer's encodings, envelopes and argument checks (uproot reads the files in RNTupleUprootTests).
final class RNTupleWriterTests: XCTestCase {
    func testSplitZigzagDeltaAndBitEncodings() {
        let i16: [Int16] = [1, -1, 300, -32768]
        // zigzag: 1 → 2, -1 → 1, 300 → 600 (0x0258), -32768 → 65535; low bytes first, then high bytes.
        let zz = i16.withUnsafeBufferPointer { RNTuplePageEncoder.integers($0, split: true, zigzag: true) }
        XCTAssertEqual(zz, [0x02, 0x01, 0x58, 0xff, 0x00, 0x00, 0x02, 0xff])
        XCTAssertEqual(RNTuplePageEncoder.encode(.int16(i16), 0..<4, .zigzagSplit), zz)
        XCTAssertEqual(RNTuplePageEncoder.encode(.int16(i16), 1..<3, .plain), [0xff, 0xff, 0x2c, 0x01])
        let f: [Float] = [1.0, -2.0]   // 0x3f800000, 0xc0000000
        XCTAssertEqual(RNTuplePageEncoder.encode(.float32(f), 0..<2, .split), [0, 0, 0, 0, 0x80, 0, 0x3f, 0xc0])
        let ends: [UInt64] = [3, 3, 7]
        let delta = ends.withUnsafeBufferPointer { RNTuplePageEncoder.encodeIndex($0, .deltaSplit) }
        XCTAssertEqual(delta, [3, 0, 4] + Array(repeating: 0, count: 21))
        let plain = ends.withUnsafeBufferPointer { RNTuplePageEncoder.encodeIndex($0, .plain) }
        XCTAssertEqual(plain, [3, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 7, 0, 0, 0, 0, 0, 0, 0])
        let bits = [true, false, false, true, false, false, false, false, true, true]
        XCTAssertEqual(RNTuplePageEncoder.encode(.bool(bits), 0..<10, .bit), [0b0000_1001, 0b11])
        XCTAssertEqual(RNTuplePageEncoder.encode(.uint8([7, 9]), 0..<2, .plain), [7, 9])
    }

    func testSchemaMapsLayoutsToFieldsAndColumns() throws {
        let t = try EventTable(rowCount: 2, columns: [
            ("x", Column(.float64([1, 2]))),
            ("v", Column(jagged: .int32([1, 2, 3]), offsets: [0, 1, 3])),
            ("a", Column(.uint16([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]), layout: .fixed(shape: [2, 3]))),
            ("b", Column(.bool([true, false]))),
        ])
        let s = try RNTupleSchema(ntuple: "t", table: t, split: true)
        XCTAssertEqual(s.fields.map(\.name), ["x", "v", "_0", "a", "_0", "_0", "b"])
        XCTAssertEqual(s.fields.map(\.typeName), ["double", "std::vector<std::int32_t>", "std::int32_t",
                                                  "std::array<std::array<std::uint16_t,3>,2>", "std::array<std::uint16_t,3>",
                                                  "std::uint16_t", "bool"])
        XCTAssertEqual(s.fields.map(\.parent), [0, 1, 1, 3, 3, 4, 6])
        XCTAssertEqual(s.fields[3].arraySize, 2)
        XCTAssertEqual(s.fields[4].arraySize, 3)
        XCTAssertEqual(s.columns.map(\.type), [0x19, 0x1B, 0x13, 0x12, 0x00])
        XCTAssertEqual(s.columns.map(\.field), [0, 1, 2, 5, 6])
        XCTAssertEqual(s.columns[3].width, 6)
        let plain = try RNTupleSchema(ntuple: "t", table: t, split: false)
        XCTAssertEqual(plain.columns.map(\.type), [0x0D, 0x0F, 0x07, 0x06, 0x00])
    }

    func testEnvelopeAndAnchorChecksums() {
        let env = RNTupleBuffer.envelope(type: 2) { $0.u64(7) }
        XCTAssertEqual(env.bytes.count, 24)
        XCTAssertEqual(env.bytes[0..<8].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }, 24 << 16 | 2)
        XCTAssertEqual(XXH3.hash64(Array(env.bytes[0..<16])), env.checksum)
        XCTAssertEqual(Array(env.bytes[16...]), (0..<8).map { UInt8((env.checksum >> (8 * UInt64($0))) & 0xff) })
        let link = { (o: Int64) in RNTupleEnvelopeLink(length: 100, locator: RNTupleLocator(size: 60, offset: o)) }
        let anchor = RNTupleEnvelopes.anchor(header: link(1000), footer: link(5000))
        XCTAssertEqual(anchor.count, 78)
        XCTAssertEqual(Array(anchor[0..<6]), [0x40, 0, 0, 66, 0, 2])
        XCTAssertEqual(Array(anchor[6..<14]), [0, 1, 0, 0, 0, 0, 0, 0])
        let sum = anchor[70...].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        XCTAssertEqual(sum, XXH3.hash64(Array(anchor[6..<70])))
    }

    func testBadArgumentsGiveTypedErrors() throws {
        let dir = try TestSupport.scratch("rntuple-errors")
        let path = dir + "/bad.root"
        func expect(_ table: EventTable, name: String = "t", _ check: (RNTupleWriterError) -> Bool) {
            XCTAssertThrowsError(try RNTupleFileWriter.write(ntuples: [(name, table)], to: path)) { e in
                guard let w = e as? RNTupleWriterError, check(w) else { return XCTFail("unexpected error \(e)") }
            }
            XCTAssertFalse(FileManager.default.fileExists(atPath: path), "no partial output")
        }
        // Offsets that do not end at the content's size (EventTable accepts them: they cover 2 entries).
        let badOffsets = try EventTable(rowCount: 2, columns: [("v", Column(jagged: .float32([1, 2, 3]), offsets: [0, 2, 5]))])
        expect(badOffsets) { if case .inconsistentColumn(_, "v", _) = $0 { return true }; return false }
        let decreasing = try EventTable(rowCount: 2, columns: [("v", Column(jagged: .float32([1, 2, 3]), offsets: [0, 3, 2]))])
        expect(decreasing) { if case .inconsistentColumn(_, "v", _) = $0 { return true }; return false }
        let zeroShape = try EventTable(rowCount: 0, columns: [("a", Column(.float32([]), layout: .fixed(shape: [0])))])
        expect(zeroShape) { if case .unsupportedColumn(_, "a", _) = $0 { return true }; return false }
        let dotted = try EventTable(rowCount: 1, columns: [("Jet.pt", Column(.float32([1])))])
        expect(dotted) { $0 == .invalidName(ntuple: "t", name: "Jet.pt") }
        let ok = try EventTable(rowCount: 1, columns: [("x", Column(.float32([1])))])
        expect(ok, name: "a.b") { $0 == .invalidName(ntuple: "a.b", name: "a.b") }   // "a/b" is b in directory a
        // A later chunk with another dtype.
        let f = try ROOTFileWriter(path: path)
        let nt = try f.makeNTuple("t")
        try nt.append(ok)
        let other = try EventTable(rowCount: 1, columns: [("x", Column(.float64([1])))])
        XCTAssertThrowsError(try nt.append(other)) { e in
            guard case .schemaMismatch(_, "x", _)? = e as? RNTupleWriterError else { return XCTFail("unexpected error \(e)") }
        }
        XCTAssertThrowsError(try f.makeNTuple("t"))
        f.abandon()
        XCTAssertFalse(FileManager.default.fileExists(atPath: path))
        var o = ROOTWriterOptions()
        o.rntuple.pageBytes = 0
        XCTAssertThrowsError(try RNTupleFileWriter.write(ntuples: [("t", ok)], to: path, options: o)) { e in
            guard case .invalidOption? = e as? ROOTWriterError else { return XCTFail("unexpected error \(e)") }
        }
    }

    /// The bytes do not depend on the thread count nor on how the rows arrive (fixed time stamp).
    func testOutputIndependentOfThreadsAndChunking() throws {
        let dir = try TestSupport.scratch("rntuple-determinism")
        let table = try RNTupleUprootTests.table(n: 500, seed: 9)
        var o = ROOTWriterOptions()
        o.timestamp = 1_700_000_000
        o.compression = CompressionSettings(algorithm: .zstd, level: 3)
        o.rntuple.clusterEntries = 120
        o.rntuple.pageBytes = 256
        var paths: [String] = []
        for (i, threads) in [1, 4].enumerated() {
            o.threads = threads
            let p = dir + "/t\(i)/same.root"
            try FileManager.default.createDirectory(atPath: dir + "/t\(i)", withIntermediateDirectories: true)
            if i == 0 {
                try RNTupleFileWriter.write(ntuples: [("events", table)], to: p, options: o)
            } else {
                let f = try ROOTFileWriter(path: p, options: o)
                let nt = try f.makeNTuple("events")
                for lo in stride(from: 0, to: 500, by: 37) { try nt.append(table.rows(lo..<min(500, lo + 37))) }
                try f.close()
            }
            paths.append(p)
        }
        let a = try Data(contentsOf: URL(fileURLWithPath: paths[0])), b = try Data(contentsOf: URL(fileURLWithPath: paths[1]))
        XCTAssertGreaterThan(a.count, 1000)
        XCTAssertEqual(a, b)
    }
}
