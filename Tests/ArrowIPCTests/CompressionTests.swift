import Foundation
import XCTest
@testable import ArrowIPC
import Columnar

/// Body compression (LZ4 frame, zstd) written by us and read back; hostile compressed buffers give
/// `ArrowError`s, never traps or huge allocations. pyarrow/pandas-written compressed files are in
/// PyarrowFixtureTests; pyarrow reading ours is in PyarrowCrossCheckTests.
final class CompressionTests: XCTestCase {
    static let codecs: [ArrowCompression] = [.lz4Frame, .zstd(level: 1), .zstd(level: 19)]

    private func write(_ table: EventTable, _ compression: ArrowCompression, rowsPerBatch: Int = 65536) throws -> String {
        let path = try TestSupport.temporaryDirectory(self).appendingPathComponent("c.arrow").path
        try ArrowFileWriter.write(table, to: path, metadata: ["k": "v"], rowsPerBatch: rowsPerBatch, compression: compression)
        return path
    }

    /// A table that compresses well: slowly varying values, as physics columns often are.
    private func compressibleTable(rows: Int) throws -> EventTable {
        var offsets = [0]
        for i in 0..<rows { offsets.append(offsets.last! + i % 3) }
        return try EventTable(rowCount: rows, columns: [
            ("run", Column(.int32([Int32](repeating: 273_158, count: rows)))),
            ("lumi", Column(.int64((0..<rows).map { Int64($0 / 100) }))),
            ("pt", Column(.float32((0..<rows).map { Float(($0 % 200)) * 0.5 }))),
            ("flag", Column(.bool((0..<rows).map { $0 % 10 == 0 }))),
            ("jet_eta", Column(jagged: .float64((0..<offsets.last!).map { Double($0 % 7) * 0.25 }), offsets: offsets)),
        ])
    }

    func testEveryLayoutAndDtypeRoundTripsThroughEachCodec() throws {
        var nested = try TestSupport.nestedTable(rows: 57)
        let dtypes = try TestSupport.allDtypesTable(rows: 57)
        for n in dtypes.names { try nested.add(n, try dtypes.column(n)) }
        for codec in Self.codecs {
            for rowsPerBatch in [7, 65536] {
                let path = try write(nested, codec, rowsPerBatch: rowsPerBatch)
                let (back, metadata) = try ArrowFileReader.read(path: path)
                TestSupport.assertIdentical(nested, back)
                XCTAssertEqual(metadata, ["k": "v"])
                let summary = try ArrowFileSummary(path: path)
                XCTAssertEqual(summary.rows, 57)
                XCTAssertEqual(summary.recordBatches, (57 + rowsPerBatch - 1) / rowsPerBatch)
                XCTAssertEqual(Set(summary.compression), [codec == .lz4Frame ? "LZ4_FRAME" : "ZSTD"], "\(codec)")
            }
        }
        // Uncompressed files say so.
        XCTAssertEqual(Set(try ArrowFileSummary(path: try write(nested, .none)).compression), ["none"])
    }

    func testCompressedFilesAreSmallerThanUncompressedOnes() throws {
        let table = try compressibleTable(rows: 200_000)
        let plain = try Data(contentsOf: URL(fileURLWithPath: try write(table, .none))).count
        for codec in Self.codecs {
            let path = try write(table, codec)
            let size = try Data(contentsOf: URL(fileURLWithPath: path)).count
            XCTAssertLessThan(size * 4, plain, "\(codec): \(size) bytes vs \(plain) uncompressed")
            TestSupport.assertIdentical(table, try ArrowFileReader.read(path: path).table)
        }
    }

    func testIncompressibleBuffersAreStoredRawBehindMinusOne() throws {
        var rng = SystemRandomNumberGenerator()
        let noise = (0..<5000).map { _ in UInt64.random(in: .min ... .max, using: &rng) }
        let table = try EventTable(rowCount: 5000, columns: [("noise", Column(.uint64(noise))),
                                                             ("zeros", Column(.float64([Double](repeating: 0, count: 5000))))])
        let path = try write(table, .lz4Frame)
        let bytes = try ArrowFileInspector.readAll(path: path)
        let layout = try XCTUnwrap(try ArrowFileInspector.bufferLayout(path: path).first)
        func prefix(_ buffer: Int) -> Int64 {
            let at = layout.bodyStart + layout.buffers[buffer].offset
            return bytes.withUnsafeBytes { Int64(littleEndian: $0.loadUnaligned(fromByteOffset: at, as: Int64.self)) }
        }
        // Buffers: noise validity (empty), noise data, zeros validity (empty), zeros data.
        XCTAssertEqual(layout.buffers[0].length, 0)
        XCTAssertEqual(prefix(1), -1, "random data is stored raw")
        XCTAssertEqual(layout.buffers[1].length, 8 + 8 * 5000)
        XCTAssertEqual(prefix(3), 8 * 5000, "zeros are compressed, prefixed with their uncompressed size")
        XCTAssertLessThan(layout.buffers[3].length, 1000)
        TestSupport.assertIdentical(table, try ArrowFileReader.read(path: path).table)
    }

    /// A small compressed file and where its data buffers start (absolute offsets of their 8-byte prefixes).
    private func hostileSample(_ codec: ArrowCompression) throws -> (bytes: [UInt8], prefixes: [Int]) {
        let table = try compressibleTable(rows: 300)
        let path = try write(table, codec, rowsPerBatch: 150)
        let bytes = try ArrowFileInspector.readAll(path: path)
        var prefixes: [Int] = []
        for batch in try ArrowFileInspector.bufferLayout(path: path) {
            for b in batch.buffers where b.length > 0 { prefixes.append(batch.bodyStart + b.offset) }
        }
        return (bytes, prefixes)
    }

