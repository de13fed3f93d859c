import ROOTCompression

/// A little-endian output buffer with RNTuple's envelope framing (all RNTuple metadata is little-endian).
///
/// | item          | bytes                                                                               |
/// |---------------|-------------------------------------------------------------------------------------|
/// | string        | 4 length, then UTF-8 bytes                                                          |
/// | record frame  | 8 size (positive, counts itself), payload                                           |
/// | list frame    | 8 size (negative, counts itself), 4 item count, items                               |
/// | locator       | 4 size (compressed bytes), 8 file offset                                            |
/// | envelope link | 8 uncompressed size, locator                                                        |
/// | envelope      | 8 (length << 16 | type id), payload, 8 XXH3-64 of all bytes before it; length counts all |
struct RNTupleBuffer {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 256) { bytes.reserveCapacity(capacity) }

    var count: Int { bytes.count }

    mutating func u8(_ v: UInt8) { bytes.append(v) }
    mutating func u16(_ v: UInt16) { bytes.append(UInt8(v & 0xff)); bytes.append(UInt8(v >> 8)) }
    mutating func u32(_ v: UInt32) { for k in 0..<4 { bytes.append(UInt8((v >> (8 * k)) & 0xff)) } }
    mutating func i32(_ v: Int32) { u32(UInt32(bitPattern: v)) }
    mutating func u64(_ v: UInt64) { for k in 0..<8 { bytes.append(UInt8((v >> (8 * k)) & 0xff)) } }
    mutating func i64(_ v: Int64) { u64(UInt64(bitPattern: v)) }
    mutating func raw(_ b: [UInt8]) { bytes.append(contentsOf: b) }

    mutating func string(_ s: String) {
        let utf8 = Array(s.utf8)
        u32(UInt32(utf8.count))
        bytes.append(contentsOf: utf8)
    }

    /// A record frame around what `body` writes.
    mutating func record(_ body: (inout RNTupleBuffer) -> Void) {
        let start = bytes.count
        u64(0)
        body(&self)
        patch64(at: start, UInt64(bytes.count - start))
    }

    /// A list frame of `items` items written by `body`.
    mutating func list(_ items: Int, _ body: (inout RNTupleBuffer) -> Void) {
        let start = bytes.count
        u64(0)
        u32(UInt32(items))
        body(&self)
        patch64(at: start, UInt64(bitPattern: -Int64(bytes.count - start)))
    }

    /// A list frame of record frames, one per element.
    mutating func recordList<T>(_ items: [T], _ body: (inout RNTupleBuffer, T) -> Void) {
        list(items.count) { b in
            for item in items { b.record { body(&$0, item) } }
        }
    }

    /// An on-disk locator (32-bit size, 64-bit offset).
    mutating func locator(_ l: RNTupleLocator) {
        i32(Int32(l.size))
        u64(UInt64(l.offset))
    }

    /// An envelope link: uncompressed size, then the locator.
    mutating func envelopeLink(_ l: RNTupleEnvelopeLink) {
        u64(UInt64(l.length))
        locator(l.locator)
    }

    private mutating func patch64(at p: Int, _ v: UInt64) {
        for k in 0..<8 { bytes[p + k] = UInt8((v >> (8 * k)) & 0xff) }
    }

    /// An envelope of `type` around `body`'s payload, with its length and trailing XXH3-64 checksum;
    /// returns the bytes and the checksum.
    static func envelope(type: UInt16, _ body: (inout RNTupleBuffer) -> Void) -> (bytes: [UInt8], checksum: UInt64) {
        var b = RNTupleBuffer(capacity: 1024)
        b.u64(0)
        body(&b)
        let length = UInt64(b.count + 8)
        b.patch64(at: 0, length << 16 | UInt64(type))
        let sum = XXH3.hash64(b.bytes)
        b.u64(sum)
        return (b.bytes, sum)
    }
}

/// Where a page or envelope lies in the file: its stored (compressed) size and absolute offset.
struct RNTupleLocator: Equatable, Sendable {
    var size: Int
    var offset: Int64
}

/// An envelope's uncompressed length and its locator.
struct RNTupleEnvelopeLink: Equatable, Sendable {
    var length: Int
    var locator: RNTupleLocator
}
