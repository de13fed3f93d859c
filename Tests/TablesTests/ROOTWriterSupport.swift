import Columnar
import ROOTWriter

/// ROOT files with more than one table, written by our writer.
enum ROOTWriterSupport {
    static func writeTwoTrees(to path: String, _ table: EventTable) throws {
        try ROOTFileWriter.write(tables: [("a", table), ("b", table)], to: path)
    }
}
