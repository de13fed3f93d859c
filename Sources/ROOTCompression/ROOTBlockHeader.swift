/// The 9-byte header that opens every block of a ROOT compressed object.
///
/// | bytes | field              | meaning                                                          |
/// |-------|--------------------|------------------------------------------------------------------|
/// | 0..<2 | tag                | "ZL" zlib, "XZ" lzma (.xz stream), "L4" lz4, "ZS" zstd, "CS" old |
/// | 2     | method             | ZL: 8 (Z_DEFLATED); XZ: 0; L4: 1 (lz4 major); ZS: 1 (zstd major) |
/// | 3..<6 | compressed size    | little-endian 24-bit: payload bytes after this header            |
/// | 6..<9 | uncompressed size  | little-endian 24-bit: bytes this block decodes to                |
/// | 9..   | payload            | L4 only: 8-byte big-endian XXH64 of the rest, then the LZ4 block |
///
/// Objects bigger than `maxBlockSize` (0xffffff) bytes are cut into consecutive blocks.
public struct ROOTBlockHeader: Sendable, Equatable {
    /// Bytes in the header.
    public static let size = 9
    /// The largest size a 24-bit field can hold, hence the largest block.
    public static let maxBlockSize = 0xff_ffff
    /// Bytes of checksum that open an LZ4 payload.
    public static let lz4ChecksumSize = 8

    /// The raw two-byte tag.
    public var tag: (UInt8, UInt8)
    public var method: UInt8
    /// Payload bytes after the header (for LZ4 including the 8-byte checksum).
    public var compressedSize: Int
    /// Bytes the payload decodes to.
    public var uncompressedSize: Int

    public static func == (a: ROOTBlockHeader, b: ROOTBlockHeader) -> Bool {
        a.tag == b.tag && a.method == b.method && a.compressedSize == b.compressedSize
            && a.uncompressedSize == b.uncompressedSize
    }

    /// The algorithm the tag names, nil for an unknown tag.
    public var algorithm: CompressionAlgorithm? { Self.algorithm(tag: tag) }

    /// The algorithm a two-byte tag names, nil for an unknown tag.
    public static func algorithm(tag: (UInt8, UInt8)) -> CompressionAlgorithm? {
        switch tag {
        case (0x5A, 0x4C): return .zlib     // "ZL"
        case (0x58, 0x5A): return .lzma     // "XZ"
        case (0x43, 0x53): return .oldROOT  // "CS"
        case (0x4C, 0x34): return .lz4      // "L4"
        case (0x5A, 0x53): return .zstd     // "ZS"
        default: return nil
        }
    }

    /// A header for a block; both sizes must fit 24 bits (0...0xffffff).
    public init(algorithm: CompressionAlgorithm, compressedSize: Int, uncompressedSize: Int) throws {
        let range = 0...Self.maxBlockSize
        guard range.contains(compressedSize), range.contains(uncompressedSize) else {
            throw CompressionError.invalidArgument(
                "block sizes \(compressedSize)/\(uncompressedSize) do not fit the 24-bit header fields (max \(Self.maxBlockSize))")
        }
        let t = Array(algorithm.tag.utf8)
        self.tag = (t[0], t[1])
        self.method = Self.method(for: algorithm)
        self.compressedSize = compressedSize
        self.uncompressedSize = uncompressedSize
    }

    /// Parses the header at `offset` of `bytes`; throws `truncatedHeader` when fewer than 9 bytes remain.
    public init(parsing bytes: UnsafeRawBufferPointer, at offset: Int) throws {
        guard offset >= 0, offset <= bytes.count, bytes.count - offset >= Self.size else {
            throw CompressionError.truncatedHeader(offset: offset, available: max(0, bytes.count - offset))
        }
        func u24(_ i: Int) -> Int {
            Int(bytes[offset + i]) | Int(bytes[offset + i + 1]) << 8 | Int(bytes[offset + i + 2]) << 16
        }
        tag = (bytes[offset], bytes[offset + 1])
        method = bytes[offset + 2]
        compressedSize = u24(3)
        uncompressedSize = u24(6)
    }

    /// The method byte ROOT writes for `algorithm`.
    public static func method(for algorithm: CompressionAlgorithm) -> UInt8 {
        switch algorithm {
        case .zlib, .oldROOT: return 8
        case .lzma: return 0
        case .lz4, .zstd: return 1
        }
    }

    /// The 9 header bytes (sizes are truncated to their low 24 bits; the initialiser checks them).
    public var bytes: [UInt8] {
        [tag.0, tag.1, method,
                UInt8(truncatingIfNeeded: compressedSize), UInt8(truncatingIfNeeded: compressedSize >> 8),
                UInt8(truncatingIfNeeded: compressedSize >> 16),
                UInt8(truncatingIfNeeded: uncompressedSize), UInt8(truncatingIfNeeded: uncompressedSize >> 8),
                UInt8(truncatingIfNeeded: uncompressedSize >> 16)]
    }
}
