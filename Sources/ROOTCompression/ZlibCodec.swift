import CDeflate
import CZlib

/// Which library decodes "ZL" blocks. Both read standard zlib streams (RFC 1950 header + deflate + adler32).
public enum ZlibDecoder: Sendable, CaseIterable {
    /// libdeflate's one-shot decoder into a buffer of known size (the default, ~1.7x faster);
    /// falls back to zlib's inflate if libdeflate rejects the stream.
    case libdeflate
    /// zlib's streaming inflate only.
    case zlib
}

/// zlib-format ("ZL") blocks: libdeflate for speed both ways, zlib's inflate as fallback decoder.
enum ZlibCodec {
    /// Decodes one zlib stream that must fill `output` exactly.
    static func decode(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer,
                       blockOffset: Int, decoder: ZlibDecoder) throws {
        if decoder == .libdeflate {
            let failure = libdeflateDecode(input, into: output, blockOffset: blockOffset)
            guard let failure else { return }
            // libdeflate is stricter than zlib in a few corners; give zlib a chance before failing.
            do {
                try inflateDecode(input, into: output, blockOffset: blockOffset)
                return
            } catch {
                throw failure
            }
        }
        try inflateDecode(input, into: output, blockOffset: blockOffset)
    }

    /// nil on success, else the error to report.
    private static func libdeflateDecode(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer,
                                         blockOffset: Int) -> CompressionError? {
        guard let d = libdeflate_alloc_decompressor() else {
            return .corruptPayload(offset: blockOffset, algorithm: .zlib, detail: "libdeflate: out of memory")
        }
        defer { libdeflate_free_decompressor(d) }
        var produced = 0
        let r = libdeflate_zlib_decompress(d, input.baseAddress, input.count, output.baseAddress, output.count, &produced)
        switch r {
        case LIBDEFLATE_SUCCESS:
            if produced == output.count { return nil }
            return .sizeMismatch(offset: blockOffset, algorithm: .zlib, declared: output.count, produced: produced)
        case LIBDEFLATE_INSUFFICIENT_SPACE:
            return .sizeMismatch(offset: blockOffset, algorithm: .zlib, declared: output.count, produced: output.count + 1)
        case LIBDEFLATE_SHORT_OUTPUT:
            return .sizeMismatch(offset: blockOffset, algorithm: .zlib, declared: output.count, produced: produced)
        default:
            return .corruptPayload(offset: blockOffset, algorithm: .zlib, detail: "libdeflate: invalid zlib data")
        }
    }

    /// zlib inflate of one stream into exactly `output.count` bytes.
    static func inflateDecode(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer,
                              blockOffset: Int) throws {
        var s = z_stream()
        guard inflateInit_(&s, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw CompressionError.corruptPayload(offset: blockOffset, algorithm: .zlib, detail: "zlib: inflateInit failed")
        }
        defer { inflateEnd(&s) }
        // Block sizes are at most 24 bits, so they fit zlib's 32-bit counters.
        s.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
        s.avail_in = uInt(input.count)
        s.next_out = output.baseAddress?.assumingMemoryBound(to: Bytef.self)
        s.avail_out = uInt(output.count)
        let r = inflate(&s, Z_FINISH)
        let produced = output.count - Int(s.avail_out)
        switch r {
        case Z_STREAM_END:
            if produced != output.count {
                throw CompressionError.sizeMismatch(offset: blockOffset, algorithm: .zlib, declared: output.count, produced: produced)
            }
        case Z_BUF_ERROR where s.avail_out == 0:
            // Output full but stream not finished: the block holds more than declared.
            throw CompressionError.sizeMismatch(offset: blockOffset, algorithm: .zlib, declared: output.count, produced: output.count + 1)
        case Z_BUF_ERROR:
            throw CompressionError.corruptPayload(offset: blockOffset, algorithm: .zlib,
                                                  detail: "zlib: stream ends early after \(produced) bytes")
        default:
            let msg = s.msg.map { String(cString: $0) } ?? "error \(r)"
            throw CompressionError.corruptPayload(offset: blockOffset, algorithm: .zlib, detail: "zlib: \(msg)")
        }
    }

    /// Compresses into `output` as one zlib stream; returns bytes written, nil when it does not fit.
    static func encode(_ input: UnsafeRawBufferPointer, level: Int, into output: UnsafeMutableRawBufferPointer) throws -> Int? {
        guard let c = libdeflate_alloc_compressor(Int32(min(max(level, 1), 12))) else {
            throw CompressionError.compressionFailed(algorithm: .zlib, detail: "libdeflate: cannot allocate compressor")
        }
        defer { libdeflate_free_compressor(c) }
        guard let out = output.baseAddress, output.count > 0 else { return nil }
        let n = libdeflate_zlib_compress(c, input.baseAddress, input.count, out, output.count)
        return n == 0 ? nil : n
    }

    /// Upper bound on the compressed size of `n` bytes.
    static func bound(_ n: Int) -> Int { n + n / 1000 * 5 + 64 + (n >> 12) + 32 }
}
