import ROOTIO

/// The tables (TTrees, RNTuples) of a ROOT file, opened by the class of their key.
enum ROOTTables {
    /// Every TTree and RNTuple in the file, '/'-joined directory paths, in file order of each kind.
    static func paths(in file: ROOTFile) throws -> [String] {
        try file.treePaths() + file.rntuplePaths()
    }

    /// The TTree or RNTuple at `name` ("dir/t", "t;2"), by the class of its key.
    static func open(_ file: ROOTFile, name: String, metadata: [String: String]) throws -> any TableSource {
        // A missing key is left to `tree(_:)`'s error, which lists what the directory holds.
        if let key = try? file.key(atPath: name), RNTupleAnchor.classNames.contains(key.className) {
            return RNTupleSource(try file.rntuple(name), file: file.path, metadata: metadata)
        }
        return TTreeSource(try file.tree(name), file: file.path, metadata: metadata)
    }
}
