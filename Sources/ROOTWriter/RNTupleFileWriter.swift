import Columnar

/// Writes EventTables as RNTuples (binary format 1.0) into a new ROOT file, beside the TObjString metadata keys of
/// `options.metadata`; the file goes to a temporary beside `path`, renamed onto it when complete.
public enum RNTupleFileWriter {
    /// Writes every (name, table) as an RNTuple in the top directory of a new file at `path`.
    /// Names are RNTuple names (no '/', '.', space, '\' or control characters); subdirectories are not supported.
    public static func write(ntuples: [(String, EventTable)], to path: String, options: ROOTWriterOptions = ROOTWriterOptions()) throws {
        let f = try ROOTFileWriter(path: path, options: options)
        do {
            for (name, table) in ntuples {
                // "dir/sub/t": the RNTuple t in the subdirectory dir/sub.
                let parts = name.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
                let n = try f.makeNTuple(parts.last ?? name, in: parts.dropLast().joined(separator: "/"))
                try n.append(table)
            }
            try f.close()
        } catch {
            f.abandon()
            throw error
        }
    }
}
