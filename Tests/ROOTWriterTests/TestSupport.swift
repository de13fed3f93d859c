import Columnar
import Foundation
import ROOTIO
@testable import ROOTWriter
import XCTest

/// Shared helpers: a scratch directory, a deterministic generator and a reader round trip.
enum TestSupport {
    static func scratch(_ name: String) throws -> String {
        let dir = NSTemporaryDirectory() + "rootwriter-tests-\(getpid())/\(name)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    /// A small, deterministic PRNG (SplitMix64).
    struct Rng {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(next() % UInt64(range.count)) }
        mutating func double() -> Double { Double(next() >> 11) / Double(1 << 53) }
    }

    /// Content of `n` pseudo-random values of `dtype` covering the type's extremes.
    static func values(_ dtype: DType, _ n: Int, _ rng: inout Rng) -> NumericArray {
        func ints<T: FixedWidthInteger>(_: T.Type) -> [T] {
            (0..<n).map { i in i == 0 ? T.min : i == 1 ? T.max : T(truncatingIfNeeded: rng.next()) }
        }
        switch dtype {
        case .bool: return .bool((0..<n).map { _ in rng.next() & 1 == 1 })
        case .int8: return .int8(ints(Int8.self))
        case .int16: return .int16(ints(Int16.self))
        case .int32: return .int32(ints(Int32.self))
        case .int64: return .int64(ints(Int64.self))
        case .uint8: return .uint8(ints(UInt8.self))
        case .uint16: return .uint16(ints(UInt16.self))
        case .uint32: return .uint32(ints(UInt32.self))
        case .uint64: return .uint64(ints(UInt64.self))
        case .float32: return .float32((0..<n).map { i in i == 0 ? -.greatestFiniteMagnitude : Float(rng.double() * 200 - 100) })
        case .float64: return .float64((0..<n).map { i in i == 0 ? .leastNonzeroMagnitude : rng.double() * 1e6 - 5e5 })
        }
    }

    /// Random per-entry counts in 0...maxCount as offsets.
    static func offsets(_ n: Int, maxCount: Int, _ rng: inout Rng) -> [Int] {
        var o = [0]
        for _ in 0..<n { o.append(o.last! + rng.int(0...maxCount)) }
        return o
    }

    /// Reads every column of `columns` back from `tree` in `path`.
    static func readBack(_ path: String, tree: String, columns: [String]) throws -> EventTable {
        let f = try ROOTFile(path: path)
        return try f.tree(tree).arrays(columns)
    }

    static func assertTablesEqual(_ written: EventTable, _ read: EventTable, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(read.rowCount, written.rowCount, "row count", file: file, line: line)
        for n in written.names {
            let flat = TreeSchema.flatName(n)
            guard let r = read[flat] else { XCTFail("column \(flat) missing on read", file: file, line: line); continue }
            let w = written[n]!
            XCTAssertEqual(r.layout, w.layout, "layout of \(n)", file: file, line: line)
            XCTAssertEqual(r.content, w.content, "content of \(n)", file: file, line: line)
        }
    }
}
