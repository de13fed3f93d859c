import Foundation
import XCTest
import Columnar

/// The JSON description of a table shared with the Python scripts in fixtures/arrow (see check_with_pyarrow.py):
/// every value is a string so 64-bit integers and float bit patterns survive JSON.
enum ExpectationJSON {
    /// Each element as a string: integers in decimal, floats in shortest round-trip form, bools as 0/1.
    static func strings(_ a: NumericArray) -> [String] {
        switch a {
        case .bool(let v): return v.map { $0 ? "1" : "0" }
        case .int8(let v): return v.map { String($0) }
        case .int16(let v): return v.map { String($0) }
        case .int32(let v): return v.map { String($0) }
        case .int64(let v): return v.map { String($0) }
        case .uint8(let v): return v.map { String($0) }
        case .uint16(let v): return v.map { String($0) }
        case .uint32(let v): return v.map { String($0) }
        case .uint64(let v): return v.map { String($0) }
        case .float32(let v): return v.map { "\($0)" }
        case .float64(let v): return v.map { "\($0)" }
        }
    }

    /// Parses strings written by `strings` or by the Python fixture script (repr of floats: "nan", "inf", "1e-05").
    static func array(_ values: [String], dtype: DType) throws -> NumericArray {
        func parse<T>(_ f: (String) -> T?) throws -> [T] {
            try values.map { s in
                guard let v = f(s) else { throw NSError(domain: "ExpectationJSON", code: 1, userInfo: [NSLocalizedDescriptionKey: "cannot parse '\(s)' as \(dtype)"]) }
                return v
            }
        }
        switch dtype {
        case .bool: return .bool(try parse { $0 == "1" ? true : $0 == "0" ? false : nil })
        case .int8: return .int8(try parse { Int8($0) })
        case .int16: return .int16(try parse { Int16($0) })
        case .int32: return .int32(try parse { Int32($0) })
        case .int64: return .int64(try parse { Int64($0) })
        case .uint8: return .uint8(try parse { UInt8($0) })
        case .uint16: return .uint16(try parse { UInt16($0) })
        case .uint32: return .uint32(try parse { UInt32($0) })
        case .uint64: return .uint64(try parse { UInt64($0) })
        case .float32: return .float32(try parse { Float($0) })
        case .float64: return .float64(try parse { Double($0) })
        }
    }

    /// A file entry: rows, batches, metadata and every column.
    static func entry(file: String, table: EventTable, metadata: [String: String], batches: Int,
                      largeColumns: Set<String> = []) throws -> [String: Any] {
        var columns: [[String: Any]] = []
        for name in table.names {
            let c = try table.column(name)
            var col: [String: Any] = ["name": name, "dtype": c.dtype.rawValue, "values": strings(c.content)]
            switch c.layout {
            case .flat: col["layout"] = "flat"
            case .fixed(let shape): col["layout"] = "fixed"; col["shape"] = shape
            case .jagged(let offsets):
                col["layout"] = "jagged"; col["offsets"] = offsets; col["large"] = largeColumns.contains(name)
            }
            columns.append(col)
        }
        return ["file": file, "rows": table.rowCount, "batches": batches, "metadata": metadata, "columns": columns]
    }

    /// The table an entry describes.
    static func table(from entry: [String: Any]) throws -> EventTable {
        guard let rows = entry["rows"] as? Int, let columns = entry["columns"] as? [[String: Any]] else {
            throw NSError(domain: "ExpectationJSON", code: 2, userInfo: [NSLocalizedDescriptionKey: "entry lacks rows/columns"])
        }
        var table = EventTable(rowCount: rows)
        for col in columns {
            guard let name = col["name"] as? String, let dtypeName = col["dtype"] as? String,
                  let dtype = DType(rawValue: dtypeName), let values = col["values"] as? [String],
                  let layout = col["layout"] as? String else {
                throw NSError(domain: "ExpectationJSON", code: 3, userInfo: [NSLocalizedDescriptionKey: "bad column \(col)"])
            }
            let content = try array(values, dtype: dtype)
            switch layout {
            case "jagged": try table.add(name, Column(jagged: content, offsets: col["offsets"] as? [Int] ?? []))
            case "fixed": try table.add(name, Column(content, layout: .fixed(shape: col["shape"] as? [Int] ?? [])))
            default: try table.add(name, Column(content))
            }
        }
        return table
    }

    /// The Python interpreter from CONSERVATTACK_PYTHON, or an XCTSkip saying why not.
    static func python() throws -> String {
        guard let py = ProcessInfo.processInfo.environment["CONSERVATTACK_PYTHON"], !py.isEmpty else {
            throw XCTSkip("CONSERVATTACK_PYTHON is not set: skipping the pyarrow cross-check")
        }
        guard FileManager.default.isExecutableFile(atPath: py) else {
            throw XCTSkip("CONSERVATTACK_PYTHON=\(py) is not an executable: skipping the pyarrow cross-check")
        }
        return py
    }

    /// Runs `python script args…`, returning (exit status, combined output).
    static func run(_ python: String, _ arguments: [String]) throws -> (Int32, String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: python)
        p.arguments = arguments
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
