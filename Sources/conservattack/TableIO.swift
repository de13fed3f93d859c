import Columnar
import Foundation
import Tables

/// The commands' short way into the table seam (Sources/Tables): `FILE[:NAME]` of a TTree, an RNTuple or an
/// Arrow file in; TTree, RNTuple or Arrow out, keeping the input's kind and name unless told otherwise.
enum TableIO {
    /// The table at `FILE[:NAME]`.
    static func open(_ spec: String) throws -> any TableSource { try TableSources.open(spec) }

    /// Columns of the table at `spec`; `branches` are names or globs (nil = every numeric one).
    static func read(_ spec: String, branches: [String]? = nil, entries: Range<Int>? = nil, threads: Int = 0) throws -> EventTable {
        try open(spec).read(branches, entries: entries, threads: threads)
    }

    /// Writes a table by the output's extension. A ROOT output is a TTree or an RNTuple as `source` was (or
    /// `format`), named as `source`'s table (or `treeName`, default `events`). Refuses to overwrite unless `force`.
    static func write(_ table: EventTable, to path: String, source: TableDescriptor? = nil, treeName: String? = nil,
                      format: OutputFormat? = nil, metadata: [String: String] = [:], compression: String = "zlib:1",
                      force: Bool) throws {
        let output = try TableOutput.resolve(path: path, input: source, format: format, name: treeName,
                                             metadata: metadata, compression: compression)
        try TableWriter.write(table, output, force: force)
    }
}
