import ROOTIO

/// The tables (TTrees, RNTuples) of a ROOT file, opened by the class of their key.
enum ROOTTables {
    /// Every TTree and RNTuple in the file, '/'-joined directory paths.
    static func paths(in file: ROOTFile) throws -> [String] {
        try file.treePaths()
    }

    /// The TTree or RNTuple at `name`.
    static func open(_ file: ROOTFile, name: String, metadata: [String: String]) throws -> any TableSource {
        TTreeSource(try file.tree(name), file: file.path, metadata: metadata)
    }
}
