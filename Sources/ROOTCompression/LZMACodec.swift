import CLZMA

/// lzma ("XZ") blocks: each payload is a complete .xz stream (ROOT writes it with a CRC32 check).
enum LZMACodec {
    static func decode(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer, blockOffset: Int) throws {
        // The streaming decoder (unlike lzma_stream_buffer_decode) tells how far it got on failure.
        var s = lzma_stream()
        let initResult = lzma_stream_decoder(&s, UInt64.max, 0)
        guard initResult == LZMA_OK else {
            throw CompressionError.corruptPayload(offset: blockOffset, algorithm: .lzma, detail: describe(initResult))
        }
        defer { lzma_end(&s) }
        s.next_in = input.baseAddress?.assumingMemoryBound(to: UInt8.self)
        s.avail_in = input.count
        s.next_out = output.baseAddress?.assumingMemoryBound(to: UInt8.self)
        s.avail_out = output.count
        var r = LZMA_OK
        while r == LZMA_OK { r = lzma_code(&s, LZMA_FINISH) }
        let produced = output.count - s.avail_out
        if r == LZMA_STREAM_END {
            if produced != output.count {
                throw CompressionError.sizeMismatch(offset: blockOffset, algorithm: .lzma, declared: output.count, produced: produced)
            }
            return
        }
        if r == LZMA_BUF_ERROR && s.avail_out == 0 {
            throw CompressionError.sizeMismatch(offset: blockOffset, algorithm: .lzma, declared: output.count, produced: output.count + 1)
        }
        throw CompressionError.corruptPayload(offset: blockOffset, algorithm: .lzma, detail: describe(r) + " after \(produced) bytes")
    }

    static func encode(_ input: UnsafeRawBufferPointer, level: Int, into output: UnsafeMutableRawBufferPointer) throws -> Int? {
        var outPos = 0
        let r = lzma_easy_buffer_encode(UInt32(min(max(level, 0), 9)), LZMA_CHECK_CRC32, nil,
                                        input.baseAddress?.assumingMemoryBound(to: UInt8.self), input.count,
                                        output.baseAddress?.assumingMemoryBound(to: UInt8.self), &outPos, output.count)
        if r == LZMA_OK { return outPos }
        if r == LZMA_BUF_ERROR { return nil }
        throw CompressionError.compressionFailed(algorithm: .lzma, detail: describe(r))
    }

    static func bound(_ n: Int) -> Int { lzma_stream_buffer_bound(n) }

    static func describe(_ r: lzma_ret) -> String {
        switch r {
        case LZMA_FORMAT_ERROR: return "liblzma: not an .xz stream"
        case LZMA_OPTIONS_ERROR: return "liblzma: unsupported stream options"
        case LZMA_DATA_ERROR: return "liblzma: corrupt data"
        case LZMA_BUF_ERROR: return "liblzma: stream truncated or output too small"
        case LZMA_MEM_ERROR: return "liblzma: out of memory"
        case LZMA_MEMLIMIT_ERROR: return "liblzma: memory limit"
        case LZMA_UNSUPPORTED_CHECK: return "liblzma: unsupported integrity check"
        default: return "liblzma error \(r.rawValue)"
        }
    }
}
