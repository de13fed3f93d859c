/// Encodes objects as ROOT compressed blocks (see `ROOTBlockHeader`), cutting inputs larger than
/// 0xffffff bytes into several blocks as ROOT does. zlib output is a standard zlib stream made by
/// libdeflate, readable by any zlib-based reader. Stateless and thread-safe.
public enum ROOTCompressor {
    /// Compress `input` into ROOT blocks with `settings`; returns the input bytes unchanged when compression
    /// would not make it smaller or settings are .none (ROOT then stores the object uncompressed).
    public static func compress(_ input: UnsafeRawBufferPointer, settings: CompressionSettings) throws -> [UInt8] {
        guard let algorithm = settings.algorithm, settings.level > 0, input.count > 0 else { return [UInt8](input) }
        if algorithm == .oldROOT { throw CompressionError.unsupportedForCompression(.oldROOT) }
        // The result is only useful if strictly smaller than the input.
        let budget = input.count - 1
        var out = [UInt8]()
        out.reserveCapacity(min(budget, input.count / 2 + 64))
        let maxChunk = ROOTBlockHeader.maxBlockSize
        var scratch = [UInt8](repeating: 0, count: bound(algorithm, min(input.count, maxChunk)))
        var pos = 0
        while pos < input.count {
            let n = min(maxChunk, input.count - pos)
            let chunk = UnsafeRawBufferPointer(rebasing: input[pos ..< pos + n])
            let written: Int? = try scratch.withUnsafeMutableBytes { dst in
                switch algorithm {
                case .zlib: return try ZlibCodec.encode(chunk, level: settings.level, into: dst)
                case .lzma: return try LZMACodec.encode(chunk, level: settings.level, into: dst)
                case .lz4: return try LZ4Codec.encode(chunk, level: settings.level, into: dst)
                case .zstd: return try ZstdCodec.encode(chunk, level: settings.level, into: dst)
                case .oldROOT: throw CompressionError.unsupportedForCompression(.oldROOT)
                }
            }
            guard let c = written, c <= maxChunk, out.count + ROOTBlockHeader.size + c <= budget else {
                return [UInt8](input)
            }
            out.append(contentsOf: ROOTBlockHeader(algorithm: algorithm, compressedSize: c, uncompressedSize: n).bytes)
            out.append(contentsOf: scratch[0 ..< c])
            pos += n
        }
        return out
    }

    /// Compress `input` into ROOT blocks with `settings` (see the raw-buffer overload).
    public static func compress(_ input: [UInt8], settings: CompressionSettings) throws -> [UInt8] {
        try input.withUnsafeBytes { try compress($0, settings: settings) }
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
