/// Little-endian reads over one decoded RNTuple envelope: integers, strings, frames and locators.
///
/// | item            | layout                                                                               |
/// |-----------------|--------------------------------------------------------------------------------------|
/// | integer         | two's complement, little-endian, 1 to 8 bytes                                        |
/// | string          | UInt32 byte count, then UTF-8 bytes                                                  |
/// | record frame    | Int64 size > 0 (bytes of frame incl. this preamble), payload                         |
/// | list frame      | Int64 size < 0 (-bytes), UInt32 item count, items                                    |
/// | locator         | Int32 size >= 0 then UInt64 offset (standard); size < 0: bits 0..15 locator bytes,   |
/// |                 | bits 24..30 type (0x01 = large: UInt64 size, UInt64 offset)                          |
/// | envelope link   | UInt64 uncompressed length, then a locator                                           |
///
/// `base` is the absolute file offset of byte 0 when the envelope was stored uncompressed (else the
/// envelope's own offset), so errors can name where they happened.
struct EnvelopeCursor {
    let bytes: [UInt8]
    var position: Int
    /// Where byte 0 is in the file (approximately, for compressed envelopes: the envelope's start).
    let base: Int64
    /// Names the envelope in error messages ("header", "footer", "page list 0").
    let what: String
    /// Frames read so far may not extend past this position.
    var limit: Int

    init(_ bytes: [UInt8], base: Int64, what: String, position: Int = 0) {
        self.bytes = bytes
        self.position = position
        self.base = base
        self.what = what
        self.limit = bytes.count
    }

    var remaining: Int { limit - position }

    func fail(_ kind: ROOTError.Kind, _ message: String, at p: Int? = nil) -> ROOTError {
        ROOTError(kind, "\(what): \(message) (envelope byte \(p ?? position))", offset: base + Int64(p ?? position))
    }

    @inline(__always)
    func need(_ n: Int) throws {
        guard n >= 0, n <= limit - position else {
            throw fail(.truncated, "need \(n) bytes, \(max(0, limit - position)) left")
        }
    }

    mutating func read<T: FixedWidthInteger>(_: T.Type = T.self) throws -> T {
        let n = MemoryLayout<T>.size
        try need(n)
        var v: T = 0
        for i in 0..<n { v |= T(truncatingIfNeeded: bytes[position + i]) << (8 * i) }
        position += n
        return v
    }

    mutating func readDouble() throws -> Double { Double(bitPattern: try read(UInt64.self)) }

    mutating func skip(_ n: Int) throws {
        try need(n)
        position += n
    }

    /// A length-prefixed UTF-8 string (length checked against what is left before allocating).
    mutating func readString() throws -> String {
        let n = Int(try read(UInt32.self))
        try need(n)
        defer { position += n }
        return String(decoding: bytes[position ..< position + n], as: UTF8.self)
    }

    /// The feature flags: 64-bit words read while the previous one is negative (bit 63 = "more follow").
    mutating func readFeatureFlags() throws -> [UInt64] {
        var out: [UInt64] = []
        repeat {
            out.append(try read(UInt64.self))
            guard out.count <= 64 else { throw fail(.malformed, "more than 64 feature flag words") }
        } while Int64(bitPattern: out.last!) < 0
        return out
    }

    /// A frame's extent: where it starts, where it ends, and the item count for list frames.
    struct Frame {
        var start: Int
        var end: Int
        var items: Int
        var isList: Bool
    }

