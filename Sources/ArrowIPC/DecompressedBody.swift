#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import CLZ4
import CZstd

/// Decompression of Arrow IPC compressed bodies (format in ArrowCompression.swift):
///
/// | buffer bytes | meaning |
/// |--------------|---------|
/// | 0 ..< 8      | int64 LE uncompressed length; −1 = the rest is raw |
/// | 8 ..< length | one LZ4 frame (codec 0) or zstd frame(s) (codec 1) that must decompress to exactly that length |
///
/// The decompressed body of one record batch: every buffer decompressed into one allocation (each padded
/// to 8 bytes), with the buffers' new (offset, length) inside it. Freed with the decoder.
final class DecompressedBody {
    let bytes: UnsafeRawBufferPointer
    let buffers: [(offset: Int, length: Int)]
    private let storage: UnsafeMutableRawPointer?

    /// Decompresses the `buffers` (body-relative) of the body at `bodyStart` in `file` with codec `codec`.
    /// `what` names the record batch for errors; offsets in errors are absolute in the file.
    init(file: UnsafeRawBufferPointer, bodyStart: Int, bodySize: Int, buffers: [(offset: Int, length: Int)],
         codec: Int8, batch: Int) throws {
        func bad(_ i: Int, _ at: Int, _ reason: String) -> ArrowError {
            .invalidData(field: "buffer \(i)", batch: batch, offset: at, reason: reason)
        }
        // Pass 1: where each buffer goes, from the declared lengths (checked before any allocation).
        var plan: [(source: Int, sourceLength: Int, declared: Int, raw: Bool)] = []
        plan.reserveCapacity(buffers.count)
        var total = 0
        for (i, b) in buffers.enumerated() {
            guard b.offset >= 0, b.length >= 0, b.offset <= bodySize, b.length <= bodySize - b.offset else {
                throw bad(i, bodyStart, "buffer (offset \(b.offset), length \(b.length)) exceeds the \(bodySize)-byte body")
            }
            let at = bodyStart + b.offset
            if b.length == 0 { plan.append((at, 0, 0, true)); continue }
            guard b.length >= 8 else {
                throw bad(i, at, "compressed buffer of \(b.length) bytes has no 8-byte uncompressed-length prefix")
            }
            let declared = Int(file.loadLE(at, as: Int64.self))
            let payload = b.length - 8
            if declared == -1 {
                plan.append((at + 8, payload, payload, true))
            } else {
                guard declared >= 0 else { throw bad(i, at, "negative uncompressed length \(declared)") }
                let ratio = codec == 0 ? 256 : 32768
                let (most, overflow) = payload.multipliedReportingOverflow(by: ratio)
                guard !overflow, declared <= most + (1 << 17) else {
                    throw bad(i, at, "declared uncompressed length \(declared) is more than \(ArrowCompression.codecName(codec)) "
                              + "can produce from \(payload) bytes")
                }
                plan.append((at + 8, payload, declared, false))
            }
            let padded = (plan[plan.count - 1].declared + 7) / 8 * 8
            let (sum, overflow) = total.addingReportingOverflow(padded)
            guard !overflow, sum <= Int(Int64.max / 2) else { throw bad(i, at, "decompressed body size overflows") }
            total = sum
        }
        // Pass 2: one allocation, then every buffer decompressed (or copied) into its place.
        var pointer: UnsafeMutableRawPointer? = nil
        if total > 0 {
            pointer = malloc(total)
            guard pointer != nil else {
                throw ArrowError.invalidData(field: "*", batch: batch, offset: bodyStart,
                                             reason: "cannot allocate \(total) bytes for the decompressed body")
            }
        }
        // A throwing class initializer never runs deinit: free the allocation here unless it is handed over.
        var handedOver = false
        defer { if !handedOver { free(pointer) } }
        var placed: [(offset: Int, length: Int)] = []
        placed.reserveCapacity(plan.count)
        var cursor = 0
        for (i, p) in plan.enumerated() {
            placed.append((cursor, p.declared))
            if p.declared > 0, let base = pointer {
                let dst = UnsafeMutableRawBufferPointer(start: base + cursor, count: p.declared)
                let src = UnsafeRawBufferPointer(rebasing: file[p.source..<(p.source + p.sourceLength)])
                if p.raw {
                    dst.copyMemory(from: src)
                } else if codec == 0 {
                    try Self.lz4Frame(src, into: dst, fail: { bad(i, p.source, $0) })
                } else {
                    try Self.zstd(src, into: dst, fail: { bad(i, p.source, $0) })
                }
            }
            cursor += (p.declared + 7) / 8 * 8
        }
        storage = pointer
        handedOver = true
        bytes = UnsafeRawBufferPointer(start: pointer, count: total)
        self.buffers = placed
    }

    deinit { free(storage) }

    /// Decompresses one LZ4 frame that must fill `dst` exactly.
    static func lz4Frame(_ src: UnsafeRawBufferPointer, into dst: UnsafeMutableRawBufferPointer,
                         fail: (String) -> ArrowError) throws {
        var context: OpaquePointer? = nil
        let created = LZ4F_createDecompressionContext(&context, UInt32(LZ4F_VERSION))
        guard LZ4F_isError(created) == 0, let context else { throw fail("cannot create an LZ4 frame decoder") }
        defer { LZ4F_freeDecompressionContext(context) }
        var consumed = 0, produced = 0
        var hint = 1
        while consumed < src.count && hint != 0 {
            var srcSize = src.count - consumed
            var dstSize = dst.count - produced
            hint = LZ4F_decompress(context, dst.baseAddress.map { $0 + produced }, &dstSize,
                                   src.baseAddress! + consumed, &srcSize, nil)
            guard LZ4F_isError(hint) == 0 else {
                throw fail("corrupt LZ4 frame: \(String(cString: LZ4F_getErrorName(hint)))")
            }
            consumed += srcSize
            produced += dstSize
            if srcSize == 0 && dstSize == 0 { break }   // no progress: output full or input exhausted
        }
        guard hint == 0 else {
            throw fail(produced == dst.count
                       ? "LZ4 frame holds more than the declared \(dst.count) bytes"
                       : "LZ4 frame ends early: \(produced) of the declared \(dst.count) bytes")
        }
        guard produced == dst.count else {
            throw fail("LZ4 frame decompresses to \(produced) bytes, the prefix declares \(dst.count)")
        }
    }

    /// Decompresses zstd frame(s) that must fill `dst` exactly.
    static func zstd(_ src: UnsafeRawBufferPointer, into dst: UnsafeMutableRawBufferPointer,
                     fail: (String) -> ArrowError) throws {
        let stated = ZSTD_getFrameContentSize(src.baseAddress, src.count)
        if stated == UInt64.max - 1 { throw fail("not a zstd frame") }
        if stated != UInt64.max, stated != UInt64(dst.count) {
            throw fail("zstd frame states \(stated) bytes, the prefix declares \(dst.count)")
        }
        let n = ZSTD_decompress(dst.baseAddress, dst.count, src.baseAddress, src.count)
        guard ZSTD_isError(n) == 0 else { throw fail("corrupt zstd frame: \(String(cString: ZSTD_getErrorName(n)))") }
        guard n == dst.count else { throw fail("zstd frame decompresses to \(n) bytes, the prefix declares \(dst.count)") }
    }
}
