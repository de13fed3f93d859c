/// The header of a basket as stored on disk: its TKey, closed by the TBasket fields.
///
/// | bytes               | field                                                          |
/// |---------------------|----------------------------------------------------------------|
/// | 0 ..< fKeylen-19    | TKey header (fNbytes, version, fObjlen, ..., fKeylen at 14..16) |
/// | fKeylen-19 ..< +2   | TBasket version                                                |
/// | +2 ..< +14          | fBufferSize, fNevBufSize, fNevBuf (i32 each)                   |
/// | +14 ..< +18         | fLast: key length + data bytes (entry offsets follow the data)  |
/// | +18                 | flag                                                           |
/// | fKeylen ..< fNbytes | payload: compressed object, or the object itself when fNbytes - fKeylen == fObjlen |
struct BasketHeader: Equatable {
    let keyLength: Int
    /// Bytes of the uncompressed object (data, then entry offsets when present).
    let objectLength: Int
    /// Bytes of payload after the key (equal to `objectLength` when stored uncompressed).
    let compressedLength: Int
    let entryCount: Int
    /// Bytes of entry data at the start of the object (fLast - fKeylen).
    let dataBytes: Int

    var isCompressed: Bool { compressedLength != objectLength }

    /// Parses and checks the header at the start of `raw`: the basket's `basketBytes` bytes (fBasketBytes;
    /// default `raw.count`), of which `raw` holds at least the key header.
    init(parsing raw: UnsafeRawBufferPointer, basketBytes: Int? = nil, seek: Int64, what: String) throws {
        guard raw.count >= 18 else {
            throw ROOTError(.truncated, "\(what): \(raw.count) bytes cannot hold a key header", offset: seek)
        }
        let declaredKeyLength = Int(Int16(bitPattern: UInt16(raw[14]) << 8 | UInt16(raw[15])))
        guard declaredKeyLength >= 19, declaredKeyLength <= raw.count else {
            throw ROOTError(.malformed, "\(what): fKeylen \(declaredKeyLength) outside the \(raw.count)-byte basket", offset: seek)
        }
        var c = ByteCursor(Array(raw[0..<declaredKeyLength]), base: seek)
        let key = try Key.read(&c)
        let keyLength = Int(key.keyLength)
        // The TBasket fields close the key header; read them from its end, as ROOT's own readers
        // locate them (some writers leave a stray byte between the title and these fields).
        guard c.position <= keyLength - 19 else {
            throw ROOTError(.malformed, "\(what): key header longer than its fKeylen \(keyLength)", offset: seek)
        }
        try c.seek(keyLength - 19)
        _ = try c.read(Int16.self)                       // basket version
        _ = try c.read(Int32.self)                       // fBufferSize
        _ = try c.read(Int32.self)                       // fNevBufSize
        let nevBuf = Int(try c.read(Int32.self))
        let last = Int(try c.read(Int32.self))
        _ = try c.read(Int8.self)                        // flag
        guard Int(key.totalBytes) <= (basketBytes ?? raw.count), nevBuf >= 0 else {
            throw ROOTError(.malformed, "\(what): key header (fKeylen \(keyLength), fNbytes \(key.totalBytes)) does not match the basket",
                            offset: seek)
        }
        let objlen = Int(key.objectLength)
        let border = last - keyLength
        guard border >= 0, border <= objlen else {
            throw ROOTError(.malformed, "\(what): fLast \(last) outside the \(objlen)-byte object", offset: seek)
        }
        self.keyLength = keyLength
        objectLength = objlen
        compressedLength = Int(key.totalBytes) - keyLength
        entryCount = nevBuf
        dataBytes = border
    }
}
