import CLZ4

/// lz4 ("L4") blocks: an 8-byte big-endian XXH64 of the LZ4 data, then one raw LZ4 block.
enum LZ4Codec {
    /// `input` is the whole payload (checksum + LZ4 block); `blockOffset` is where the block header starts.
    static func decode(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer,
                       blockOffset: Int, verifyChecksum: Bool) throws {
        let cs = ROOTBlockHeader.lz4ChecksumSize
        guard input.count >= cs else {
            throw CompressionError.invalidBlockHeader(offset: blockOffset,
                reason: "lz4 payload of \(input.count) bytes cannot hold its \(cs)-byte checksum")
        }
        let data = UnsafeRawBufferPointer(rebasing: input[cs...])
        if verifyChecksum {
            var stored: UInt64 = 0
            for i in 0..<cs { stored = stored << 8 | UInt64(input[i]) }
            let computed = XXHash64.hash(data)
            guard stored == computed else {
                throw CompressionError.checksumMismatch(offset: blockOffset + ROOTBlockHeader.size, stored: stored, computed: computed)
            }
        }
        guard let src = data.baseAddress, let dst = output.baseAddress, data.count > 0 else {
            throw CompressionError.corruptPayload(offset: blockOffset, algorithm: .lz4, detail: "empty lz4 block")
        }
        let n = LZ4_decompress_safe(src.assumingMemoryBound(to: CChar.self), dst.assumingMemoryBound(to: CChar.self),
                                    Int32(data.count), Int32(output.count))
        guard n >= 0 else {
            if let bigger = decodedSizeIfLarger(data, than: output.count) {
                throw CompressionError.sizeMismatch(offset: blockOffset, algorithm: .lz4, declared: output.count, produced: bigger)
            }
            throw CompressionError.corruptPayload(offset: blockOffset, algorithm: .lz4,
                                                  detail: "LZ4_decompress_safe failed near input byte \(-Int(n))")
        }
        guard Int(n) == output.count else {
            throw CompressionError.sizeMismatch(offset: blockOffset, algorithm: .lz4, declared: output.count, produced: Int(n))
        }
    }

    /// On failure, tells whether the block is valid but bigger than declared (decoding into a scratch
    /// buffer bounded by LZ4's maximum ratio and the 24-bit block limit); nil if it is corrupt.
    private static func decodedSizeIfLarger(_ data: UnsafeRawBufferPointer, than declared: Int) -> Int? {
        let cap = min(ROOTBlockHeader.maxBlockSize, data.count * 255 + 16)
        guard cap > declared, let src = data.baseAddress else { return nil }
        let scratch = UnsafeMutableRawPointer.allocate(byteCount: cap, alignment: 16)
        defer { scratch.deallocate() }
        let n = LZ4_decompress_safe(src.assumingMemoryBound(to: CChar.self), scratch.assumingMemoryBound(to: CChar.self),
                                    Int32(data.count), Int32(cap))
        return Int(n) > declared ? Int(n) : nil
    }

    /// Writes checksum + LZ4 block into `output`; returns the payload size, nil when it does not fit.
    static func encode(_ input: UnsafeRawBufferPointer, level: Int, into output: UnsafeMutableRawBufferPointer) throws -> Int? {
        let cs = ROOTBlockHeader.lz4ChecksumSize
        guard output.count > cs, let src = input.baseAddress, let dst = output.baseAddress else { return nil }
        // lz4.h offers only the fast compressor; lower ROOT levels trade ratio for speed via acceleration.
        let acceleration = Int32(max(1, 4 - level))
        let n = LZ4_compress_fast(src.assumingMemoryBound(to: CChar.self),
                                  (dst + cs).assumingMemoryBound(to: CChar.self),
                                  Int32(input.count), Int32(min(output.count - cs, Int(Int32.max))), acceleration)
        guard n > 0 else { return nil }
        let h = XXHash64.hash(UnsafeRawBufferPointer(start: dst + cs, count: Int(n)))
        for i in 0..<cs { output[i] = UInt8(truncatingIfNeeded: h >> (56 - 8 * UInt64(i))) }
        return cs + Int(n)
    }

    static func bound(_ n: Int) -> Int { Int(LZ4_compressBound(Int32(n))) + ROOTBlockHeader.lz4ChecksumSize }
}
