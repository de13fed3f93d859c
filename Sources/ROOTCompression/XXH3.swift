import CXXHash

/// XXH3-64 (xxHash 0.8, seed 0): RNTuple's envelope and page checksum. Computed by libxxhash.
public enum XXH3 {
    /// The XXH3-64 hash of `bytes`.
    public static func hash64(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        XXH3_64bits(bytes.baseAddress, bytes.count)
    }

    /// The XXH3-64 hash of `bytes`.
    public static func hash64(_ bytes: [UInt8]) -> UInt64 {
        bytes.withUnsafeBytes { hash64($0) }
    }

    /// The XXH3-64 hash of `bytes[range]`.
    public static func hash64(_ bytes: [UInt8], _ range: Range<Int>) -> UInt64 {
        bytes.withUnsafeBytes { hash64(UnsafeRawBufferPointer(rebasing: $0[range])) }
    }
}
