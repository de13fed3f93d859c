import ROOTCompression

/// Reads and checks one RNTuple envelope (header 0x01, footer 0x02, page list 0x03).
///
/// | bytes        | field                                                                  |
/// |--------------|------------------------------------------------------------------------|
/// | 8            | UInt64: envelope type ID (bits 0..15), envelope length (bits 16..63)   |
/// | length - 16  | payload                                                                |
/// | 8            | XXH3-64 of every byte before it                                        |
/// On disk the envelope is `nbytes` bytes: stored as is when `nbytes == length`, else ROOT compression blocks.
enum RNTupleEnvelope {
    enum Kind: UInt16 {
        case header = 1, footer = 2, pageList = 3
        var name: String { self == .header ? "header" : self == .footer ? "footer" : "page list" }
    }

    /// The envelope's payload as a cursor (positioned after the type/length word, limited before the checksum),
    /// and the envelope's checksum (the footer and page lists repeat the header's).
    static func read(_ file: ROOTFile, kind: Kind, offset: UInt64, compressedSize: UInt64, length: UInt64,
                     maxKeySize: UInt64, what: String) throws -> (cursor: EnvelopeCursor, checksum: UInt64) {
        let size = file.source.size
        guard offset <= UInt64(size), compressedSize <= UInt64(size) - offset else {
            throw ROOTError(.truncated, "\(what): \(compressedSize) bytes at \(offset) run past the end of the file (\(size) bytes)",
                            file: file.path, offset: Int64(clamping: offset))
        }
        let at = Int64(offset)
        guard length >= 16, length <= UInt64(file.limits.maxObjectBytes) else {
            throw ROOTError(length < 16 ? .malformed : .limit,
                            "\(what): envelope length \(length) is \(length < 16 ? "too short" : "over the limit of \(file.limits.maxObjectBytes) bytes")",
                            file: file.path, offset: at)
        }
        guard compressedSize <= length else {
            throw ROOTError(.malformed, "\(what): \(compressedSize) compressed bytes for an envelope of \(length) bytes",
                            file: file.path, offset: at)
        }
        if maxKeySize > 0, compressedSize > maxKeySize {
            throw ROOTError(.unsupported, "\(what): envelope of \(compressedSize) bytes is split over several keys (max key size \(maxKeySize)), which is not supported",
                            file: file.path, offset: at)
        }
        let bytes = try file.readObjectBytes(at: at, compressed: Int(compressedSize), uncompressed: Int(length), what: what)
        let n = bytes.count
        var c = EnvelopeCursor(bytes, base: at, what: what)
        let word = try c.read(UInt64.self)
        let type = UInt16(truncatingIfNeeded: word)
        let declared = word >> 16
        guard type == kind.rawValue else {
            throw ROOTError(.malformed, "\(what): envelope type \(type), expected \(kind.rawValue) (\(kind.name))", file: file.path, offset: at)
        }
        guard declared == UInt64(n) else {
            throw ROOTError(.malformed, "\(what): envelope declares \(declared) bytes, the anchor or locator says \(n)", file: file.path, offset: at)
        }
        var stored: UInt64 = 0
        for i in 0..<8 { stored |= UInt64(bytes[n - 8 + i]) << (8 * i) }
        let computed = XXH3.hash64(bytes, 0..<(n - 8))
        guard stored == computed else {
            throw ROOTError(.malformed, "\(what): envelope checksum mismatch (stored 0x\(String(stored, radix: 16)), computed 0x\(String(computed, radix: 16)))",
                            file: file.path, offset: at)
        }
        c.limit = n - 8
        return (c, stored)
    }
}
