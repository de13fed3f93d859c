import ROOTIO

/// The tables (TTrees, RNTuples) of a ROOT file, opened by the class of their key.
enum ROOTTables {
    /// Every TTree and RNTuple in the file, '/'-joined directory paths, in file order of each kind.
    static func paths(in file: ROOTFile) throws -> [String] {
        try file.treePaths() + file.rntuplePaths()
    }

    /// The TTree or RNTuple at `name` ("dir/t", "t;2"), by the class of its key.
    static func open(_ file: ROOTFile, name: String, metadata: [String: String]) throws -> any TableSource {
        if try isRNTuple(file, name) {
            return RNTupleSource(try file.rntuple(name), file: file.path, metadata: metadata)
        }
        return TTreeSource(try file.tree(name), file: file.path, metadata: metadata)
    }

    /// Whether the key at `name` holds an RNTuple anchor (a missing key is left to `tree(_:)`'s error).
    private static func isRNTuple(_ file: ROOTFile, _ name: String) throws -> Bool {
        var parts = name.split(separator: "/").map(String.init)
        guard let last = parts.popLast() else { return false }
        var dir = file.root
        for p in parts {
            guard let sub = try? dir.subdirectory(p) else { return false }
            dir = sub
        }
        guard let key = try? dir.key(last) else { return false }
        return RNTupleAnchor.classNames.contains(key.className)
    }
}
