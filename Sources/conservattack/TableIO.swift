import ArrowIPC
import Columnar
import Foundation
import ROOTIO

/// Reading and writing whole tables by file extension: ROOT (`.root`, `FILE[:TREE]`) and Arrow IPC
/// (`.arrow`, `.feather`). Every write is atomic (temporary file + rename); existing outputs need `force`.
enum TableIO {
    enum Format { case root, arrow }

    static func format(of path: String) throws -> Format {
        let ext = URL(fileURLWithPath: path).pathExtension.lowercased()
        switch ext {
        case "root": return .root
        case "arrow", "feather", "ipc": return .arrow
        default: throw ValidationError("unknown output format '.\(ext)' for \(path): use .root, .arrow or .feather")
        }
    }

    /// A table from `FILE[:TREE]` (ROOT) or an Arrow file; `branches` are names or globs (nil = every numeric one).
    static func read(_ spec: String, branches: [String]? = nil, entries: Range<Int>? = nil, threads: Int = 0) throws -> EventTable {
        let input = InputSpec(spec)
        let ext = URL(fileURLWithPath: input.path).pathExtension.lowercased()
        if ext == "arrow" || ext == "feather" || ext == "ipc" {
            // Like a ROOT read (numeric branches only), columns we cannot read (strings, categoricals) are left out.
            let read = try ArrowFileReader.read(path: input.path, skippingUnreadable: true)
            var table = read.table
            if let branches {
                var out = EventTable(rowCount: table.rowCount)
                for pattern in branches {
                    let matches = table.names.filter { glob(pattern, $0) }
                    if matches.isEmpty, let why = read.skipped[pattern] {
                        throw ValidationError("\(input.path): column '\(pattern)' cannot be used: \(why)")
                    }
                    if matches.isEmpty { _ = try table.column(pattern) }   // throws with suggestions
                    for m in matches where out[m] == nil { try out.add(m, try table.column(m)) }
                }
                table = out
            }
            if let entries { table = table.rows(entries.clamped(to: 0..<table.rowCount)) }
            return table
        }
        let (_, tree) = try input.open()
        return try tree.arrays(branches, entries: entries, threads: threads)
    }

    /// Writes a table by the output's extension; refuses to overwrite unless `force`. `compression` is the
    /// user's `--compression`: for ROOT `zlib:1` (default), `lzma:9`, `lz4`, `zstd:5`, `none`; for Arrow `lz4`
    /// (default, as pandas' `to_feather`), `zstd`, `zstd:LEVEL`, `none` (docs/arrow.md says why).
    static func write(_ table: EventTable, to path: String, treeName: String = "events", metadata: [String: String] = [:],
                      compression: String? = nil, force: Bool) throws {
        if FileManager.default.fileExists(atPath: path) && !force {
            throw ValidationError("\(path) exists: pass --force to replace it")
        }
        // A signal mid-write removes this process's temporary file of `path` (the output never appears).
        InterruptCleanup.protect(path)
        defer { InterruptCleanup.release(path) }
        switch try format(of: path) {
        case .arrow:
            let codec: ArrowCompression
            do { codec = try ArrowCompression(parsing: compression ?? "lz4") } catch {
                throw ValidationError("--compression '\(compression ?? "")' for the Arrow output \(path): use lz4, zstd, zstd:LEVEL or none")
            }
            try ArrowFileWriter.write(table, to: path, metadata: metadata, compression: codec)
        case .root:
            try ROOTOutput.write(table, to: path, treeName: treeName, metadata: metadata, compression: compression ?? "zlib:1")
        }
    }
}

import ArgumentParser
