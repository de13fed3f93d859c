import CZstd

/// zstd ("ZS") blocks: each payload is a zstd frame.
enum ZstdCodec {
    static func decode(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer, blockOffset: Int) throws {
        let r = ZSTD_decompress(output.baseAddress, output.count, input.baseAddress, input.count)
        if ZSTD_isError(r) != 0 {
            let name = String(cString: ZSTD_getErrorName(r))
            if name.lowercased().contains("destination buffer is too small") {
                throw CompressionError.sizeMismatch(offset: blockOffset, algorithm: .zstd, declared: output.count, produced: output.count + 1)
            }
            throw CompressionError.corruptPayload(offset: blockOffset, algorithm: .zstd, detail: "zstd: \(name)")
        }
        guard r == output.count else {
            throw CompressionError.sizeMismatch(offset: blockOffset, algorithm: .zstd, declared: output.count, produced: r)
        }
    }

    static func encode(_ input: UnsafeRawBufferPointer, level: Int, into output: UnsafeMutableRawBufferPointer) throws -> Int? {
        let lvl = Int32(min(max(level, 1), Int(ZSTD_maxCLevel())))
        let r = ZSTD_compress(output.baseAddress, output.count, input.baseAddress, input.count, lvl)
        if ZSTD_isError(r) != 0 {
            // The caller passes at least ZSTD_compressBound bytes, so "too small" cannot be the cause.
            throw CompressionError.compressionFailed(algorithm: .zstd, detail: String(cString: ZSTD_getErrorName(r)))
        }
        return r
    }

    static func bound(_ n: Int) -> Int { ZSTD_compressBound(n) }
}
