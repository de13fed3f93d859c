/// Encodes objects as ROOT compressed blocks (see `ROOTBlockHeader`), cutting inputs larger than
/// 0xffffff bytes into several blocks as ROOT does. zlib output is a standard zlib stream made by
/// libdeflate, readable by any zlib-based reader. Stateless and thread-safe.
public enum ROOTCompressor {
    /// Compress `input` into ROOT blocks with `settings`; returns the input bytes unchanged when compression
    /// would not make it smaller or settings are .none (ROOT then stores the object uncompressed).
    /// `blockSize` (at most 0xffffff, ROOT's own cut) is the largest uncompressed block: ROOT, uproot and our reader
    /// read an object as a chain of blocks, so smaller blocks stay readable everywhere.
    public static func compress(_ input: UnsafeRawBufferPointer, settings: CompressionSettings,
                                blockSize: Int = ROOTBlockHeader.maxBlockSize) throws -> [UInt8] {
        guard let algorithm = settings.algorithm, settings.level > 0, input.count > 0 else { return [UInt8](input) }
        if algorithm == .oldROOT { throw CompressionError.unsupportedForCompression(.oldROOT) }
        let maxChunk = min(max(1, blockSize), ROOTBlockHeader.maxBlockSize)
        let chunks = (input.count + maxChunk - 1) / maxChunk
        // Room for every block at its worst case; untouched capacity costs nothing.
        let capacity = chunks * ROOTBlockHeader.size + (chunks - 1) * bound(algorithm, maxChunk)
            + bound(algorithm, input.count - (chunks - 1) * maxChunk)
        var stored = false
        let out = try [UInt8](unsafeUninitializedCapacity: capacity) { buffer, count in
            count = 0
            let dst = UnsafeMutableRawBufferPointer(buffer)
            var pos = 0, written = 0
            while pos < input.count {
                let n = min(maxChunk, input.count - pos)
                let chunk = UnsafeRawBufferPointer(rebasing: input[pos ..< pos + n])
                let payloadStart = written + ROOTBlockHeader.size
                let room = UnsafeMutableRawBufferPointer(rebasing: dst[payloadStart...])
                let c: Int?
                switch algorithm {
                case .zlib: c = try ZlibCodec.encode(chunk, level: settings.level, into: room)
                case .lzma: c = try LZMACodec.encode(chunk, level: settings.level, into: room)
                case .lz4: c = try LZ4Codec.encode(chunk, level: settings.level, into: room)
                case .zstd: c = try ZstdCodec.encode(chunk, level: settings.level, into: room)
                case .oldROOT: throw CompressionError.unsupportedForCompression(.oldROOT)
                }
                // Only a strictly smaller object is worth storing compressed.
                guard let c, c <= ROOTBlockHeader.maxBlockSize, payloadStart + c < input.count else { stored = true; return }
                let header = try ROOTBlockHeader(algorithm: algorithm, compressedSize: c, uncompressedSize: n).bytes
                for (k, b) in header.enumerated() { dst[written + k] = b }
                written = payloadStart + c
                pos += n
            }
            count = written
        }
        return stored ? [UInt8](input) : out
    }

    /// Compress `input` into ROOT blocks with `settings` (see the raw-buffer overload).
    public static func compress(_ input: [UInt8], settings: CompressionSettings,
                                blockSize: Int = ROOTBlockHeader.maxBlockSize) throws -> [UInt8] {
        try input.withUnsafeBytes { try compress($0, settings: settings, blockSize: blockSize) }
    }

    /// Worst-case encoded size of one chunk of `n` bytes (payload only).
    static func bound(_ algorithm: CompressionAlgorithm, _ n: Int) -> Int {
        switch algorithm {
        case .zlib: return ZlibCodec.bound(n)
        case .lzma: return LZMACodec.bound(n)
        case .lz4: return LZ4Codec.bound(n)
        case .zstd: return ZstdCodec.bound(n)
        case .oldROOT: return n
        }
    }
}
