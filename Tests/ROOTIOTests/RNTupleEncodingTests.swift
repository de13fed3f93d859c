import Columnar
import Foundation
import TestSupport
import XCTest
@testable import ROOTIO

/// Every column type and encoding, schema evolution and frame extensibility, against the values that
/// fixtures/rntuple/make_handmade_rntuples.py encoded (uproot agrees on every field it can read).
final class RNTupleEncodingTests: XCTestCase {
    struct Expected: Decodable {
        struct Tuple: Decodable {
            var entries: Int
            var clusters: [Int]
            var fields: [String: Field]
        }
        struct Field: Decodable {
            var kind: String
            var dtype: String?
            var values: [Value]?
            var offsets: [Int]?
            var shape: [Int]?
        }
        /// A number, null (NaN) or "inf" / "-inf".
        struct Value: Decodable {
            var double: Double
            init(from decoder: Decoder) throws {
                let c = try decoder.singleValueContainer()
                if c.decodeNil() { double = .nan } else if let b = try? c.decode(Bool.self) { double = b ? 1 : 0 } else if let s = try? c.decode(String.self) {
                    double = s == "inf" ? .infinity : -.infinity
                } else if let i = try? c.decode(Int64.self) { double = Double(i) } else if let u = try? c.decode(UInt64.self) {
                    double = Double(u)
                } else { double = try c.decode(Double.self) }
            }
        }
        var rntuples: [String: Tuple]
    }

    static let path = Fixtures.path("rntuple/handmade.root")

    func expected() throws -> Expected {
        try JSONDecoder().decode(Expected.self, from: Data(contentsOf: URL(fileURLWithPath: Self.path + ".json")))
    }

    private func check(_ tupleName: String, threads: Int, entries: Range<Int>? = nil) throws {
        let exp = try expected().rntuples[tupleName]!
        let tuple = try ROOTFile(path: Self.path).rntuple(tupleName)
        XCTAssertEqual(tuple.entryCount, exp.entries)
        XCTAssertEqual(tuple.clusters.map(\.count), exp.clusters)
        let table = try tuple.arrays(threads: threads)
        for (path, e) in exp.fields.sorted(by: { $0.key < $1.key }) {
            guard let info = tuple.fields.first(where: { $0.path == path }) else { XCTFail("\(tupleName): no field \(path)"); continue }
            XCTAssertEqual(info.kind.rawValue, e.kind, "\(tupleName)/\(path)")
            if e.kind == "other" {
                XCTAssertNotNil(info.unsupportedReason, path)
                continue
            }
            let column = try table.column(path)
            XCTAssertEqual(column.dtype.rawValue, e.dtype, "\(tupleName)/\(path)")
            let got = column.content.toDoubles().map(\.bitPattern)
            let want = e.values!.map { $0.double.isNaN ? Double.nan.bitPattern : $0.double.bitPattern }
            XCTAssertEqual(got.count, want.count, "\(tupleName)/\(path) count")
            if got != want {
                let firstBad = zip(got, want).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? -1
                XCTFail("\(tupleName)/\(path): element \(firstBad) differs: \(column.content.toDoubles().dropFirst(max(0, firstBad)).prefix(4)) vs \(e.values!.dropFirst(max(0, firstBad)).prefix(4).map(\.double))")
            }
            switch column.layout {
            case .jagged(let o): XCTAssertEqual(o, e.offsets, "\(tupleName)/\(path) offsets")
            case .fixed(let s): XCTAssertEqual(s, e.shape, "\(tupleName)/\(path) shape")
            case .flat: XCTAssertNil(e.offsets)
            }
        }
    }

    func testEveryEncodingDecodesToTheWrittenValues() throws {
        try check("encodings", threads: 1)
        try check("encodings", threads: 4)
    }

    func testSchemaEvolutionRepresentationsAndFrameExtensions() throws {
        try check("evolution", threads: 1)
        try check("evolution", threads: 3)
    }

    /// Entry ranges that start mid-cluster and mid-page give the same values as slicing the whole read.
    func testEntryRangesAcrossPagesAndClusters() throws {
        for name in ["encodings", "evolution"] {
            let tuple = try ROOTFile(path: Self.path).rntuple(name)
            let whole = try tuple.arrays(threads: 1)
            for range in [0..<1, 29..<31, 44..<46, 59..<61, 31..<89, tuple.entryCount - 1 ..< tuple.entryCount] {
                let part = try tuple.arrays(entries: range, threads: 2)
                XCTAssertTrue(RNTupleConformanceTests.same(part, whole.rows(range)), "\(name) \(range)")
            }
        }
    }

    func testColumnSummariesAndInfo() throws {
        let tuple = try ROOTFile(path: Self.path).rntuple("encodings")
        XCTAssertEqual(tuple.description, "handmade encodings")
        XCTAssertEqual(tuple.writer, "make_handmade_rntuples.py")
        XCTAssertEqual(tuple.anchor.versionString, "1.0.0.1")
        let byPath = Dictionary(uniqueKeysWithValues: tuple.fields.map { ($0.path, $0) })
        XCTAssertEqual(byPath["trunc"]?.columns.map(\.typeName), ["Real32Trunc"])
        XCTAssertEqual(byPath["trunc"]?.columns.first?.bitsOnStorage, 20)
        XCTAssertEqual(byPath["vec"]?.columns.map(\.typeName), ["SplitIndex32", "SplitReal32"])
        XCTAssertEqual(byPath["nvec"]?.dtype, .int64)
        XCTAssertTrue(byPath["name"]?.unsupportedReason?.contains("string") ?? false)
        XCTAssertTrue(byPath["choice"]?.unsupportedReason?.contains("variant") ?? false)
        XCTAssertFalse(tuple.numericFieldNames.contains("name"))
        let evolution = try ROOTFile(path: Self.path).rntuple("evolution")
        XCTAssertEqual(evolution.clusterGroupCount, 2)
        XCTAssertEqual(evolution.fields.first { $0.path == "m" }?.columns.map(\.typeName), ["Real64", "Real32"])
    }

    // MARK: kernels

    func testHalfPrecisionConversion() {
        XCTAssertEqual(RNTuplePageDecoder.half(0x3c00), 1)
        XCTAssertEqual(RNTuplePageDecoder.half(0xc000), -2)
        XCTAssertEqual(RNTuplePageDecoder.half(0x7bff), 65504)
        XCTAssertEqual(RNTuplePageDecoder.half(0x0001), Float(bitPattern: 0x3380_0000))     // smallest subnormal, 2^-24
        XCTAssertEqual(RNTuplePageDecoder.half(0x7c00), .infinity)
        XCTAssertEqual(RNTuplePageDecoder.half(0xfc00), -.infinity)
        XCTAssertTrue(RNTuplePageDecoder.half(0x7e00).isNaN)
        XCTAssertEqual(RNTuplePageDecoder.half(0x8000).bitPattern, (-0.0 as Float).bitPattern)
    }

    func testNumpyTypePromotion() {
        XCTAssertEqual(DType.promoted(.float32, .float64), .float64)
        XCTAssertEqual(DType.promoted(.int32, .uint32), .int64)
        XCTAssertEqual(DType.promoted(.int16, .float32), .float32)
        XCTAssertEqual(DType.promoted(.int32, .float32), .float64)
        XCTAssertEqual(DType.promoted(.uint64, .int64), .float64)
        XCTAssertEqual(DType.promoted(.bool, .uint8), .uint8)
    }
}
