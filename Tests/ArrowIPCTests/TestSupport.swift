import Foundation
import XCTest
@testable import ArrowIPC
import Columnar

/// Shared helpers for the ArrowIPC tests: temporary directories, fixture paths, sample tables, JSON expectations.
enum TestSupport {
    /// The repository root (…/Tests/ArrowIPCTests/TestSupport.swift → …).
    static let repoRoot: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    static var fixtures: URL { repoRoot.appendingPathComponent("fixtures/arrow") }

    /// A fresh temporary directory, removed by the test case's teardown block.
    static func temporaryDirectory(_ test: XCTestCase) throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("arrowipc-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        test.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    /// One flat column per dtype, with extreme values, NaN/inf and signed zero for floats.
    static func allDtypesTable(rows: Int) throws -> EventTable {
        func ints<T: FixedWidthInteger>(_: T.Type) -> [T] {
            (0..<rows).map { i in
                switch i % 5 {
                case 0: return T.min
                case 1: return T.max
                case 2: return T(truncatingIfNeeded: i &* 7919)
                case 3: return 0
                default: return T(truncatingIfNeeded: -i)
                }
            }
        }
        let doubles: [Double] = (0..<rows).map { i in
            [Double.nan, .infinity, -.infinity, -0.0, 1.0 / 3.0, Double(i) * 1e300, .leastNonzeroMagnitude][i % 7]
        }
        let floats: [Float] = (0..<rows).map { i in
            [Float.nan, .infinity, -.infinity, -0.0, 1.0 / 3.0, Float(i) * 1e30, .leastNonzeroMagnitude][i % 7]
        }
        return try EventTable(rowCount: rows, columns: [
            ("b", Column(.bool((0..<rows).map { $0 % 3 == 1 }))),
            ("i8", Column(.int8(ints(Int8.self)))),
            ("i16", Column(.int16(ints(Int16.self)))),
            ("i32", Column(.int32(ints(Int32.self)))),
            ("i64", Column(.int64(ints(Int64.self)))),
            ("u8", Column(.uint8(ints(UInt8.self)))),
            ("u16", Column(.uint16(ints(UInt16.self)))),
            ("u32", Column(.uint32(ints(UInt32.self)))),
            ("u64", Column(.uint64(ints(UInt64.self)))),
            ("f32", Column(.float32(floats))),
            ("f64", Column(.float64(doubles))),
        ])
    }

    /// Jagged and fixed columns: entries of 0…4 items, shapes [3] and [2, 2].
    static func nestedTable(rows: Int) throws -> EventTable {
        var offsets = [0]
        for i in 0..<rows { offsets.append(offsets.last! + (i * 7) % 5) }
        let n = offsets.last!
        return try EventTable(rowCount: rows, columns: [
            ("jet_pt", Column(jagged: .float32((0..<n).map { Float($0) * 1.5 }), offsets: offsets)),
            ("jet_id", Column(jagged: .int64((0..<n).map { Int64($0) - 3 }), offsets: offsets)),
            ("jet_tag", Column(jagged: .bool((0..<n).map { $0 % 2 == 0 }), offsets: offsets)),
            ("jet_u16", Column(jagged: .uint16((0..<n).map { UInt16($0 % 65536) }), offsets: offsets)),
            ("p3", Column(.float64((0..<(3 * rows)).map { Double($0) / 7 }), layout: .fixed(shape: [3]))),
            ("m22", Column(.int32((0..<(4 * rows)).map { Int32($0) * -3 }), layout: .fixed(shape: [2, 2]))),
            ("flags4", Column(.bool((0..<(4 * rows)).map { $0 % 3 == 0 }), layout: .fixed(shape: [4]))),
            ("weight", Column(.float64((0..<rows).map { 1 + Double($0) * 0.25 }))),
        ])
    }

    /// Bitwise comparison of contents (NaN == NaN, -0 != +0) with layouts.
    static func assertIdentical(_ a: EventTable, _ b: EventTable, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.rowCount, b.rowCount, "row count", file: file, line: line)
        XCTAssertEqual(a.names, b.names, "column names", file: file, line: line)
        for n in a.names {
            guard let x = a[n], let y = b[n] else { XCTFail("missing column \(n)", file: file, line: line); continue }
            XCTAssertEqual(x.layout, y.layout, "layout of \(n)", file: file, line: line)
            XCTAssertEqual(x.dtype, y.dtype, "dtype of \(n)", file: file, line: line)
            XCTAssertEqual(bitPatterns(x.content), bitPatterns(y.content), "values of \(n)", file: file, line: line)
        }
    }

    /// The values as bit patterns (UInt64), so NaNs compare equal and signed zeros differ.
    static func bitPatterns(_ a: NumericArray) -> [UInt64] {
        switch a {
        case .bool(let v): return v.map { $0 ? 1 : 0 }
        case .int8(let v): return v.map { UInt64(UInt8(bitPattern: $0)) }
        case .int16(let v): return v.map { UInt64(UInt16(bitPattern: $0)) }
        case .int32(let v): return v.map { UInt64(UInt32(bitPattern: $0)) }
        case .int64(let v): return v.map { UInt64(bitPattern: $0) }
        case .uint8(let v): return v.map { UInt64($0) }
        case .uint16(let v): return v.map { UInt64($0) }
        case .uint32(let v): return v.map { UInt64($0) }
        case .uint64(let v): return v
        case .float32(let v): return v.map { UInt64($0.bitPattern) }
        case .float64(let v): return v.map { $0.bitPattern }
        }
    }
}
