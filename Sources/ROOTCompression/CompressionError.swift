/// Why a ROOT compressed object could not be decoded or encoded.
/// Every decoding case carries `offset`: the byte offset within the compressed object where the problem is
/// (the start of the offending block header unless said otherwise).
public enum CompressionError: Error, Equatable, CustomStringConvertible {
    /// Fewer than 9 bytes (the block header) remain at `offset` while output is still expected.
    case truncatedHeader(offset: Int, available: Int)
    /// The block's two-byte tag is not one ROOT writes.
    case unknownAlgorithm(tag: [UInt8], offset: Int)
    /// "CS": ROOT's pre-zlib algorithm, which we do not implement.
    case unsupportedOldROOTAlgorithm(offset: Int)
    /// A header field is impossible (zero sizes, LZ4 block shorter than its checksum, ...).
    case invalidBlockHeader(offset: Int, reason: String)
    /// The block's declared payload runs past the end of the input.
    case truncatedPayload(offset: Int, declared: Int, available: Int)
    /// The block declares more uncompressed bytes than the object has left (a decompression bomb or corrupt header).
    case declaredSizeTooLarge(offset: Int, declared: Int, remaining: Int)
    /// The block decoded to a different number of bytes than its header declares
    /// (`produced > declared` means "more than declared"; decoding stops at the declared size).
    case sizeMismatch(offset: Int, algorithm: CompressionAlgorithm, declared: Int, produced: Int)
    /// The LZ4 block's xxhash64 does not match its payload.
    case checksumMismatch(offset: Int, stored: UInt64, computed: UInt64)
    /// The codec rejected the payload.
    case corruptPayload(offset: Int, algorithm: CompressionAlgorithm, detail: String)
    /// All expected output was produced but input bytes remain after the last block.
    case trailingBytes(offset: Int, count: Int)
    /// The caller's sizes are inconsistent (e.g. a negative expected size).
    case invalidArgument(String)
    /// A settings code or string could not be understood.
    case invalidSettings(String)
    /// The algorithm cannot be used for writing (ROOT's old "CS" algorithm).
    case unsupportedForCompression(CompressionAlgorithm)
    /// The codec failed while compressing.
    case compressionFailed(algorithm: CompressionAlgorithm, detail: String)

    /// The byte offset within the compressed object that the error points at, when it has one.
    public var offset: Int? {
        switch self {
        case let .truncatedHeader(o, _), let .unknownAlgorithm(_, o), let .unsupportedOldROOTAlgorithm(o),
             let .invalidBlockHeader(o, _), let .truncatedPayload(o, _, _), let .declaredSizeTooLarge(o, _, _),
             let .sizeMismatch(o, _, _, _), let .checksumMismatch(o, _, _), let .corruptPayload(o, _, _),
             let .trailingBytes(o, _):
            return o
        case .invalidArgument, .invalidSettings, .unsupportedForCompression, .compressionFailed:
            return nil
        }
    }

    public var description: String {
        switch self {
        case let .truncatedHeader(o, a):
            return "compressed object truncated at byte \(o): a 9-byte block header is needed, \(a) bytes remain"
        case let .unknownAlgorithm(tag, o):
            return "unknown compression tag \(Self.show(tag)) at byte \(o) (expected ZL, XZ, L4 or ZS)"
        case let .unsupportedOldROOTAlgorithm(o):
            return "block at byte \(o) uses ROOT's old 'CS' compression algorithm, which is not supported; re-write the file with zlib, lzma, lz4 or zstd"
        case let .invalidBlockHeader(o, r):
            return "invalid compressed block header at byte \(o): \(r)"
        case let .truncatedPayload(o, d, a):
            return "compressed block at byte \(o) declares \(d) payload bytes but only \(a) remain"
        case let .declaredSizeTooLarge(o, d, r):
            return "compressed block at byte \(o) declares \(d) uncompressed bytes but the object has only \(r) left (corrupt header or decompression bomb)"
        case let .sizeMismatch(o, alg, d, p):
            let got = p > d ? "more than \(d)" : "\(p)"
            return "\(alg.name) block at byte \(o) decodes to \(got) bytes, its header declares \(d)"
        case let .checksumMismatch(o, s, c):
            return "lz4 block at byte \(o): xxhash64 checksum mismatch (stored 0x\(String(s, radix: 16)), computed 0x\(String(c, radix: 16)))"
        case let .corruptPayload(o, alg, d):
            return "corrupt \(alg.name) payload in block at byte \(o): \(d)"
        case let .trailingBytes(o, n):
            return "\(n) unexpected bytes after the last compressed block, at byte \(o)"
        case let .invalidArgument(s):
            return "invalid argument: \(s)"
        case let .invalidSettings(s):
            return s
        case let .unsupportedForCompression(a):
            return "cannot compress with \(a.name) ('\(a.tag)'): not supported"
        case let .compressionFailed(a, d):
            return "\(a.name) compression failed: \(d)"
        }
    }

    /// Printable ASCII in quotes, otherwise hex bytes.
    static func show(_ bytes: [UInt8]) -> String {
        if bytes.allSatisfy({ $0 >= 0x20 && $0 < 0x7f }) { return "'" + String(decoding: bytes, as: UTF8.self) + "'" }
        return bytes.map { "0x" + String($0, radix: 16) }.joined(separator: " ")
    }
}
