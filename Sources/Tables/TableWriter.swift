import ArrowIPC
import Columnar
import Foundation
import ROOTCompression
import ROOTWriter

/// The container and object an output table is written as.
public enum OutputFormat: String, Sendable, CaseIterable {
    case ttree, rntuple, arrow
}

/// Where and how a table is written: the output keeps the input's kind and name unless told otherwise.
public struct TableOutput: Sendable, Equatable {
    public var path: String
    public var format: OutputFormat
    /// Name of the TTree or RNTuple (with its directory path) in a ROOT output; unused for Arrow.
    public var name: String
    public var metadata: [String: String]
    /// ROOT outputs: "zlib:1" (nil), "lzma:9", "lz4", "zstd:5", "none"; Arrow outputs: "lz4" (nil), "zstd", "zstd:N", "none".
    public var compression: String?

    public init(path: String, format: OutputFormat, name: String, metadata: [String: String] = [:], compression: String? = nil) {
        self.path = path; self.format = format; self.name = name; self.metadata = metadata; self.compression = compression
    }

    /// The output for `path`, by its extension: `.arrow`/`.feather`/`.ipc` → Arrow; `.root` → a TTree or an RNTuple
    /// as the input was (`format` overrides), named as the input's table (`name` overrides; default `events`).
    public static func resolve(path: String, input: TableDescriptor?, format: OutputFormat? = nil, name: String? = nil,
                               metadata: [String: String] = [:], compression: String? = nil) throws -> TableOutput {
        let ext = URL(fileURLWithPath: path).pathExtension.lowercased()
        let resolved: OutputFormat
        switch ext {
        case "arrow", "feather", "ipc":
            if let format, format != .arrow {
                throw TableError.unsupportedOutput(path: path, reason: "a \(format.rawValue) needs a .root output (a .\(ext) file holds an Arrow table)")
            }
            resolved = .arrow
        case "root":
            if format == .arrow {
                throw TableError.unsupportedOutput(path: path, reason: "an Arrow table needs a .arrow or .feather file")
            }
            resolved = format ?? (input?.kind == .rntuple ? .rntuple : .ttree)
        default:
            throw TableError.unsupportedOutput(path: path, reason: "unknown output format '.\(ext)': use .root, .arrow or .feather")
        }
        let inputName = input.flatMap { $0.name.isEmpty ? nil : $0.name }
        let plain = (name ?? inputName ?? "events").split(separator: ";").first.map(String.init) ?? "events"
        guard !plain.isEmpty, !plain.hasPrefix("/"), !plain.hasSuffix("/"), !plain.contains("//") else {
            throw TableError.unsupportedOutput(path: path, reason: "'\(plain)' is not a valid table name")
        }
        return TableOutput(path: path, format: resolved, name: plain, metadata: metadata, compression: compression)
    }
}

extension TableOutput {
    /// The ROOT writer's settings (zlib level 1 unless told otherwise).
    func rootCompression() throws -> CompressionSettings {
        do { return try CompressionSettings(parsing: compression ?? "zlib:1") } catch {
            throw TableError.unsupportedOutput(path: path, reason: "--compression '\(compression ?? "")': \(error)")
        }
    }

    /// The Arrow writer's codec (LZ4 frames unless told otherwise, as pandas' `to_feather`).
    func arrowCompression() throws -> ArrowCompression {
        do { return try ArrowCompression(parsing: compression ?? "lz4") } catch {
            throw TableError.unsupportedOutput(path: path, reason: "--compression '\(compression ?? "")' for an Arrow output: use lz4, zstd, zstd:LEVEL or none")
        }
    }

    /// Throws when `compression` does not suit the format.
    public func checkCompression() throws {
        if format == .arrow { _ = try arrowCompression() } else { _ = try rootCompression() }
    }
}

/// Writes tables; every write is atomic (temporary file + rename) and never replaces a file unless `force`.
public enum TableWriter {
    public static func write(_ table: EventTable, _ output: TableOutput, force: Bool) throws {
        if FileManager.default.fileExists(atPath: output.path) && !force {
            throw TableError.unsupportedOutput(path: output.path, reason: "exists: pass --force to replace it")
        }
        // A signal mid-write removes this process's temporary file of the output (the output never appears).
        InterruptCleanup.protect(output.path)
        defer { InterruptCleanup.release(output.path) }
        switch output.format {
        case .arrow:
            try ArrowFileWriter.write(table, to: output.path, metadata: output.metadata, compression: try output.arrowCompression())
        case .ttree:
            var options = ROOTWriterOptions()
            options.compression = try output.rootCompression()
            options.metadata = output.metadata
            try ROOTFileWriter.write(tables: [(output.name, try sanitized(table, output: output.path))], to: output.path, options: options)
        case .rntuple:
            var options = ROOTWriterOptions()
            options.compression = try output.rootCompression()
            options.metadata = output.metadata
            try RNTupleFileWriter.write(ntuples: [(output.name, try sanitized(table, output: output.path, replacing: ["/", ".", " ", "\\"]))],
                                        to: output.path, options: options)
        }
    }

    /// Column paths with '/' (nested branches or record members of the input) become flat names with '_'
    /// (RNTuple field names also lose '.', ' ' and '\\'); two columns that would get one name are an error.
    static func sanitized(_ table: EventTable, output: String, replacing: [String] = ["/"]) throws -> EventTable {
        guard table.names.contains(where: { n in replacing.contains { n.contains($0) } }) else { return table }
        var out = EventTable(rowCount: table.rowCount)
        for n in table.names {
            let flat = replacing.reduce(n) { $0.replacingOccurrences(of: $1, with: "_") }
            guard out[flat] == nil else {
                throw TableError.unsupportedOutput(path: output, reason: "columns '\(n)' and another one both become '\(flat)'")
            }
            try out.add(flat, try table.column(n))
        }
        return out
    }
}
