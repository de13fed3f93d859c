import Columnar
import Foundation
import ROOTCompression
@testable import ROOTWriter
import XCTest

/// uproot (an independent reader) must read our files and get identical arrays.
/// Runs fixtures/rootwriter/check_with_uproot.py with the interpreter in CONSERVATTACK_PYTHON; skips visibly otherwise.
final class UprootCrossCheckTests: XCTestCase {
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func testUprootReadsIdenticalArrays() throws {
        guard let python = ProcessInfo.processInfo.environment["CONSERVATTACK_PYTHON"], FileManager.default.isExecutableFile(atPath: python) else {
            throw XCTSkip("CONSERVATTACK_PYTHON is unset or not executable: uproot cross-check skipped")
        }
        let dir = try TestSupport.scratch("uproot")
        var rng = TestSupport.Rng(state: 11)
        let n = 257
        var cols = DType.allCases.map { ("v_\($0.rawValue)", Column(TestSupport.values($0, n, &rng))) }
        let jet = TestSupport.offsets(n, maxCount: 5, &rng)
        cols.append(("Jet_pt", Column(jagged: TestSupport.values(.float32, jet.last!, &rng), offsets: jet)))
        cols.append(("Jet_mass", Column(jagged: TestSupport.values(.float64, jet.last!, &rng), offsets: jet)))
        cols.append(("Jet_flag", Column(jagged: TestSupport.values(.bool, jet.last!, &rng), offsets: jet)))
        cols.append(("Jet_n16", Column(jagged: TestSupport.values(.int16, jet.last!, &rng), offsets: jet)))
        cols.append(("fix", Column(TestSupport.values(.float64, 4 * n, &rng), layout: .fixed(shape: [2, 2]))))
        cols.append(("fix_u32", Column(TestSupport.values(.uint32, 3 * n, &rng), layout: .fixed(shape: [3]))))
        let table = try EventTable(rowCount: n, columns: cols)
        var files: [String] = []
        for (i, spec) in ["zlib:1", "lzma:5", "lz4:4", "zstd:5", "none"].enumerated() {
            var o = ROOTWriterOptions()
            o.compression = try CompressionSettings(parsing: spec)
            o.basketSize = .entries(40 + i)
            let path = dir + "/f\(i).root"
            try ROOTFileWriter.write(tables: [("events", table)], to: path, options: o)
            files.append(Self.expectation(path: path, tree: "events", table: table))
        }
        // zlib baskets as chains of small blocks (a 257-entry basket of 8-byte values is 11 blocks of 200 bytes).
        var chained = ROOTWriterOptions()
        chained.basketSize = .entries(n)
        chained.zlibBlockSize = 200
        try ROOTFileWriter.write(tables: [("events", table)], to: dir + "/chained.root", options: chained)
        files.append(Self.expectation(path: dir + "/chained.root", tree: "events", table: table))
        let empty = try EventTable(rowCount: 0, columns: cols.map { ($0.0, $0.1.entries(0..<0)) })
        try ROOTFileWriter.write(tables: [("events", empty)], to: dir + "/empty.root")
        files.append(Self.expectation(path: dir + "/empty.root", tree: "events", table: empty))
        let json = "{\"files\": [\n" + files.joined(separator: ",\n") + "\n]}"
        let specPath = dir + "/expectations.json"
        try json.write(toFile: specPath, atomically: true, encoding: .utf8)

        let p = Process()
        p.executableURL = URL(fileURLWithPath: python)
        p.arguments = [Self.repoRoot.appendingPathComponent("fixtures/rootwriter/check_with_uproot.py").path, specPath]
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        try p.run()
        let out = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0, out)
        XCTAssertTrue(out.contains("OK \(files.count) files"), out)
    }

    /// One file's expectations as JSON (values exact: shortest round-trip decimal for floats).
    static func expectation(path: String, tree: String, table: EventTable) -> String {
        var cols: [String] = []
        for name in table.names {
            let c = table[name]!
            let values = (0..<c.content.count).map { jsonNumber(c.content, $0) }.joined(separator: ",")
            var fields = ["\"dtype\": \"\(c.dtype == .bool ? "bool" : c.dtype.rawValue)\"", "\"values\": [\(values)]"]
            switch c.layout {
            case .flat: fields.append("\"kind\": \"flat\"")
            case .fixed(let s): fields += ["\"kind\": \"fixed\"", "\"shape\": \(s)"]
            case .jagged:
                fields += ["\"kind\": \"jagged\"", "\"counts\": \(c.counts)", "\"counter\": \"\(TreeSchema.nanoCounterName(name))\""]
            }
            cols.append("\"\(name)\": {" + fields.joined(separator: ", ") + "}")
        }
        return "{\"path\": \"\(path)\", \"tree\": \"\(tree)\", \"entries\": \(table.rowCount), \"columns\": {" + cols.joined(separator: ", ") + "}}"
    }

    static func jsonNumber(_ a: NumericArray, _ i: Int) -> String {
        switch a {
        case .bool(let v): return v[i] ? "1" : "0"
        case .int8(let v): return "\(v[i])"
        case .int16(let v): return "\(v[i])"
        case .int32(let v): return "\(v[i])"
        case .int64(let v): return "\(v[i])"
        case .uint8(let v): return "\(v[i])"
        case .uint16(let v): return "\(v[i])"
        case .uint32(let v): return "\(v[i])"
        case .uint64(let v): return "\(v[i])"
        case .float32(let v): return "\(Double(v[i]))"
        case .float64(let v): return "\(v[i])"
        }
    }
}
