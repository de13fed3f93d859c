import Columnar

/// The per-branch summary defined in shared/rootfiles/README.md, used to score the reader against uproot.
///
/// `{ "file", "trees": { path: { "entries", "branches": { path: record } } } }`; a record holds
/// kind (flat | fixed | jagged | other), dtype, count, sum/min/max over finite values, nonfinite,
/// first/last three numbers, counts_sum + counts_first (jagged), shape (fixed).
public enum FileDigest {
    /// Builds the digest of every tree and RNTuple in the file. Read errors propagate (a broken file is an error).
    public static func digest(_ file: ROOTFile, fileName: String, threads: Int = 0) throws -> JSONValue {
        var trees: [(String, JSONValue)] = []
        for path in try file.treePaths() {
            let tree = try file.tree(path)
            var records: [(String, JSONValue)] = []
            let numeric = tree.allBranches.filter { tree.interpretation(of: $0).codec != nil }
            let table = try tree.arrays(numeric.map(\.path), threads: threads)
            for b in tree.allBranches {
                let interp = tree.interpretation(of: b)
                switch interp {
                case .container: continue
                case .unsupported(let why):
                    records.append((b.path, .object([("kind", .string("other")), ("typename", .string(tree.typeName(of: b))),
                                                     ("interpretation", .string(why))])))
                default:
                    let column = try table.column(b.path)
                    records.append((b.path, record(column, typeName: tree.typeName(of: b), interpretation: interp)))
                }
            }
            trees.append((path, .object([("entries", .int(Int64(tree.entryCount))), ("branches", .object(records))])))
        }
        let rntuples = try RNTupleDigest.digest(file, threads: threads)
        return .object([("file", .string(fileName)), ("trees", .object(trees)), ("rntuples", rntuples)])
    }

    /// The record of one decoded column.
    public static func record(_ column: Column, typeName: String, interpretation: Interpretation) -> JSONValue {
        let c = column.content
        var sum = 0.0, lo = Double.infinity, hi = -Double.infinity
        var nonfinite = 0, finite = 0
        for i in 0..<c.count {
            let v = c.double(at: i)
            if v.isFinite {
                sum += v
                lo = Swift.min(lo, v)
                hi = Swift.max(hi, v)
                finite += 1
            } else {
                nonfinite += 1
            }
        }
        let n = c.count
        let firstIdx = Array(0..<Swift.min(3, n))
        let lastIdx = Array(Swift.max(0, n - 3)..<n)
        var fields: [(String, JSONValue)] = [
            ("dtype", .string(c.dtype.rawValue)),
            ("count", .int(Int64(n))),
            ("sum", .double(sum)),
            ("min", finite > 0 ? .double(lo) : .null),
            ("max", finite > 0 ? .double(hi) : .null),
            ("nonfinite", .int(Int64(nonfinite))),
            ("first", .array(firstIdx.map { value(c, $0) })),
            ("last", .array(lastIdx.map { value(c, $0) })),
            ("typename", .string(typeName)),
            ("interpretation", .string(interpretation.summary)),
        ]
        switch column.layout {
        case .flat: fields.append(("kind", .string("flat")))
        case .fixed(let shape):
            fields.append(("kind", .string("fixed")))
            fields.append(("shape", .array(shape.map { .int(Int64($0)) })))
        case .jagged(let offsets):
            fields.append(("kind", .string("jagged")))
            fields.append(("counts_sum", .int(Int64(offsets.last ?? 0))))
            let k = Swift.min(5, offsets.count - 1)
            fields.append(("counts_first", .array((0..<Swift.max(0, k)).map { .int(Int64(offsets[$0 + 1] - offsets[$0])) })))
        }
        return .object(fields)
    }

    /// Element `i` as a JSON number of its own kind (integers stay integers, bool as 0/1).
    static func value(_ c: NumericArray, _ i: Int) -> JSONValue {
        switch c {
        case .bool(let a): return .int(a[i] ? 1 : 0)
        case .int8(let a): return .int(Int64(a[i]))
        case .int16(let a): return .int(Int64(a[i]))
        case .int32(let a): return .int(Int64(a[i]))
        case .int64(let a): return .int(a[i])
        case .uint8(let a): return .uint(UInt64(a[i]))
        case .uint16(let a): return .uint(UInt64(a[i]))
        case .uint32(let a): return .uint(UInt64(a[i]))
        case .uint64(let a): return .uint(a[i])
        case .float32(let a): return .double(Double(a[i]))
        case .float64(let a): return .double(a[i])
        }
    }
}