    /// Opens a frame at the cursor; the cursor moves past the preamble. The caller reads the payload and
    /// then calls `close(_:)`, which moves to the frame's declared end (skipping fields a newer writer added).
    mutating func openFrame(expectList: Bool? = nil, minItemBytes: Int = 1) throws -> Frame {
        let start = position
        let raw = try read(Int64.self)
        let isList = raw < 0
        guard raw != Int64.min else { throw fail(.malformed, "frame size \(raw) invalid", at: start) }
        let size = Int(isList ? -raw : raw)
        if let expect = expectList, expect != isList {
            throw fail(.malformed, "expected a \(expect ? "list" : "record") frame, found a \(isList ? "list" : "record") frame", at: start)
        }
        guard size >= (isList ? 12 : 8), size <= limit - start else {
            throw fail(.malformed, "frame of \(size) bytes does not fit in the \(limit - start) bytes left", at: start)
        }
        var items = 0
        if isList {
            items = Int(try read(UInt32.self))
            // Every item needs at least `minItemBytes` bytes: a hostile count fails here, before any allocation.
            guard items <= (size - 12) / max(1, minItemBytes) || (minItemBytes == 0 && items <= size) else {
                throw fail(.malformed, "list frame declares \(items) items in \(size) bytes", at: start)
            }
        }
        return Frame(start: start, end: start + size, items: items, isList: isList)
    }

    /// Moves to the end of `frame`, checking that its payload did not overrun it.
    mutating func close(_ frame: Frame) throws {
        guard position <= frame.end else {
            throw fail(.malformed, "frame content runs \(position - frame.end) bytes past the frame's declared size", at: frame.start)
        }
        position = frame.end
    }

    /// Runs `body` with reads limited to the frame, then closes it.
    mutating func within<T>(_ frame: Frame, _ body: (inout EnvelopeCursor) throws -> T) throws -> T {
        let saved = limit
        limit = frame.end
        defer { limit = saved }
        let v = try body(&self)
        limit = saved
        try close(frame)
        return v
    }

    /// A list frame whose items are each read by `item`.
    mutating func readList<T>(minItemBytes: Int = 8, _ item: (inout EnvelopeCursor, Int) throws -> T) throws -> [T] {
        let frame = try openFrame(expectList: true, minItemBytes: minItemBytes)
        return try within(frame) { c in
            var out: [T] = []
            out.reserveCapacity(frame.items)
            for i in 0..<frame.items { out.append(try item(&c, i)) }
            return out
        }
    }

    /// A list frame whose items are record frames, each read by `item` within its frame.
    mutating func readRecordList<T>(_ item: (inout EnvelopeCursor, Int) throws -> T) throws -> [T] {
        try readList(minItemBytes: 8) { c, i in
            let f = try c.openFrame(expectList: false)
            return try c.within(f) { try item(&$0, i) }
        }
    }

    /// A locator (standard or large); other locator types are `unsupported`.
    mutating func readLocator() throws -> RNTupleLocator {
        let start = position
        let head = try read(Int32.self)
        if head >= 0 {
            return RNTupleLocator(size: Int(head), offset: try read(UInt64.self), at: base + Int64(start))
        }
        let raw = UInt32(bitPattern: head)
        let locatorBytes = Int(raw & 0xffff)
        let type = Int((raw >> 24) & 0x7f)
        guard locatorBytes >= 4, locatorBytes - 4 <= remaining else {
            throw fail(.malformed, "locator declares \(locatorBytes) bytes", at: start)
        }
        guard type == 0x01, locatorBytes >= 20 else {
            throw fail(.unsupported, "locator type 0x\(String(type, radix: 16)) is not a file locator (only standard and large locators are read)", at: start)
        }
        let size = try read(UInt64.self)
        let offset = try read(UInt64.self)
        position = start + locatorBytes
        guard size <= UInt64(Int.max) else { throw fail(.malformed, "large locator size \(size) invalid", at: start) }
        return RNTupleLocator(size: Int(size), offset: offset, at: base + Int64(start))
    }

    /// An envelope link: uncompressed length and locator.
    mutating func readEnvelopeLink() throws -> (length: UInt64, locator: RNTupleLocator) {
        let length = try read(UInt64.self)
        return (length, try readLocator())
    }
}

/// Where a page or envelope is in the file: `size` bytes (compressed, without checksum) at `offset`.
public struct RNTupleLocator: Sendable, Equatable {
    public var size: Int
    public var offset: UInt64
    /// Where the locator itself was read (for error messages).
    var at: Int64

    public static func == (a: RNTupleLocator, b: RNTupleLocator) -> Bool { a.size == b.size && a.offset == b.offset }
}
