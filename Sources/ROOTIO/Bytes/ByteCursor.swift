/// Bounds-checked big-endian reads over one decoded object buffer.
///
/// `position` is relative to the buffer start; `base` is the absolute file offset of byte 0 (for errors);
/// `origin` is the value ROOT's TBuffer offsets are measured from (the key length for objects read from a
/// key: object references are `origin + position` of the referenced object's byte count).
public struct ByteCursor {
    public let bytes: [UInt8]
    public var position: Int
    public let base: Int64
    public let origin: Int

    public init(_ bytes: [UInt8], base: Int64 = 0, origin: Int = 0, position: Int = 0) {
        self.bytes = bytes
        self.base = base
        self.origin = origin
        self.position = position
    }

    public var remaining: Int { bytes.count - position }
    public var isAtEnd: Bool { position >= bytes.count }
    /// Absolute file offset of the current position (when `base` is known).
    public var fileOffset: Int64 { base + Int64(position) }
    /// The position as ROOT's buffer displacement (used for object references).
    public var displacement: Int { origin + position }

    func fail(_ kind: ROOTError.Kind, _ message: String) -> ROOTError {
        ROOTError(kind, message, offset: fileOffset)
    }

    @inline(__always)
    func need(_ n: Int) throws {
        guard n >= 0, n <= bytes.count - position else {
            throw fail(.truncated, "need \(n) bytes, \(max(0, bytes.count - position)) left")
        }
    }

    /// Reads one big-endian integer and advances.
    @inline(__always)
    public mutating func read<T: FixedWidthInteger>(_: T.Type = T.self) throws -> T {
        let n = MemoryLayout<T>.size
        try need(n)
        var v: T = 0
        for i in 0..<n { v = (v << 8) | T(truncatingIfNeeded: bytes[position + i]) }
        position += n
        return v
    }

    /// Reads an integer at `offset` without moving.
    public func get<T: FixedWidthInteger>(_: T.Type = T.self, at offset: Int) throws -> T {
        var c = self
        c.position = offset
        return try c.read(T.self)
    }

    public mutating func readFloat() throws -> Float { Float(bitPattern: try read(UInt32.self)) }
    public mutating func readDouble() throws -> Double { Double(bitPattern: try read(UInt64.self)) }
    public mutating func readBool() throws -> Bool { try read(UInt8.self) != 0 }

    public mutating func readBytes(_ n: Int) throws -> ArraySlice<UInt8> {
        try need(n)
        defer { position += n }
        return bytes[position ..< position + n]
    }

    public mutating func skip(_ n: Int) throws {
        try need(n)
        position += n
    }

    /// Moves to an absolute buffer position (checked).
    public mutating func seek(_ p: Int) throws {
        guard p >= 0, p <= bytes.count else { throw fail(.malformed, "position \(p) outside buffer of \(bytes.count) bytes") }
        position = p
    }

    /// ROOT TString: 1-byte length, or 255 followed by a 4-byte length.
    public mutating func readTString() throws -> String {
        var n = Int(try read(UInt8.self))
        if n == 255 { n = Int(try read(UInt32.self)) }
        let raw = try readBytes(n)
        return String(decoding: raw, as: UTF8.self)
    }

    /// A NUL-terminated C string (class names after kNewClassTag).
    public mutating func readCString(maxLength: Int = 1024) throws -> String {
        var end = position
        while end < bytes.count, bytes[end] != 0 {
            end += 1
            if end - position > maxLength { throw fail(.malformed, "C string longer than \(maxLength) bytes") }
        }
        guard end < bytes.count else { throw fail(.truncated, "unterminated C string") }
        let s = String(decoding: bytes[position..<end], as: UTF8.self)
        position = end + 1
        return s
    }
}
