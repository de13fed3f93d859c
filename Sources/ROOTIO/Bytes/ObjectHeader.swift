/// ROOT's object framing, as TBufferFile writes it.
///
/// | bytes | field                                                                  |
/// |-------|------------------------------------------------------------------------|
/// | 4     | byte count | 0x40000000 (kByteCountMask); absent in very old streams   |
/// | 2     | class version                                                          |
/// | n     | members; the object ends at start + 4 + byte count (verified)          |
public struct ObjectHeader: Sendable {
    /// Buffer position of the byte-count word.
    public let start: Int
    /// Byte count (bytes after the count word), nil when the stream has none.
    public let byteCount: Int?
    public let version: Int16
    /// Buffer position just past the object, when the byte count is known.
    public var end: Int? { byteCount.map { start + 4 + $0 } }
}

public let kByteCountMask: UInt32 = 0x4000_0000
let kByteCountVMask: UInt16 = 0x4000
let kNewClassTag: UInt32 = 0xFFFF_FFFF
let kClassMask: UInt32 = 0x8000_0000
let kMapOffset = 2
let kIsReferenced: UInt32 = 1 << 4

extension ByteCursor {
    /// Reads a byte count (if present) and a version; checks the count fits in the buffer.
    public mutating func readObjectHeader(_ className: String) throws -> ObjectHeader {
        let start = position
        let first = try read(UInt32.self)
        if first & kByteCountMask != 0 {
            let count = Int(first & ~kByteCountMask)
            guard count >= 2, count <= bytes.count - start - 4 else {
                throw ROOTError(.malformed, "\(className): byte count \(count) exceeds the \(bytes.count - start - 4) bytes left",
                                offset: base + Int64(start))
            }
            let version = try read(Int16.self)
            return ObjectHeader(start: start, byteCount: count, version: version)
        }
        position = start
        let version = try read(Int16.self)
        return ObjectHeader(start: start, byteCount: nil, version: version)
    }

    /// Ends an object: reading past its byte count is an error; unread trailing members are skipped
    /// (newer class versions append members).
    public mutating func finish(_ header: ObjectHeader, _ className: String) throws {
        guard let end = header.end else { return }
        if position > end {
            throw ROOTError(.malformed, "\(className) v\(header.version): read \(position - end) bytes past its byte count",
                            offset: base + Int64(header.start))
        }
        position = end
    }

    /// TObject: version, fUniqueID, fBits (+ a 2-byte process id when referenced).
    public mutating func readTObject() throws {
        let version = try read(UInt16.self)
        if version & kByteCountVMask != 0 { try skip(4) }
        _ = try read(UInt32.self)
        let bits = try read(UInt32.self)
        if bits & kIsReferenced != 0 { try skip(2) }
    }

    /// TNamed: header, TObject, fName, fTitle.
    public mutating func readTNamed() throws -> (name: String, title: String) {
        let h = try readObjectHeader("TNamed")
        try readTObject()
        let name = try readTString()
        let title = try readTString()
        try finish(h, "TNamed")
        return (name, title)
    }

    /// Skips a whole object that has a byte count (e.g. TAttLine, TIOFeatures).
    public mutating func skipObject(_ className: String) throws {
        let h = try readObjectHeader(className)
        guard let end = h.end else {
            throw ROOTError(.unsupported, "\(className) without byte count cannot be skipped", offset: base + Int64(h.start))
        }
        try seek(end)
    }

    /// A fast array preceded by ROOT's one-byte "is array" marker (TStreamerBasicPointer members).
    public mutating func readPointerArray<T: FixedWidthInteger>(_: T.Type, count: Int, what: String) throws -> [T] {
        guard count >= 0, count <= remaining / max(1, MemoryLayout<T>.size) else {
            throw fail(.malformed, "\(what): array length \(count) exceeds the buffer")
        }
        try skip(1)
        var out = [T](); out.reserveCapacity(count)
        for _ in 0..<count { out.append(try read(T.self)) }
        return out
    }
}
