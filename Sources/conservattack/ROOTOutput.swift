import ArgumentParser
import ArrowIPC
import Columnar
import ROOTCompression
import ROOTWriter

/// ROOT output through ROOTWriter: one TTree, NanoAOD-style counters for jagged columns, atomic.
enum ROOTOutput {
    static func write(_ table: EventTable, to path: String, treeName: String, metadata: [String: String], compression: String) throws {
        var options = ROOTWriterOptions()
        options.compression = try CompressionSettings(parsing: compression)
        options.metadata = metadata
        InterruptCleanup.protect(path)            // a signal mid-write removes the temporary file
        defer { InterruptCleanup.release(path) }
        try ROOTFileWriter.write(tables: [(treeName, sanitized(table))], to: path, options: options)
    }

    /// Branch paths with '/' (nested branches of the input) become flat names with '_' in the output.
    static func sanitized(_ table: EventTable) throws -> EventTable {
        guard table.names.contains(where: { $0.contains("/") }) else { return table }
        var out = EventTable(rowCount: table.rowCount)
        for n in table.names { try out.add(n.replacingOccurrences(of: "/", with: "_"), try table.column(n)) }
        return out
    }
}
