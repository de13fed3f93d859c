import ROOTCompression

/// How many entries go into each basket (all branches of a tree share basket boundaries: cluster-aligned).
public enum BasketSize: Sendable, Equatable {
    /// A fixed number of entries per basket.
    case entries(Int)
    /// Aim for about this many uncompressed bytes in the widest branch's basket (decided from the first chunk).
    case bytes(Int)
}

/// Options of `ROOTFileWriter` / `ROOTTreeWriter`.
public struct ROOTWriterOptions: Sendable {
    /// Basket compression (default zlib level 1, as uproot). Metadata (TTree, streamers) uses the same setting.
    public var compression: CompressionSettings = CompressionSettings(algorithm: .zlib, level: 1)
    public var basketSize: BasketSize = .bytes(256 * 1024)
    /// Largest uncompressed block of a zlib-compressed basket (ROOT, uproot and our reader read a basket as a
    /// chain of blocks; ROOT's own default baskets are 32,000 bytes). libdeflate 1.14's level 1 compresses float
    /// columns in 16 KiB blocks ~1.45x faster than in 256 KiB ones (measured: 158 vs 100 MB/s), for a 0.2% larger
    /// output. Other algorithms use ROOT's 16 MiB cut (their ratio gains from long blocks).
    public var zlibBlockSize: Int = 16 * 1024
    /// Threads used to compress baskets (0 = all cores). The output does not depend on this value.
    public var threads: Int = 0
    /// Title of every tree written.
    public var treeTitle: String = ""
    /// Written as TObjString keys in the top directory (key name = dictionary key), sorted by name.
    public var metadata: [String: String] = [:]
    /// Explicit counter names for jagged columns (column → counter branch); others follow the NanoAOD rule.
    public var counterNames: [String: String] = [:]
    /// Save the tree metadata (a new TTree key cycle, keys list, header) every this many clusters; 0 = only at close.
    public var autosaveEveryClusters: Int = 64
    /// Cluster, page and cluster-group sizes of RNTuples (`RNTupleFileWriter`, `ROOTFileWriter.makeNTuple`).
    public var rntuple = RNTupleOptions()
    /// Unix time stamped into keys and directories (nil = now); fixing it makes output reproducible.
    public var timestamp: Int64? = nil

    public init() {}

    /// The block size `ROOTCompressor` gets for this file's compression setting.
    var compressionBlockSize: Int {
        compression.algorithm == .zlib ? zlibBlockSize : ROOTBlockHeader.maxBlockSize
    }
}
