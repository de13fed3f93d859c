/// Decodes ROOT compressed objects (TKey payloads, TBasket buffers): a sequence of blocks, each a
/// `ROOTBlockHeader` followed by its payload, whose uncompressed sizes add up to the object's length.
///
/// Checks: every header is complete, its tag known, its payload inside the input, its declared
/// uncompressed size within what the object still lacks (so corrupt headers never allocate or overrun),
/// every block decodes to exactly its declared size, LZ4 checksums match, no bytes follow the last block.
/// Stateless and thread-safe.
public enum ROOTDecompressor {
    /// Decompress a whole ROOT compressed object into `output` (exactly `output.count` bytes expected).
    /// - Parameters:
    ///   - zlibDecoder: which library decodes "ZL" blocks (libdeflate by default).
    ///   - verifyLZ4Checksum: check each LZ4 block's xxhash64 (default true).
    public static func decompress(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer,
                                  zlibDecoder: ZlibDecoder = .libdeflate, verifyLZ4Checksum: Bool = true) throws {
        var inPos = 0, outPos = 0
        while outPos < output.count {
            let blockStart = inPos
            let header = try ROOTBlockHeader(parsing: input, at: inPos)
            guard let algorithm = header.algorithm else {
                throw CompressionError.unknownAlgorithm(tag: [header.tag.0, header.tag.1], offset: blockStart)
            }
            if algorithm == .oldROOT { throw CompressionError.unsupportedOldROOTAlgorithm(offset: blockStart) }
            guard header.uncompressedSize > 0, header.compressedSize > 0 else {
                throw CompressionError.invalidBlockHeader(offset: blockStart,
                    reason: "zero size (compressed \(header.compressedSize), uncompressed \(header.uncompressedSize))")
            }
            let remainingOut = output.count - outPos
            guard header.uncompressedSize <= remainingOut else {
                throw CompressionError.declaredSizeTooLarge(offset: blockStart, declared: header.uncompressedSize, remaining: remainingOut)
            }
            let payloadStart = inPos + ROOTBlockHeader.size
            let available = input.count - payloadStart
            guard header.compressedSize <= available else {
                throw CompressionError.truncatedPayload(offset: blockStart, declared: header.compressedSize, available: available)
            }
            let payload = UnsafeRawBufferPointer(rebasing: input[payloadStart ..< payloadStart + header.compressedSize])
            let target = UnsafeMutableRawBufferPointer(rebasing: output[outPos ..< outPos + header.uncompressedSize])
            switch algorithm {
            case .zlib: try ZlibCodec.decode(payload, into: target, blockOffset: blockStart, decoder: zlibDecoder)
            case .lzma: try LZMACodec.decode(payload, into: target, blockOffset: blockStart)
            case .lz4: try LZ4Codec.decode(payload, into: target, blockOffset: blockStart, verifyChecksum: verifyLZ4Checksum)
            case .zstd: try ZstdCodec.decode(payload, into: target, blockOffset: blockStart)
            case .oldROOT: throw CompressionError.unsupportedOldROOTAlgorithm(offset: blockStart)
            }
            inPos = payloadStart + header.compressedSize
            outPos += header.uncompressedSize
        }
        if inPos != input.count {
            throw CompressionError.trailingBytes(offset: inPos, count: input.count - inPos)
        }
    }

    /// Decompress a whole ROOT compressed object of `uncompressedSize` bytes.
    public static func decompress(_ input: [UInt8], uncompressedSize: Int,
                                  zlibDecoder: ZlibDecoder = .libdeflate, verifyLZ4Checksum: Bool = true) throws -> [UInt8] {
        try input.withUnsafeBytes {
            try decompress($0, uncompressedSize: uncompressedSize, zlibDecoder: zlibDecoder, verifyLZ4Checksum: verifyLZ4Checksum)
        }
    }

