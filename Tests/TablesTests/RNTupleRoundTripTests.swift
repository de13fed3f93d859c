import Columnar
import Foundation
import ROOTCompression
import ROOTIO
import ROOTWriter
import Tables
import TestSupport
import XCTest

/// Our RNTuple writer read back by our RNTuple reader: every dtype, jagged (with empty entries) and fixed columns,
/// several clusters, pages and cluster groups, every codec; values, dtypes and layouts identical.
final class RNTupleRoundTripTests: XCTestCase {
    var dir: String!

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "rntuple-rt-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: dir) }

    static func table(_ n: Int) throws -> EventTable {
        let counts = (0..<n).map { ($0 * 7) % 5 }                       // 0 ... 4 items, empty entries included
        var offsets = [0]
        for c in counts { offsets.append(offsets.last! + c) }
        let items = offsets.last!
        return try EventTable(rowCount: n, columns: [
            ("flag", Column(.bool((0..<n).map { $0 % 3 == 0 }))),
            ("i8", Column(.int8((0..<n).map { Int8(truncatingIfNeeded: $0 * 37 - 100) }))),
            ("u8", Column(.uint8((0..<n).map { UInt8(truncatingIfNeeded: $0 * 11) }))),
            ("i16", Column(.int16((0..<n).map { Int16(truncatingIfNeeded: $0 * 301 - 9000) }))),
            ("u16", Column(.uint16((0..<n).map { UInt16(truncatingIfNeeded: $0 * 77) }))),
            ("i32", Column(.int32((0..<n).map { Int32($0) * 1000 - 5_000_000 }))),
            ("u32", Column(.uint32((0..<n).map { UInt32($0) &* 2_654_435_761 }))),
            ("i64", Column(.int64((0..<n).map { Int64($0) * -1_000_000_007 }))),
            ("u64", Column(.uint64((0..<n).map { UInt64($0) &* 0x9E37_79B9_7F4A_7C15 }))),
            ("f32", Column(.float32((0..<n).map { $0 % 101 == 3 ? .nan : Float($0) * 0.25 - 7 }))),
            ("f64", Column(.float64((0..<n).map { $0 % 97 == 1 ? -.infinity : Double($0).squareRoot() }))),
            ("Jet_pt", Column(jagged: .float32((0..<items).map { Float($0) * 1.5 }), offsets: offsets)),
            ("Jet_id", Column(jagged: .int32((0..<items).map { Int32($0 % 13) - 6 }), offsets: offsets)),
            ("p4", Column(.float64((0..<(4 * n)).map { Double($0) / 3 }), layout: .fixed(shape: [4]))),
        ])
    }

    func testEveryDtypeLayoutAndCodecReadsBackIdentically() throws {
        let n = 5_003
        let input = try Self.table(n)
        for codec in ["none", "zlib:1", "lzma:1", "lz4", "zstd:5"] {
            var options = ROOTWriterOptions()
            options.compression = try CompressionSettings(parsing: codec)
            options.rntuple.clusterEntries = 1_000                          // 6 clusters
            options.rntuple.pageBytes = 1_024                                // many pages per column
            options.rntuple.clustersPerGroup = 2                             // 3 cluster groups
            options.metadata = ["conservattack.true_class": "0"]
            let path = dir + "/rt-\(codec.replacingOccurrences(of: ":", with: "-")).root"
            try RNTupleFileWriter.write(ntuples: [("ntuple", input)], to: path, options: options)

            let source = try TableSources.open(path)
            XCTAssertEqual(source.descriptor.kind, .rntuple, codec)
            XCTAssertEqual(source.descriptor.entries, n, codec)
            XCTAssertEqual(source.descriptor.storedTrueClass, 0, codec)
            XCTAssertEqual(Set(source.numericColumnNames), Set(input.names), codec)
            let back = try source.read(input.names, entries: nil, threads: 2)
            for name in input.names {
                let a = try input.column(name), b = try back.column(name)
                XCTAssertEqual(a.dtype, b.dtype, "\(codec) \(name)")
                XCTAssertEqual(a.layout, b.layout, "\(codec) \(name)")
                // NaN != NaN: compare bit patterns through the doubles' descriptions.
                XCTAssertEqual(a.content.toDoubles().map { $0.isNaN ? "nan" : "\($0)" },
                               b.content.toDoubles().map { $0.isNaN ? "nan" : "\($0)" }, "\(codec) \(name)")
            }
            // Entry ranges that cut clusters read the same entries as the whole table.
            for range in [0..<1, 999..<1_001, 2_500..<4_100, 5_000..<n] {
                XCTAssertEqual(try source.read(["Jet_pt", "u64", "p4"], entries: range, threads: 1),
                               try input.rows(range).selecting(["Jet_pt", "u64", "p4"]), "\(codec) \(range)")
            }
        }
    }
}
