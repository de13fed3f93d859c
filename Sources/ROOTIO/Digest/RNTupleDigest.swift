import Columnar

/// The `rntuples` part of the file digest (shared/rootfiles/README.md):
/// `{ path: { "entries": N, "fields": { leaf path: record } } }`, records as for TTree branches.
///
/// Read in chunks of whole clusters (about `DigestOptions.chunkBytes` of decoded columns each), folded into
/// `BranchSummary` records and dropped, so memory stays bounded by one chunk. A field that fails to read becomes
/// `{"kind": "other", "error": ...}` and the other fields go on; an RNTuple whose anchor or metadata cannot be
/// read becomes `{"error": ..., "fields": {}}`. Errors that mean the file itself is damaged are thrown.
enum RNTupleDigest {
    /// Records of every RNTuple, the failures, the RNTuples that failed as a whole, and how many there are.
    static func digest(_ file: ROOTFile, options: DigestOptions)
        throws -> (json: JSONValue, failures: [DigestFailure], errors: [ROOTError], count: Int) {
        var out: [(String, JSONValue)] = []
        var failures: [DigestFailure] = []
        var errors: [ROOTError] = []
        let paths = try file.rntuplePaths()
        for path in paths {
            do {
                let tuple = try file.rntuple(path)
                let (record, fieldFailures) = try digest(tuple, options: options)
                out.append((path, record))
                failures += fieldFailures
            } catch {
                let e = ROOTError.wrap(error, file: file.path, object: "RNTuple \(path)", offset: nil)
                if TreeDigest.isFileDamage(e) { throw e }
                errors.append(e)
                failures.append(DigestFailure(tree: path, branch: nil, error: e))
                var shown = e
                shown.file = nil
                out.append((path, .object([("error", .string(shown.description)), ("fields", .object([]))])))
            }
        }
        return (.object(out), failures, errors, paths.count)
    }

    /// One RNTuple's record and its field failures.
    static func digest(_ tuple: RNTuple, options: DigestOptions) throws -> (JSONValue, [DigestFailure]) {
        var live = tuple.fields.filter(\.isNumeric)
        var failures: [String: ROOTError] = [:]
        live = live.filter { $0.dtype != nil }
        let folding = ChunkSummaries(live.map { ($0.path, $0.dtype!) }, threads: options.threads)
        for chunk in chunks(tuple, fields: live, options: options) {
            let columns = try read(tuple, &live, chunk, options: options, failures: &failures)
            folding.add(columns, paths: live.map(\.path))
        }
        let summaries = folding.finish()
        var records: [(String, JSONValue)] = []
        var out: [DigestFailure] = []
        for f in tuple.fields {
            let columnTypes = JSONValue.array(f.columns.map { .string($0.typeName) })
            if let e = failures[f.path] {
                var shown = e
                shown.file = nil
                records.append((f.path, .object([("kind", .string("other")), ("typename", .string(f.typeName)),
                                                 ("column_types", columnTypes), ("error", .string(shown.description))])))
                out.append(DigestFailure(tree: tuple.path, branch: f.path, error: e))
            } else if let s = summaries[f.path] {
                guard case .object(var fields) = s.record(typeName: f.typeName, interpretation: nil, emptyLayout: emptyLayout(f))
                else { continue }
                fields.append(("column_types", columnTypes))
                records.append((f.path, .object(fields)))
            } else {
                var fields: [(String, JSONValue)] = [("kind", .string("other")), ("typename", .string(f.typeName)),
                                                     ("column_types", columnTypes)]
                if let why = f.unsupportedReason { fields.append(("interpretation", .string(why))) }
                records.append((f.path, .object(fields)))
            }
        }
        let record = JSONValue.object([
            ("entries", .int(Int64(tuple.entryCount))),
            ("anchor_version", .array([tuple.anchor.epoch, tuple.anchor.major, tuple.anchor.minor, tuple.anchor.patch]
                .map { .int(Int64($0)) })),
            ("fields", .object(records))])
        return (record, out)
    }

    /// The kind of a field that gave no chunk (no entries).
    private static func emptyLayout(_ f: RNTupleFieldInfo) -> ColumnLayout {
        switch f.kind {
        case .fixed: return .fixed(shape: f.shape)
        case .jagged: return .jagged(offsets: [])
        default: return .flat
        }
    }

    /// Reads `chunk` of the live fields; a field that fails is recorded and dropped from `live`.
    private static func read(_ tuple: RNTuple, _ live: inout [RNTupleFieldInfo], _ chunk: Range<Int>, options: DigestOptions,
                             failures: inout [String: ROOTError]) throws -> [Column] {
        if let table = try? tuple.arrays(live.map(\.path), entries: chunk, threads: options.threads) {
            return try live.map { try table.column($0.path) }
        }
        var kept: [RNTupleFieldInfo] = []
        var columns: [Column] = []
        for f in live {
            do {
                columns.append(try tuple.column(f.path, entries: chunk, threads: options.threads))
                kept.append(f)
            } catch {
                let e = ROOTError.wrap(error, file: tuple.file.path, object: "RNTuple \(tuple.path) field \(f.path)", offset: nil)
                if TreeDigest.isFileDamage(e) { throw e }
                failures[f.path] = e
            }
        }
        live = kept
        return columns
    }

    /// Entry ranges of whole clusters, each about `chunkBytes` of decoded columns (or `chunkEntries` entries).
    static func chunks(_ tuple: RNTuple, fields: [RNTupleFieldInfo], options: DigestOptions) -> [Range<Int>] {
        guard tuple.entryCount > 0 else { return [] }
        let bytes = fields.reduce(0) { $0 + $1.uncompressedBytes }
        let perEntry = Double(max(bytes, 1)) / Double(tuple.entryCount)
        let target = max(1, options.chunkEntries ?? Int(min(Double(Int.max / 2), max(1, Double(options.chunkBytes) / perEntry))))
        let clusters = tuple.clusters.filter { !$0.isEmpty }.sorted { $0.lowerBound < $1.lowerBound }
        guard !clusters.isEmpty else { return [0..<tuple.entryCount] }
        var out: [Range<Int>] = []
        var lo = 0, hi = 0
        for c in clusters {
            if hi > lo, c.upperBound - lo > target { out.append(lo..<hi); lo = hi }
            hi = max(hi, c.upperBound)
        }
        if hi > lo { out.append(lo..<hi) }
        if hi < tuple.entryCount { out.append(hi..<tuple.entryCount) }
        return out
    }
}
