import Columnar

/// The `rntuples` part of the file digest (shared/rootfiles/README.md):
/// `{ path: { "entries": N, "fields": { leaf path: record } } }`, records as for TTree branches.
/// A field that fails to read becomes `{"kind": "other", "error": ...}`; the other fields still digest.
enum RNTupleDigest {
    static func digest(_ file: ROOTFile, threads: Int) throws -> JSONValue {
        var out: [(String, JSONValue)] = []
        for path in try file.rntuplePaths() {
            let tuple = try file.rntuple(path)
            out.append((path, try digest(tuple, threads: threads)))
        }
        return .object(out)
    }

    static func digest(_ tuple: RNTuple, threads: Int) throws -> JSONValue {
        let numeric = tuple.fields.filter(\.isNumeric)
        var columns: [String: Column] = [:]
        var errors: [String: String] = [:]
        if let table = try? tuple.arrays(numeric.map(\.path), threads: threads) {
            for f in numeric { columns[f.path] = try table.column(f.path) }
        } else {
            for f in numeric {
                do { columns[f.path] = try tuple.column(f.path, threads: threads) } catch { errors[f.path] = "\(error)" }
            }
        }
        var records: [(String, JSONValue)] = []
        for f in tuple.fields {
            let columnTypes = JSONValue.array(f.columns.map { .string($0.typeName) })
            if let c = columns[f.path] {
                guard case .object(var fields) = FileDigest.record(c, typeName: f.typeName, interpretation: .unsupported(""))
                else { continue }
                fields.removeAll { $0.0 == "interpretation" }
                fields.append(("column_types", columnTypes))
                records.append((f.path, .object(fields)))
            } else {
                var fields: [(String, JSONValue)] = [("kind", .string("other")), ("typename", .string(f.typeName)),
                                                     ("column_types", columnTypes)]
                if let why = f.unsupportedReason { fields.append(("interpretation", .string(why))) }
                if let e = errors[f.path] { fields.append(("error", .string(e))) }
                records.append((f.path, .object(fields)))
            }
        }
        return .object([("entries", .int(Int64(tuple.entryCount))),
                        ("anchor_version", .array([tuple.anchor.epoch, tuple.anchor.major, tuple.anchor.minor, tuple.anchor.patch]
                            .map { .int(Int64($0)) })),
                        ("fields", .object(records))])
    }
}
