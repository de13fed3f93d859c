/// A minimal FlatBuffers serializer for the few Arrow metadata tables we write (Message, Schema, Field,
/// RecordBatch, Footer, ...).
///
/// Layout produced (front to back; every uoffset points forward, as FlatBuffers requires):
///
/// | bytes                | content                                                            |
/// |----------------------|--------------------------------------------------------------------|
/// | 0 ..< 4              | uoffset (uint32 LE) to the root table                              |
/// | per table            | vtable (uint16s: vtable size, inline size, field offsets), pad to 8, |
/// |                      | then the table: int32 soffset (table − vtable), fields aligned to size |
/// | per string           | uint32 length, UTF-8 bytes, NUL                                    |
/// | per vector           | uint32 count, elements (tables as uoffsets, structs inline)        |
///
/// A child object is written right after its parent table, and the parent's uoffset is patched then.
/// Alignment is absolute within the buffer: the caller places the buffer at an 8-aligned file offset.
struct FlatBufferBuilder {
    /// One field value of a table.
    enum Value {
        case uint8(UInt8)
        case bool(Bool)
        case int16(Int16)
        case int32(Int32)
        case int64(Int64)
        /// A reference (uoffset) to another object.
        case object(Object)

        var inlineSize: Int {
            switch self {
            case .uint8, .bool: return 1
            case .int16: return 2
            case .int32, .object: return 4
            case .int64: return 8
            }
        }
    }

    /// A referenced object.
    indirect enum Object {
        case table(Table)
        case string(String)
        case tables([Table])
        /// A vector of fixed-size structs: raw little-endian bytes of `count` structs with the given alignment.
        case structs(bytes: [UInt8], count: Int, alignment: Int)
    }

    /// A table: (field index, value) pairs; absent fields take their schema default.
    struct Table {
        var fields: [(slot: Int, value: Value)] = []
        init(_ fields: [(Int, Value?)] = []) {
            for (s, v) in fields { if let v { self.fields.append((s, v)) } }
        }
    }

    private(set) var bytes: [UInt8] = []

    /// Serializes `root` into a FlatBuffer, padded with zeros to a multiple of `paddingTo` bytes.
    static func serialize(root: Table, paddingTo: Int = 8) -> [UInt8] {
        var b = FlatBufferBuilder()
        b.bytes = [0, 0, 0, 0]
        let pos = b.write(table: root)
        b.patch(uoffsetAt: 0, target: pos)
        b.pad(to: paddingTo)
        return b.bytes
    }

    private mutating func pad(to alignment: Int) {
        let rem = bytes.count % alignment
        if rem != 0 { bytes.append(contentsOf: repeatElement(0, count: alignment - rem)) }
    }

    private mutating func append<T: FixedWidthInteger>(_ v: T) {
        withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) }
    }

    private mutating func patch(uoffsetAt at: Int, target: Int) {
        let v = UInt32(target - at).littleEndian
        withUnsafeBytes(of: v) { raw in for k in 0..<4 { bytes[at + k] = raw[k] } }
    }

    /// Writes `object`, returning the position uoffsets must point to.
    private mutating func write(_ object: Object) -> Int {
        switch object {
        case .table(let t):
            return write(table: t)
        case .string(let s):
            pad(to: 4)
            let pos = bytes.count
            let utf8 = Array(s.utf8)
            append(UInt32(utf8.count))
            bytes.append(contentsOf: utf8)
            bytes.append(0)
            return pos
        case .tables(let tables):
            pad(to: 4)
            let pos = bytes.count
            append(UInt32(tables.count))
            bytes.append(contentsOf: repeatElement(0, count: 4 * tables.count))
            for (i, t) in tables.enumerated() {
                let child = write(table: t)
                patch(uoffsetAt: pos + 4 + 4 * i, target: child)
            }
            return pos
        case let .structs(raw, count, alignment):
            let align = max(4, alignment)
            // The elements (after the 4-byte count) must be aligned to `align`.
            while (bytes.count + 4) % align != 0 { bytes.append(0) }
            let pos = bytes.count
            append(UInt32(count))
            bytes.append(contentsOf: raw)
            return pos
        }
    }

    private mutating func write(table: Table) -> Int {
        // Inline layout relative to the table start (which we align to 8): soffset, then fields largest first.
        let ordered = table.fields.sorted { $0.value.inlineSize > $1.value.inlineSize }
        var cursor = 4
        var placed: [(slot: Int, offset: Int, value: Value)] = []
        for f in ordered {
            let size = f.value.inlineSize
            cursor = (cursor + size - 1) / size * size
            placed.append((f.slot, cursor, f.value))
            cursor += size
        }
        let inlineSize = cursor
        let slotCount = (table.fields.map(\.slot).max() ?? -1) + 1
        var slotOffsets = [UInt16](repeating: 0, count: slotCount)
        for p in placed { slotOffsets[p.slot] = UInt16(p.offset) }

        pad(to: 2)
        let vtablePos = bytes.count
        append(UInt16(4 + 2 * slotCount))
        append(UInt16(inlineSize))
        for o in slotOffsets { append(o) }
        pad(to: 8)
        let tablePos = bytes.count
        append(Int32(tablePos - vtablePos))
        var pendingObjects: [(at: Int, object: Object)] = []
        for p in placed {
            while bytes.count < tablePos + p.offset { bytes.append(0) }
            switch p.value {
            case .uint8(let v): append(v)
            case .bool(let v): append(UInt8(v ? 1 : 0))
            case .int16(let v): append(v)
            case .int32(let v): append(v)
            case .int64(let v): append(v)
            case .object(let o):
                pendingObjects.append((bytes.count, o))
                append(UInt32(0))
            }
        }
        for (at, object) in pendingObjects {
            let target = write(object)
            patch(uoffsetAt: at, target: target)
        }
        return tablePos
    }
}