    /// Decompress a whole ROOT compressed object of `uncompressedSize` bytes from raw memory (e.g. a mapped file).
    /// The framing is validated before the output is allocated.
    public static func decompress(_ input: UnsafeRawBufferPointer, uncompressedSize: Int,
                                  zlibDecoder: ZlibDecoder = .libdeflate, verifyLZ4Checksum: Bool = true) throws -> [UInt8] {
        guard uncompressedSize >= 0 else { throw CompressionError.invalidArgument("negative uncompressed size \(uncompressedSize)") }
        try validateFraming(input, uncompressedSize: uncompressedSize)
        return try [UInt8](unsafeUninitializedCapacity: uncompressedSize) { buffer, count in
            count = 0
            try decompress(input, into: UnsafeMutableRawBufferPointer(buffer), zlibDecoder: zlibDecoder, verifyLZ4Checksum: verifyLZ4Checksum)
            count = uncompressedSize
        }
    }

    /// ROOT stores an object uncompressed exactly when its on-disk size equals its in-memory size.
    public static func isCompressed(compressedSize: Int, uncompressedSize: Int) -> Bool {
        compressedSize != uncompressedSize
    }

    /// The object's bytes: a copy of `input` when it is stored uncompressed (`input.count == uncompressedSize`),
    /// otherwise its decompression.
    public static func decompressIfNeeded(_ input: [UInt8], uncompressedSize: Int,
                                          zlibDecoder: ZlibDecoder = .libdeflate) throws -> [UInt8] {
        if !isCompressed(compressedSize: input.count, uncompressedSize: uncompressedSize) { return input }
        return try decompress(input, uncompressedSize: uncompressedSize, zlibDecoder: zlibDecoder)
    }

    /// Like `decompressIfNeeded` for raw buffers: copies when `input.count == output.count`.
    public static func decompressIfNeeded(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer,
                                          zlibDecoder: ZlibDecoder = .libdeflate) throws {
        if !isCompressed(compressedSize: input.count, uncompressedSize: output.count) {
            if input.count > 0 { output.copyMemory(from: input) }
            return
        }
        try decompress(input, into: output, zlibDecoder: zlibDecoder)
    }

    /// The block headers of a compressed object, walked without decoding (for diagnostics).
    /// Stops at the end of the input; throws on a truncated header or payload.
    public static func blockHeaders(_ input: UnsafeRawBufferPointer) throws -> [ROOTBlockHeader] {
        var out = [ROOTBlockHeader](), pos = 0
        while pos < input.count {
            let h = try ROOTBlockHeader(parsing: input, at: pos)
            let available = input.count - pos - ROOTBlockHeader.size
            guard h.compressedSize <= available else {
                throw CompressionError.truncatedPayload(offset: pos, declared: h.compressedSize, available: available)
            }
            out.append(h)
            pos += ROOTBlockHeader.size + h.compressedSize
        }
        return out
    }

    /// Checks the block framing of a compressed object without decoding: complete headers, known tags,
    /// non-zero sizes, payloads inside the input, declared uncompressed sizes adding up to exactly
    /// `uncompressedSize`, nothing after the last block. `decompress(_:uncompressedSize:)` runs this before
    /// allocating, so a corrupt size field (a decompression bomb) fails without allocating.
    public static func validateFraming(_ input: UnsafeRawBufferPointer, uncompressedSize: Int) throws {
        var pos = 0, total = 0
        while total < uncompressedSize {
            let h = try ROOTBlockHeader(parsing: input, at: pos)
            guard let algorithm = h.algorithm else {
                throw CompressionError.unknownAlgorithm(tag: [h.tag.0, h.tag.1], offset: pos)
            }
            if algorithm == .oldROOT { throw CompressionError.unsupportedOldROOTAlgorithm(offset: pos) }
            guard h.uncompressedSize > 0, h.compressedSize > 0 else {
                throw CompressionError.invalidBlockHeader(offset: pos,
                    reason: "zero size (compressed \(h.compressedSize), uncompressed \(h.uncompressedSize))")
            }
            guard h.uncompressedSize <= uncompressedSize - total else {
                throw CompressionError.declaredSizeTooLarge(offset: pos, declared: h.uncompressedSize, remaining: uncompressedSize - total)
            }
            let available = input.count - pos - ROOTBlockHeader.size
            guard h.compressedSize <= available else {
                throw CompressionError.truncatedPayload(offset: pos, declared: h.compressedSize, available: available)
            }
            total += h.uncompressedSize
            pos += ROOTBlockHeader.size + h.compressedSize
        }
        if pos != input.count { throw CompressionError.trailingBytes(offset: pos, count: input.count - pos) }
    }
}
