import ArgumentParser
import ArrowIPC
import Columnar
import ROOTCompression
import ROOTWriter

/// ROOT output through ROOTWriter: one TTree (NanoAOD-style counters for jagged columns) or one RNTuple, atomic.
enum ROOTOutput {
    /// How the table is stored in the ROOT file.
    enum Layout: String { case ttree, rntuple }

    static func write(_ table: EventTable, to path: String, treeName: String, metadata: [String: String], compression: String,
                      layout: Layout = .ttree) throws {
        var options = ROOTWriterOptions()
        options.compression = try CompressionSettings(parsing: compression)
        options.metadata = metadata
        InterruptCleanup.protect(path)            // a signal mid-write removes the temporary file
        defer { InterruptCleanup.release(path) }
        switch layout {
        case .ttree: try ROOTFileWriter.write(tables: [(treeName, sanitized(table))], to: path, options: options)
        case .rntuple:
            try RNTupleFileWriter.write(ntuples: [(treeName, sanitized(table, replacing: ["/", ".", " ", "\\"]))], to: path,
                                        options: options)
        }
    }

    /// Branch paths with '/' (nested branches of the input) become flat names with '_' in the output
    /// (RNTuple field names also lose '.', ' ' and '\\').
    static func sanitized(_ table: EventTable, replacing: [String] = ["/"]) throws -> EventTable {
        guard table.names.contains(where: { n in replacing.contains { n.contains($0) } }) else { return table }
        var out = EventTable(rowCount: table.rowCount)
        for n in table.names {
            let flat = replacing.reduce(n) { $0.replacingOccurrences(of: $1, with: "_") }
            guard out[flat] == nil else { throw ValidationError("columns '\(n)' and another one both become '\(flat)' in the output") }
            try out.add(flat, try table.column(n))
        }
        return out
    }
}
