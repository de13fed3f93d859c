import ROOTCompression

/// The `ROOT::RNTuple` object behind a TKey: the entry point to an RNTuple in a ROOT file.
///
/// Object bytes (big-endian, like every classic TKey object):
/// | bytes | field                                                                 |
/// |-------|-----------------------------------------------------------------------|
/// | 4 + 2 | byte count (0x40000000 flag) and class version                        |
/// | 2 x 4 | version epoch, major, minor, patch (UInt16 each)                      |
/// | 8 x 3 | seek, compressed bytes and uncompressed length of the header envelope |
/// | 8 x 3 | the same for the footer envelope                                      |
/// | 8     | max key size (larger payloads are split over several keys)            |
/// | 8     | XXH3-64 of the 64 bytes of fields above (after the byte-counted object) |
/// Later format versions may append fields (inside the byte count); they are ignored.
public struct RNTupleAnchor: Sendable, Equatable {
    public static let classNames: Set<String> = ["ROOT::RNTuple", "ROOT::Experimental::RNTuple"]

    public var epoch: UInt16
    public var major: UInt16
    public var minor: UInt16
    public var patch: UInt16
    public var seekHeader: UInt64
    public var nbytesHeader: UInt64
    public var lenHeader: UInt64
    public var seekFooter: UInt64
    public var nbytesFooter: UInt64
    public var lenFooter: UInt64
    public var maxKeySize: UInt64

    /// "1.0.0.1".
    public var versionString: String { "\(epoch).\(major).\(minor).\(patch)" }

    /// Parses and checks the anchor from its key's object bytes.
    /// - Parameter name: the RNTuple's name, for messages.
    static func read(_ cursor: ByteCursor, name: String) throws -> RNTupleAnchor {
        var c = cursor
        let start = c.position
        let byteCount = try c.read(UInt32.self)
        guard byteCount & 0x4000_0000 != 0 else {
            throw c.fail(.malformed, "RNTuple '\(name)': anchor has no byte count (0x\(String(byteCount, radix: 16)))")
        }
        let objectEnd = start + 4 + Int(byteCount & 0x3fff_ffff)
        _ = try c.read(UInt16.self)                                    // class version
        let fieldsStart = c.position
        let epoch = try c.read(UInt16.self)
        guard epoch == 1 else {
            let era = epoch == 0 ? " (pre-1.0 format)" : ""
            throw ROOTError(.unsupported, "RNTuple '\(name)' has anchor epoch \(epoch)\(era); only 1.x is supported",
                            offset: c.fileOffset - 2)
        }
        var a = RNTupleAnchor(epoch: epoch, major: try c.read(), minor: try c.read(), patch: try c.read(),
                              seekHeader: 0, nbytesHeader: 0, lenHeader: 0, seekFooter: 0, nbytesFooter: 0,
                              lenFooter: 0, maxKeySize: 0)
        a.seekHeader = try c.read()
        a.nbytesHeader = try c.read()
        a.lenHeader = try c.read()
        a.seekFooter = try c.read()
        a.nbytesFooter = try c.read()
        a.lenFooter = try c.read()
        a.maxKeySize = try c.read()
        // The checksum follows the byte-counted object: it covers every field (including fields a newer
        // writer appended).
        let checksumAt = objectEnd
        guard checksumAt >= c.position, objectEnd + 8 <= c.bytes.count else {
            throw c.fail(.malformed, "RNTuple '\(name)': anchor of \(objectEnd - start) bytes is too short for its fields and checksum")
        }
        let stored = try c.get(UInt64.self, at: checksumAt)
        let computed = XXH3.hash64(c.bytes, fieldsStart..<checksumAt)
        guard stored == computed else {
            throw ROOTError(.malformed, "RNTuple '\(name)': anchor checksum mismatch (stored 0x\(String(stored, radix: 16)), computed 0x\(String(computed, radix: 16)))",
                            offset: c.base + Int64(checksumAt))
        }
        return a
    }
}
