/// A TKey: the header in front of every object stored in a ROOT file.
///
/// | bytes  | field                                                    |
/// |--------|----------------------------------------------------------|
/// | 4      | fNbytes: key + compressed object                         |
/// | 2      | fVersion (> 1000: 64-bit seeks)                          |
/// | 4      | fObjlen: uncompressed object size                        |
/// | 4      | fDatime                                                  |
/// | 2      | fKeylen: size of this header                             |
/// | 2      | fCycle                                                   |
/// | 4 or 8 | fSeekKey, then fSeekPdir                                 |
/// | TString| fClassName, fName, fTitle                                |
public struct Key: Sendable {
    public var totalBytes: Int32
    public var version: Int16
    public var objectLength: Int32
    public var keyLength: Int16
    public var cycle: Int16
    public var seekKey: Int64
    public var seekParentDirectory: Int64
    public var className: String
    public var name: String
    public var title: String

    /// Bytes of the (possibly compressed) object after the key header.
    public var compressedLength: Int { Int(totalBytes) - Int(keyLength) }
    public var isCompressed: Bool { compressedLength != Int(objectLength) }

    /// Parses a key header at the cursor.
    static func read(_ c: inout ByteCursor) throws -> Key {
        let start = c.position
        let nbytes = try c.read(Int32.self)
        let version = try c.read(Int16.self)
        let objlen = try c.read(Int32.self)
        _ = try c.read(UInt32.self)
        let keylen = try c.read(Int16.self)
        let cycle = try c.read(Int16.self)
        let large = version > 1000
        let seekKey = large ? try c.read(Int64.self) : Int64(try c.read(Int32.self))
        let seekPdir = large ? try c.read(Int64.self) : Int64(try c.read(Int32.self))
        let className = try c.readTString()
        let name = try c.readTString()
        let title = try c.readTString()
        let key = Key(totalBytes: nbytes, version: version, objectLength: objlen, keyLength: keylen, cycle: cycle,
                      seekKey: seekKey, seekParentDirectory: seekPdir, className: className, name: name, title: title)
        // fKeylen must hold at least the fixed fields; the strings may be longer than fKeylen says (ROOT
        // writes keys-list entries whose names or seek width differ from the record at fSeekKey, whose
        // fKeylen is the one that counts). An uncompressed object has fNbytes = fKeylen + fObjlen exactly.
        let fixed = large ? 34 : 26
        guard Int(keylen) >= fixed, nbytes >= Int32(keylen), objlen >= 0 else {
            throw ROOTError(.malformed, "key '\(name)': fNbytes \(nbytes), fKeylen \(keylen), fObjlen \(objlen) inconsistent",
                            offset: c.base + Int64(start))
        }
        return key
    }
}
