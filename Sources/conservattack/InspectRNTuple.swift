import ROOTIO

/// `inspect` lines for one RNTuple: entries, clusters and cluster groups, then one line per leaf field with
/// its C++ type, how it is read (kind and dtype, or why not), its columns and their sizes.
extension InspectCommand {
    func printRNTuple(_ path: String, key: Key, file f: ROOTFile, pad: String) {
        let tuple: RNTuple
        do {
            tuple = try f.rntuple(path)
        } catch {
            emit("\(pad)\(key.className) \(key.name);\(key.cycle)  unreadable: \(error)")
            return
        }
        emit("\(pad)\(key.className) \(key.name);\(key.cycle)  \(tuple.entryCount) entries  \(tuple.clusters.count) clusters"
             + " in \(tuple.clusterGroupCount) cluster groups  format \(tuple.anchor.versionString)"
             + (tuple.description.isEmpty ? "" : "  \"\(tuple.description)\""))
        let rows = tuple.fields.filter { fi in
            branches.isEmpty || branches.contains { glob($0, fi.path) || glob($0, fi.path.split(separator: "/").last.map(String.init) ?? "") }
        }
        let inner = pad + "  "
        let nameWidth = min(48, max(10, rows.map { $0.path.count }.max() ?? 10))
        let typeWidth = min(40, max(8, rows.map { $0.typeName.count }.max() ?? 8))
        emit(inner + "field".padded(nameWidth) + "  " + "C++ type".padded(typeWidth) + "  " + "read as".padded(22)
             + "  " + "compressed".leftPadded(12) + "  " + "uncompressed".leftPadded(12) + "  columns")
        for fi in rows {
            let readAs: String
            switch fi.kind {
            case .flat: readAs = fi.dtype!.rawValue
            case .fixed: readAs = fi.shape.map { "\($0)" }.joined(separator: " * ") + " * " + fi.dtype!.rawValue
            case .jagged: readAs = "var * " + fi.dtype!.rawValue
            case .other: readAs = "unsupported: \(fi.unsupportedReason ?? "")"
            }
            let columns = fi.columns.map { c in
                c.typeName + (c.typeName.hasPrefix("Real32") && c.bitsOnStorage != 32 ? "(\(c.bitsOnStorage) bits)" : "")
                    + (fi.columns.contains { $0.representationIndex > 0 } ? "#\(c.representationIndex)" : "")
            }.joined(separator: ", ")
            emit(inner + fi.path.padded(nameWidth) + "  " + fi.typeName.padded(typeWidth) + "  " + readAs.padded(22)
                 + "  " + String(fi.compressedBytes).leftPadded(12) + "  " + String(fi.uncompressedBytes).leftPadded(12) + "  " + columns)
        }
    }
}
