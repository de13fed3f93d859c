import ArrowIPC
import Columnar
import ROOTIO

/// An Arrow IPC (Feather v2) file as a table source; the file is read whole when opened. Like a ROOT read keeps
/// numeric branches, columns we cannot read (strings, categoricals, timestamps) are left out; naming one is an error.
public final class ArrowSource: TableSource {
    public let table: EventTable
    public let descriptor: TableDescriptor
    /// Columns left out: name → why.
    public let unreadable: [String: String]

    public init(path: String) throws {
        let (table, metadata, skipped) = try ArrowFileReader.read(path: path, skippingUnreadable: true)
        self.table = table
        unreadable = skipped
        descriptor = TableDescriptor(kind: .arrow, file: path, name: "", entries: table.rowCount, metadata: metadata)
    }

    public var numericColumnNames: [String] { table.names }

    public func read(_ patterns: [String]?, entries: Range<Int>?, threads: Int) throws -> EventTable {
        var out = table
        if let patterns {
            out = EventTable(rowCount: table.rowCount)
            for pattern in patterns {
                let matches = table.names.filter { glob(pattern, $0) }
                if matches.isEmpty, let why = unreadable[pattern] {
                    throw TableError.notFound(path: descriptor.file, reason: "column '\(pattern)' cannot be used: \(why)")
                }
                if matches.isEmpty { _ = try table.column(pattern) }   // throws with suggestions
                for m in matches where out[m] == nil { try out.add(m, try table.column(m)) }
            }
        }
        if let entries { out = out.rows(entries.clamped(to: 0..<out.rowCount)) }
        return out
    }
}
