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

    /// Writes one zstd frame with its content size and an XXH64-based content checksum (so damaged
    /// payloads are detected on read; every zstd decoder understands the flag).
    static func encode(_ input: UnsafeRawBufferPointer, level: Int, into output: UnsafeMutableRawBufferPointer) throws -> Int? {
        guard let cctx = ZSTD_createCCtx() else {
            throw CompressionError.compressionFailed(algorithm: .zstd, detail: "cannot allocate a compression context")
        }
        defer { ZSTD_freeCCtx(cctx) }
        let lvl = Int32(min(max(level, 1), Int(ZSTD_maxCLevel())))
        for (param, value) in [(ZSTD_c_compressionLevel, lvl), (ZSTD_c_checksumFlag, 1), (ZSTD_c_contentSizeFlag, 1)] {
            let r = ZSTD_CCtx_setParameter(cctx, param, value)
            if ZSTD_isError(r) != 0 {
                throw CompressionError.compressionFailed(algorithm: .zstd, detail: String(cString: ZSTD_getErrorName(r)))
            }
        }
        // The caller passes at least ZSTD_compressBound bytes, so an error is never "output too small".
        let r = ZSTD_compress2(cctx, output.baseAddress, output.count, input.baseAddress, input.count)
        if ZSTD_isError(r) != 0 {
            throw CompressionError.compressionFailed(algorithm: .zstd, detail: String(cString: ZSTD_getErrorName(r)))
        }
        return r
    }

    static func bound(_ n: Int) -> Int { ZSTD_compressBound(n) }
}