    func testHostileDeclaredLengthsAreErrorsBeforeAnyAllocation() throws {
        for codec in [ArrowCompression.lz4Frame, .zstd(level: 3)] {
            let (bytes, prefixes) = try hostileSample(codec)
            XCTAssertNoThrow(try ArrowFileReader.read(bytes: bytes))
            for at in prefixes {
                let declared = bytes.withUnsafeBytes { Int64(littleEndian: $0.loadUnaligned(fromByteOffset: at, as: Int64.self)) }
                guard declared >= 0 else { continue }
                for hostile in [Int64.max, Int64.max / 2, 1 << 40, 1 << 33, -2, Int64.min, declared + 1, declared - 1, declared * 2 + 64] {
                    var b = bytes
                    withUnsafeBytes(of: hostile.littleEndian) { b.replaceSubrange(at..<(at + 8), with: $0) }
                    XCTAssertThrowsError(try ArrowFileReader.read(bytes: b), "\(codec) prefix at \(at) = \(hostile)") { error in
                        guard let e = error as? ArrowError, case .invalidData = e else {
                            return XCTFail("\(codec) prefix at \(at) = \(hostile): \(error)")
                        }
                    }
                }
            }
        }
    }

    func testCorruptOrTruncatedFramesAreErrorsOrReadsNeverTraps() throws {
        for codec in [ArrowCompression.lz4Frame, .zstd(level: 3)] {
            let (bytes, prefixes) = try hostileSample(codec)
            var errors = 0, reads = 0
            // Every byte of every frame header and payload start, altered two ways.
            for at in prefixes {
                for i in (at + 8)..<min(bytes.count, at + 8 + 48) {
                    for value in [bytes[i] ^ 0xFF, bytes[i] ^ 0x10] {
                        var b = bytes
                        b[i] = value
                        do { _ = try ArrowFileReader.read(bytes: b); reads += 1 } catch {
                            XCTAssertTrue(error is ArrowError, "\(codec) byte \(i): \(error)")
                            errors += 1
                        }
                    }
                }
            }
            XCTAssertGreaterThan(errors, reads, "\(codec): corrupt frames are mostly caught (errors \(errors), reads \(reads))")
            // The file cut anywhere is an error.
            for n in stride(from: 0, to: bytes.count, by: 7) {
                XCTAssertThrowsError(try ArrowFileReader.read(bytes: Array(bytes[0..<n])), "\(codec) prefix \(n)") {
                    XCTAssertTrue($0 is ArrowError, "\($0)")
                }
            }
        }
    }

    func testBufferTooShortForItsPrefixAndUnknownCodecAreErrors() throws {
        // A compressed batch whose only non-empty buffer is 4 bytes long: no room for the 8-byte prefix.
        let parts: [ArrowFileWriter.BodyPart] = [.empty, .bytes([1, 2, 3, 4])]
        let dir = try TestSupport.temporaryDirectory(self)
        let path = dir.appendingPathComponent("short.arrow").path
        try AtomicFileWriter.write(to: path) { out in
            try out.write(Array("ARROW1".utf8) + [0, 0])
            let field = ArrowField(name: "x", nullable: true, type: .primitive(.int32))
            _ = try ArrowFileWriter.writeMessage(FlatBufferBuilder.Table([
                (0, .int16(arrowMetadataVersion)), (1, .uint8(MessageHeaderType.schema.rawValue)),
                (2, .object(.table(schemaTable(fields: [field], metadata: [:])))), (3, .int64(0))]), to: out)
            let offset = out.bytesWritten
            let (meta, body) = try ArrowFileWriter.writeRecordBatch(rows: 1, nodes: [(1, 0)], parts: parts,
                                                                   compression: .zstd(level: 1), to: out)
            try out.write([0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0])
            var blocks: [UInt8] = []
            appendLE(Int64(offset), to: &blocks); appendLE(Int32(meta), to: &blocks); appendLE(Int32(0), to: &blocks)
            appendLE(Int64(body), to: &blocks)
            let footer = FlatBufferBuilder.serialize(root: FlatBufferBuilder.Table([
                (0, .int16(arrowMetadataVersion)), (1, .object(.table(schemaTable(fields: [field], metadata: [:])))),
                (3, .object(.structs(bytes: blocks, count: 1, alignment: 8)))]))
            try out.write(footer)
            var tail: [UInt8] = []
            appendLE(Int32(footer.count), to: &tail)
            try out.write(tail + Array("ARROW1".utf8))
        }
        XCTAssertThrowsError(try ArrowFileReader.read(path: path)) { error in
            XCTAssertTrue("\(error)".contains("no 8-byte uncompressed-length prefix"), "\(error)")
        }
    }

    func testCompressionNamesParse() throws {
        XCTAssertEqual(try ArrowCompression(parsing: "lz4"), .lz4Frame)
        XCTAssertEqual(try ArrowCompression(parsing: "LZ4"), .lz4Frame)
        XCTAssertEqual(try ArrowCompression(parsing: "zstd"), .zstd(level: 1))
        XCTAssertEqual(try ArrowCompression(parsing: "zstd:9"), .zstd(level: 9))
        XCTAssertEqual(try ArrowCompression(parsing: "none"), ArrowCompression.none)
        XCTAssertEqual(try ArrowCompression(parsing: "uncompressed"), ArrowCompression.none)
        for bad in ["zlib:1", "lzma", "zstd:0", "zstd:23", "zstd:x", "lz4:3", ""] {
            XCTAssertThrowsError(try ArrowCompression(parsing: bad), bad)
        }
    }
}
