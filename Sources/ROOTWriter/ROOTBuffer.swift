/// A big-endian output buffer that frames objects the way TBufferFile writes them.
///
/// | bytes | field                                                                    |
/// |-------|--------------------------------------------------------------------------|
/// | 4     | byte count | 0x40000000, patched when the object ends (`endObject`)       |
/// | 2     | class version                                                            |
/// | n     | members                                                                  |
///
/// Pointers (`objectAny`): byte count, then 0xFFFFFFFF + NUL-terminated class name the first time a class
/// appears (or `classTag | 0x80000000` afterwards), then the object. Displacements used for class and object
/// references are measured from `origin` (the key length of the key the buffer will be stored under).
struct ROOTBuffer {
    private(set) var bytes: [UInt8] = []
    /// ROOT's buffer displacement of position 0 (the owning key's fKeylen).
    let origin: Int
    private var classTags: [String: UInt32] = [:]

    init(origin: Int = 0, capacity: Int = 256) {
        self.origin = origin
        bytes.reserveCapacity(capacity)
    }

    var count: Int { bytes.count }

    mutating func u8(_ v: UInt8) { bytes.append(v) }
    mutating func bool(_ v: Bool) { bytes.append(v ? 1 : 0) }
    mutating func i16(_ v: Int16) { u16(UInt16(bitPattern: v)) }
    mutating func u16(_ v: UInt16) { bytes.append(UInt8(v >> 8)); bytes.append(UInt8(v & 0xff)) }
    mutating func i32(_ v: Int32) { u32(UInt32(bitPattern: v)) }
    mutating func u32(_ v: UInt32) {
        bytes.append(UInt8(v >> 24)); bytes.append(UInt8((v >> 16) & 0xff))
        bytes.append(UInt8((v >> 8) & 0xff)); bytes.append(UInt8(v & 0xff))
    }
    mutating func i64(_ v: Int64) { u64(UInt64(bitPattern: v)) }
    mutating func u64(_ v: UInt64) { u32(UInt32(v >> 32)); u32(UInt32(v & 0xffff_ffff)) }
    mutating func f32(_ v: Float) { u32(v.bitPattern) }
    mutating func f64(_ v: Double) { u64(v.bitPattern) }
    /// A 4- or 8-byte seek, as the small/large file formats require.
    mutating func seek(_ v: Int64, large: Bool) { if large { i64(v) } else { i32(Int32(truncatingIfNeeded: v)) } }
    mutating func raw(_ b: [UInt8]) { bytes.append(contentsOf: b) }
    mutating func zeros(_ n: Int) { bytes.append(contentsOf: repeatElement(0, count: n)) }

    /// TString: one length byte (255 + a 4-byte length beyond 254 bytes), then UTF-8 bytes.
    mutating func tstring(_ s: String) {
        let utf8 = Array(s.utf8)
        if utf8.count < 255 { u8(UInt8(utf8.count)) } else { u8(255); u32(UInt32(utf8.count)) }
        bytes.append(contentsOf: utf8)
    }

    /// Bytes a TString occupies.
    static func tstringSize(_ s: String) -> Int { let n = s.utf8.count; return n < 255 ? n + 1 : n + 5 }

    /// Opens a versioned object with a byte count; returns the position to pass to `endObject`.
    mutating func beginObject(version: Int16) -> Int {
        let p = bytes.count
        u32(0)
        i16(version)
        return p
    }

    /// Patches the byte count of the object opened at `start`.
    mutating func endObject(_ start: Int) {
        let n = UInt32(bytes.count - start - 4) | 0x4000_0000
        bytes[start] = UInt8(n >> 24); bytes[start + 1] = UInt8((n >> 16) & 0xff)
        bytes[start + 2] = UInt8((n >> 8) & 0xff); bytes[start + 3] = UInt8(n & 0xff)
    }

    /// TObject: version 1, fUniqueID 0, fBits (kNotDeleted | kIsOnHeap as ROOT streams them).
    mutating func tobject(bits: UInt32 = 0x0300_0000) {
        i16(1); u32(0); u32(bits)
    }

    /// TNamed v1: TObject, fName, fTitle.
    mutating func tnamed(_ name: String, _ title: String) {
        let s = beginObject(version: 1)
        tobject()
        tstring(name)
        tstring(title)
        endObject(s)
    }

    /// A pointer to an object of `className` written by `body`; returns the object's reference tag
    /// (what a later `reference(_:)` writes to point at the same object).
    @discardableResult
    mutating func objectAny(_ className: String, _ body: (inout ROOTBuffer) -> Void) -> UInt32 {
        let start = bytes.count
        u32(0)
        if let tag = classTags[className] {
            u32(tag | 0x8000_0000)
        } else {
            classTags[className] = UInt32(origin + bytes.count + 2)
            u32(0xFFFF_FFFF)
            bytes.append(contentsOf: Array(className.utf8))
            u8(0)
        }
        body(&self)
        endObject(start)
        return UInt32(origin + start + 2)
    }

    /// A pointer to an object written earlier in this buffer.
    mutating func reference(_ tag: UInt32) { u32(tag) }

    /// A null pointer.
    mutating func null() { u32(0) }
}
