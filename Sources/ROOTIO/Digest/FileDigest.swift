import Columnar

/// The per-branch summary defined in shared/rootfiles/README.md, used to score the reader against uproot.
///
/// `{ "file", "trees": { path: { "entries", "branches": { path: record } } } }`; a record holds
/// kind (flat | fixed | jagged | other), dtype, count, sum/min/max over finite values, nonfinite,
/// first/last three numbers, counts_sum + counts_first (jagged), shape (fixed).
public enum FileDigest {
    /// Builds the digest of every tree and RNTuple in the file. Errors that damage the file propagate; a branch,
    /// field, tree or RNTuple that cannot be read becomes a record with an `error` field (see `digest(_:fileName:options:)`).
    public static func digest(_ file: ROOTFile, fileName: String, threads: Int = 0) throws -> JSONValue {
        try digest(file, fileName: fileName, options: DigestOptions(threads: threads)).json
    }

    /// The digest, read in chunks of entries (`options`; RNTuples in chunks of whole clusters), and what could not be read.
    ///
    /// A branch that fails is a record of kind `other` with an `error` (branch, basket, byte offset); a
    /// tree whose object cannot be read is `{"error", "branches": {}}`. Both are in `failures`. Thrown:
    /// errors of the file itself (header, directories, bytes past its end), and a tree error when every
    /// tree of the file fails (nothing of it is readable).
    public static func digest(_ file: ROOTFile, fileName: String,
                              options: DigestOptions) throws -> (json: JSONValue, failures: [DigestFailure]) {
        var trees: [(String, JSONValue)] = []
        var failures: [DigestFailure] = []
        var treeErrors: [ROOTError] = []
        let paths = try file.treePaths()
        for path in paths {
            let tree: TTree
            do {
                tree = try file.tree(path)
            } catch {
                let e = ROOTError.wrap(error, file: file.path, object: "tree \(path)", offset: nil)
                if TreeDigest.isFileDamage(e) { throw e }
                treeErrors.append(e)
                failures.append(DigestFailure(tree: path, branch: nil, error: e))
                var shown = e
                shown.file = nil
                trees.append((path, .object([("error", .string(shown.description)), ("branches", .object([]))])))
                continue
            }
            let (record, branchFailures) = try TreeDigest(tree: tree, options: options).run()
            trees.append((path, record))
            failures += branchFailures
        }
        let (rntuples, ntupleFailures, ntupleErrors, ntupleCount) = try RNTupleDigest.digest(file, options: options)
        failures += ntupleFailures
        let errors = treeErrors + ntupleErrors
        // Nothing of the file is readable: that is the file's error, not a record.
        if let first = errors.first, errors.count == paths.count + ntupleCount { throw first }
        return (.object([("file", .string(fileName)), ("trees", .object(trees)), ("rntuples", rntuples)]), failures)
    }

    /// The record of one decoded column.
    public static func record(_ column: Column, typeName: String, interpretation: Interpretation) -> JSONValue {
        var summary = BranchSummary(dtype: column.dtype)
        summary.add(column)
        return summary.record(typeName: typeName, interpretation: interpretation)
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
