import Columnar
import Foundation
import Tables

/// The commands' short way into the table seam (Sources/Tables): `FILE[:NAME]` of a TTree, an RNTuple or an
/// Arrow file in; TTree, RNTuple or Arrow out, keeping the input's kind and name unless told otherwise.
enum TableIO {
    /// The table at `FILE[:NAME]`.
    static func open(_ spec: String) throws -> any TableSource { try TableSources.open(spec) }

    /// Columns of the table at `spec`; `branches` are names or globs (nil = every readable numeric one).
    static func read(_ spec: String, branches: [String]? = nil, entries: Range<Int>? = nil, threads: Int = 0) throws -> EventTable {
        try read(open(spec), branches: branches, entries: entries, threads: threads)
    }

    /// Columns of `source`: the named ones (an unreadable one is an error naming it), or with `branches` nil every
    /// numeric column that can be read, warning on stderr about each one left out.
    static func read(_ source: any TableSource, branches: [String]? = nil, entries: Range<Int>? = nil, threads: Int = 0) throws -> EventTable {
        if let branches { return try source.read(branches, entries: entries, threads: threads) }
        let (table, skipped) = try source.readReadable(entries: entries, threads: threads)
        for s in skipped {
            FileHandle.standardError.write(Data("conservattack: warning: \(source.descriptor.spec): skipping unreadable column \(s)\n".utf8))
        }
        return table
    }

    /// Writes a table by the output's extension. A ROOT output is a TTree or an RNTuple as `source` was (or
    /// `format`), named as `source`'s table (or `treeName`, default `events`). `compression` is the user's
    /// `--compression`: for ROOT `zlib:1` (default), `lzma:9`, `lz4`, `zstd:5`, `none`; for Arrow `lz4` (default, as
    /// pandas' `to_feather`), `zstd`, `zstd:LEVEL`, `none` (docs/arrow.md says why). Refuses to overwrite unless `force`.
    static func write(_ table: EventTable, to path: String, source: TableDescriptor? = nil, treeName: String? = nil,
                      format: OutputFormat? = nil, metadata: [String: String] = [:], compression: String? = nil,
                      force: Bool) throws {
        let output = try TableOutput.resolve(path: path, input: source, format: format, name: treeName,
                                             metadata: metadata, compression: compression)
        try TableWriter.write(table, output, force: force)
    }

    /// Checks an output's extension and compression before any work is done.
    static func checkOutput(_ path: String, format: OutputFormat? = nil, compression: String? = nil) throws {
        try TableOutput.resolve(path: path, input: nil, format: format, compression: compression).checkCompression()
    }
}
