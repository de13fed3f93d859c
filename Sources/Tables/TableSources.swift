import ROOTIO

/// Opens any table: dispatches once, on the file's magic bytes and, in a ROOT file, on the key's class.
public enum TableSources {
    /// The table at `FILE[:NAME]`.
    public static func open(_ spec: String) throws -> any TableSource {
        let location = TableLocation(spec)
        return try open(location)
    }

    /// The table at `location`: a ROOT file's named TTree or RNTuple (the only one when unnamed), or an Arrow file.
    public static func open(_ location: TableLocation) throws -> any TableSource {
        switch try FileFormat.detect(path: location.path) {
        case .arrow:
            if let name = location.name {
                throw TableError.notFound(path: location.path, reason: "an Arrow file holds one table: drop ':\(name)'")
            }
            return try ArrowSource(path: location.path)
        case .root:
            let file = try ROOTFile(path: location.path)
            let metadata = file.root.stringObjects()
            let name = try location.name ?? onlyTable(in: file)
            return try ROOTTables.open(file, name: name, metadata: metadata)
        }
    }

    /// The single table of a ROOT file, or an error listing them.
    static func onlyTable(in file: ROOTFile) throws -> String {
        let names = try ROOTTables.paths(in: file)
        guard names.count == 1 else {
            throw ROOTError(.notFound, names.isEmpty ? "no TTree or RNTuple in the file"
                            : "several tables (\(names.joined(separator: ", "))): name one as FILE:NAME", file: file.path)
        }
        return names[0]
    }
}
