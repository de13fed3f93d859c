import Columnar
import ROOTIO

/// A column left out of a whole-table read because it cannot be read, and why.
public struct SkippedColumn: Sendable, CustomStringConvertible {
    public var name: String
    public var reason: String
    public var description: String { "\(name): \(reason)" }
}

extension TableSource {
    /// Every numeric column that can be read: one unreadable branch or field does not cost the rest of the table.
    /// The columns left out come back with their errors; errors of the file itself (cut short, unreadable) are thrown.
    public func readReadable(entries: Range<Int>? = nil, threads: Int = 0) throws -> (table: EventTable, skipped: [SkippedColumn]) {
        do {
            return (try read(nil, entries: entries, threads: threads), [])
        } catch {
            if Self.isFileDamage(error) { throw error }
        }
        var skipped: [SkippedColumn] = []
        var columns: [(String, Column)] = []
        var rows: Int? = nil
        for name in numericColumnNames {
            do {
                let t = try read([name], entries: entries, threads: threads)
                guard let c = t[name] else { continue }
                rows = t.rowCount
                columns.append((name, c))
            } catch {
                if Self.isFileDamage(error) { throw error }
                skipped.append(SkippedColumn(name: name, reason: "\(error)"))
            }
        }
        let entryCount = rows ?? entries.map { $0.clamped(to: 0..<descriptor.entries).count } ?? descriptor.entries
        return (try EventTable(rowCount: entryCount, columns: columns), skipped)
    }

    /// Bytes past the end of the file or an unreadable file: not one column's problem.
    static func isFileDamage(_ error: Error) -> Bool {
        guard let e = error as? ROOTError else { return false }
        return e.kind == .truncated || e.kind == .io
    }
}
