import Columnar
import Foundation
import XCTest

/// Loads the columns dumped by fixtures/selection/make_expectations.py (columns.json + columns.bin).
///
/// | file          | content                                                                           |
/// |---------------|-----------------------------------------------------------------------------------|
/// | columns.json  | trees[]: tag, file, tree, entries, columns[]: name, dtype, layout, byte offsets/counts |
/// | columns.bin   | little-endian content arrays (bool = 1 byte) and int64 offsets (entries + 1)       |
enum FixtureColumns {
    struct Index: Decodable {
        struct Tree: Decodable {
            let tag: String, file: String, tree: String, entries: Int
            let columns: [ColumnEntry]
        }
        struct ColumnEntry: Decodable {
            let name: String, dtype: String, layout: String
            let content_offset: Int, content_count: Int
            let offsets_offset: Int?, offsets_count: Int?
        }
        let trees: [Tree]
    }

    enum LoadError: Error { case badIndex(String) }

    static let directory: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("fixtures/selection")

    static func index() throws -> Index {
        try JSONDecoder().decode(Index.self, from: Data(contentsOf: directory.appendingPathComponent("columns.json")))
    }

    /// Every dumped tree as an EventTable, by tag (HZZ, Zmumu, NanoAOD).
    static func tables() throws -> [String: EventTable] {
        let blob = [UInt8](try Data(contentsOf: directory.appendingPathComponent("columns.bin")))
        var out: [String: EventTable] = [:]
        for tree in try index().trees {
            var table = EventTable(rowCount: tree.entries)
            for c in tree.columns {
                guard let dtype = DType(rawValue: c.dtype) else { throw LoadError.badIndex("dtype \(c.dtype)") }
                let content = try numbers(blob, at: c.content_offset, count: c.content_count, dtype: dtype)
                if c.layout == "jagged" {
                    guard let o = c.offsets_offset, let n = c.offsets_count else { throw LoadError.badIndex(c.name) }
                    let offsets = try read(blob, at: o, count: n, Int64.self).map { Int($0) }
                    try table.add(c.name, Column(jagged: content, offsets: offsets))
                } else {
                    try table.add(c.name, Column(content))
                }
            }
            out[tree.tag] = table
        }
        return out
    }

    private static func read<T: FixedWidthInteger>(_ blob: [UInt8], at offset: Int, count: Int, _: T.Type) throws -> [T] {
        let size = MemoryLayout<T>.size
        guard offset >= 0, count >= 0, offset + count * size <= blob.count else {
            throw LoadError.badIndex("range \(offset)+\(count)x\(size) outside columns.bin")
        }
        return (0..<count).map { i in
            var v: T = 0
            for b in 0..<size { v |= T(truncatingIfNeeded: blob[offset + i * size + b]) << (8 * b) }
            return v
        }
    }

    private static func numbers(_ blob: [UInt8], at o: Int, count n: Int, dtype: DType) throws -> NumericArray {
        switch dtype {
        case .bool: return .bool(try read(blob, at: o, count: n, UInt8.self).map { $0 != 0 })
        case .int8: return .int8(try read(blob, at: o, count: n, Int8.self))
        case .uint8: return .uint8(try read(blob, at: o, count: n, UInt8.self))
        case .int16: return .int16(try read(blob, at: o, count: n, Int16.self))
        case .uint16: return .uint16(try read(blob, at: o, count: n, UInt16.self))
        case .int32: return .int32(try read(blob, at: o, count: n, Int32.self))
        case .uint32: return .uint32(try read(blob, at: o, count: n, UInt32.self))
        case .int64: return .int64(try read(blob, at: o, count: n, Int64.self))
        case .uint64: return .uint64(try read(blob, at: o, count: n, UInt64.self))
        case .float32: return .float32(try read(blob, at: o, count: n, UInt32.self).map { Float(bitPattern: $0) })
        case .float64: return .float64(try read(blob, at: o, count: n, UInt64.self).map { Double(bitPattern: $0) })
        }
    }
}

/// The expectations computed by make_expectations.py with numpy/awkward.
struct Expectations: Decodable {
    struct Cut: Decodable {
        let tree: String, expression: String, selected: Int, mask_hex: String, first_selected: [Int]
    }
    struct Weight: Decodable {
        let tree: String, cut: String, weight: String, selected: Int
        let sum_weights: Double, sum_weights_all: Double, first_weights: [Double]
    }
    struct Flow: Decodable {
        struct Step: Decodable { let term: String, events: Int, sum_weights: Double }
        let tree: String, cut: String, weight: String?, steps: [Step]
    }
    let cuts: [Cut]
    let weights: [Weight]
    let cutflows: [Flow]

    static func load() throws -> Expectations {
        try JSONDecoder().decode(Expectations.self,
                                 from: Data(contentsOf: FixtureColumns.directory.appendingPathComponent("expectations.json")))
    }

    /// Unpacks a little-endian bit mask written with numpy.packbits(bitorder="little").
    static func mask(hex: String, count: Int) -> [Bool] {
        let chars = Array(hex.utf8)
        var bytes: [UInt8] = []
        var i = 0
        while i + 1 < chars.count {
            let s = String(decoding: chars[i..<(i + 2)], as: UTF8.self)
            bytes.append(UInt8(s, radix: 16) ?? 0)
            i += 2
        }
        return (0..<count).map { k in k / 8 < bytes.count && (bytes[k / 8] >> (k % 8)) & 1 == 1 }
    }
}
