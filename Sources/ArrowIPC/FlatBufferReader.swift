/// Bounds-checked reading of a FlatBuffer copied out of a file (Arrow's Message and Footer metadata).
///
/// | item     | encoding                                                                        |
/// |----------|---------------------------------------------------------------------------------|
/// | root     | uint32 uoffset at byte 0 → table                                                |
/// | table    | int32 soffset at its start; vtable = table − soffset                            |
/// | vtable   | uint16 vtable size, uint16 table size, uint16 field offsets (0 = absent)        |
/// | uoffset  | uint32, relative to its own position, pointing forward                          |
/// | string   | uint32 length, bytes, NUL                                                       |
/// | vector   | uint32 count, then elements                                                     |
///
/// Every read is checked against the buffer; failures throw `ArrowError` with the absolute file offset.
struct FlatBufferReader {
    let bytes: [UInt8]
    /// Absolute file offset of `bytes[0]`, for error messages.
    let fileOffset: Int
    /// What this buffer is ("Footer", "Message"), for error messages.
    let what: String

    init(bytes: [UInt8], fileOffset: Int, what: String) {
        self.bytes = bytes
        self.fileOffset = fileOffset
        self.what = what
    }

    func fail(_ at: Int, _ reason: String) -> ArrowError {
        .invalidMetadata(what: what, offset: fileOffset + at, reason: reason)
    }

    func check(_ pos: Int, _ count: Int, _ item: String) throws {
        guard pos >= 0, count >= 0, pos <= bytes.count, count <= bytes.count - pos else {
            throw fail(max(0, pos), "\(item): \(count) bytes at \(pos) run past the end of the \(bytes.count)-byte buffer")
        }
    }

    func load<T: FixedWidthInteger>(_ pos: Int, as: T.Type, _ item: String = "scalar") throws -> T {
        try check(pos, MemoryLayout<T>.size, item)
        return bytes.withUnsafeBytes { T(littleEndian: $0.loadUnaligned(fromByteOffset: pos, as: T.self)) }
    }

    /// Follows the uoffset stored at `pos`.
    func follow(_ pos: Int, _ item: String) throws -> Int {
        let off = try load(pos, as: UInt32.self, item)
        let target = pos + Int(off)
        try check(target, 4, item)
        return target
    }

    func root() throws -> Table {
        try Table(reader: self, position: follow(0, "root offset"))
    }

    /// A table inside the buffer.
    struct Table {
        let reader: FlatBufferReader
        let position: Int
        let vtable: Int
        let vtableSize: Int

        init(reader: FlatBufferReader, position: Int) throws {
            self.reader = reader
            self.position = position
            let soff = try reader.load(position, as: Int32.self, "table soffset")
            let vt = position - Int(soff)
            try reader.check(vt, 4, "vtable")
            let size = Int(try reader.load(vt, as: UInt16.self, "vtable size"))
            guard size >= 4, size % 2 == 0 else { throw reader.fail(vt, "vtable size \(size) is invalid") }
            try reader.check(vt, size, "vtable")
            self.vtable = vt
            self.vtableSize = size
        }

        /// Position of field `slot`, or nil when absent.
        func fieldPosition(_ slot: Int) throws -> Int? {
            let entry = 4 + 2 * slot
            guard entry + 2 <= vtableSize else { return nil }
            let off = Int(try reader.load(vtable + entry, as: UInt16.self, "vtable entry"))
            return off == 0 ? nil : position + off
        }

        func scalar<T: FixedWidthInteger>(_ slot: Int, default value: T, _ item: String) throws -> T {
            guard let p = try fieldPosition(slot) else { return value }
            return try reader.load(p, as: T.self, item)
        }

        func bool(_ slot: Int, default value: Bool, _ item: String) throws -> Bool {
            try scalar(slot, default: value ? 1 : 0, item) as UInt8 != 0
        }

        func table(_ slot: Int, _ item: String) throws -> Table? {
            guard let p = try fieldPosition(slot) else { return nil }
            return try Table(reader: reader, position: reader.follow(p, item))
        }

        func string(_ slot: Int, _ item: String) throws -> String? {
            guard let p = try fieldPosition(slot) else { return nil }
            let s = try reader.follow(p, item)
            let n = Int(try reader.load(s, as: UInt32.self, item))
            try reader.check(s + 4, n, item)
            return String(decoding: reader.bytes[(s + 4)..<(s + 4 + n)], as: UTF8.self)
        }

        /// A vector field: position of its first element and its count, elements bounds-checked.
        func vector(_ slot: Int, elementSize: Int, _ item: String) throws -> (start: Int, count: Int)? {
            guard let p = try fieldPosition(slot) else { return nil }
            let v = try reader.follow(p, item)
            let n = Int(try reader.load(v, as: UInt32.self, item))
            let (total, overflow) = n.multipliedReportingOverflow(by: elementSize)
            guard !overflow else { throw reader.fail(v, "\(item): vector count \(n) overflows") }
            try reader.check(v + 4, total, item)
            return (v + 4, n)
        }

        /// A vector of tables.
        func tables(_ slot: Int, _ item: String) throws -> [Table] {
            guard let (start, count) = try vector(slot, elementSize: 4, item) else { return [] }
            return try (0..<count).map { try Table(reader: reader, position: reader.follow(start + 4 * $0, item)) }
        }
    }
}
