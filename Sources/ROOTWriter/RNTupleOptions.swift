/// How `RNTupleWriter` cuts an ntuple into clusters, pages and cluster groups (part of `ROOTWriterOptions`).
public struct RNTupleOptions: Sendable, Equatable {
    /// Aim for about this many uncompressed bytes per cluster (summed over all columns; jagged columns are
    /// estimated from the first chunk's average). ROOT aims for ~128 MiB compressed; tens of MB keep memory low.
    public var clusterBytes: Int = 32 << 20
    /// A fixed number of entries per cluster instead of `clusterBytes` (nil = use `clusterBytes`).
    public var clusterEntries: Int? = nil
    /// Target uncompressed page size (ROOT's default target page is 64 KiB); a page holds
    /// max(1, pageBytes × 8 / bits-per-element) elements.
    public var pageBytes: Int = 64 << 10
    /// Clusters per cluster group (one page-list envelope each); 0 = all clusters in one group, as ROOT does.
    public var clustersPerGroup: Int = 0
    /// Append an XXH3-64 checksum after every page (ROOT's default).
    public var pageChecksums: Bool = true
    /// Ntuple description stored in the header envelope.
    public var description: String = ""

    public init() {}

    /// Throws when a size is out of range.
    func validate() throws {
        guard clusterBytes >= 1, clusterBytes <= 1 << 30 else {
            throw ROOTWriterError.invalidOption("RNTuple clusterBytes \(clusterBytes) must be in 1...1 GiB")
        }
        if let n = clusterEntries, n < 1 { throw ROOTWriterError.invalidOption("RNTuple clusterEntries \(n) must be >= 1") }
        guard pageBytes >= 1, pageBytes <= 64 << 20 else {
            throw ROOTWriterError.invalidOption("RNTuple pageBytes \(pageBytes) must be in 1...64 MiB")
        }
        guard clustersPerGroup >= 0 else { throw ROOTWriterError.invalidOption("RNTuple clustersPerGroup must be >= 0") }
    }
}
