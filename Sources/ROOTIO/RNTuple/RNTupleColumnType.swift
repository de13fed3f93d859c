import Columnar

/// The column types of RNTuple format 1.0, with their storage size and how pages encode them.
///
/// | id   | name         | bits  | decoded as           | page encoding                              |
/// |------|--------------|-------|----------------------|--------------------------------------------|
/// | 0x00 | Bit          | 1     | bool                 | bits packed LSB first                      |
/// | 0x01 | Byte         | 8     | uint8                | raw                                        |
/// | 0x02 | Char         | 8     | uint8                | raw                                        |
/// | 0x03 | Int8 / 0x04 UInt8 | 8 | int8 / uint8       | raw                                        |
/// | 0x05-0x0A | (U)Int16/32/64 | | (u)int16/32/64     | little-endian                              |
/// | 0x0B | Real16       | 16    | float32              | IEEE half, little-endian                   |
/// | 0x0C | Real32 / 0x0D Real64 | | float32 / float64  | little-endian                              |
/// | 0x0E | Index32 / 0x0F Index64 | | int64 (offsets)  | little-endian, relative to the cluster     |
/// | 0x10 | Switch       | 96    | (not decoded)        | Int64 index + Int32 tag                    |
/// | 0x11-0x16 | Split(U)Int16/32/64 | | as unsplit     | byte-stream split; signed also zigzag      |
/// | 0x17-0x19 | SplitReal16/32/64 | |                  | byte-stream split                          |
/// | 0x1A | SplitIndex32 / 0x1B SplitIndex64 | |         | byte-stream split of per-page deltas       |
/// | 0x1C | Real32Trunc  | 10-31 | float32              | top N bits of the float, packed LSB first  |
/// | 0x1D | Real32Quant  | 1-32  | float32              | N-bit integers in [min, max], packed       |
public enum RNTupleColumnType: UInt16, Sendable, CaseIterable {
    case bit = 0x00, byte = 0x01, char = 0x02, int8 = 0x03, uint8 = 0x04
    case int16 = 0x05, uint16 = 0x06, int32 = 0x07, uint32 = 0x08, int64 = 0x09, uint64 = 0x0A
    case real16 = 0x0B, real32 = 0x0C, real64 = 0x0D, index32 = 0x0E, index64 = 0x0F, switchType = 0x10
    case splitInt16 = 0x11, splitUInt16 = 0x12, splitInt32 = 0x13, splitUInt32 = 0x14
    case splitInt64 = 0x15, splitUInt64 = 0x16, splitReal16 = 0x17, splitReal32 = 0x18, splitReal64 = 0x19
    case splitIndex32 = 0x1A, splitIndex64 = 0x1B, real32Trunc = 0x1C, real32Quant = 0x1D

    /// The name ROOT uses ("SplitReal32").
    public var name: String {
        switch self {
        case .bit: return "Bit"
        case .byte: return "Byte"
        case .char: return "Char"
        case .int8: return "Int8"
        case .uint8: return "UInt8"
        case .int16: return "Int16"
        case .uint16: return "UInt16"
        case .int32: return "Int32"
        case .uint32: return "UInt32"
        case .int64: return "Int64"
        case .uint64: return "UInt64"
        case .real16: return "Real16"
        case .real32: return "Real32"
        case .real64: return "Real64"
        case .index32: return "Index32"
        case .index64: return "Index64"
        case .switchType: return "Switch"
        case .splitInt16: return "SplitInt16"
        case .splitUInt16: return "SplitUInt16"
        case .splitInt32: return "SplitInt32"
        case .splitUInt32: return "SplitUInt32"
        case .splitInt64: return "SplitInt64"
        case .splitUInt64: return "SplitUInt64"
        case .splitReal16: return "SplitReal16"
        case .splitReal32: return "SplitReal32"
        case .splitReal64: return "SplitReal64"
        case .splitIndex32: return "SplitIndex32"
        case .splitIndex64: return "SplitIndex64"
        case .real32Trunc: return "Real32Trunc"
        case .real32Quant: return "Real32Quant"
        }
    }

    /// Bits per element on storage for fixed-size types (nil: given by the column descriptor).
    public var fixedBits: Int? {
        switch self {
        case .bit: return 1
        case .byte, .char, .int8, .uint8: return 8
        case .int16, .uint16, .real16, .splitInt16, .splitUInt16, .splitReal16: return 16
        case .int32, .uint32, .real32, .index32, .splitInt32, .splitUInt32, .splitReal32, .splitIndex32: return 32
        case .int64, .uint64, .real64, .index64, .splitInt64, .splitUInt64, .splitReal64, .splitIndex64: return 64
        case .switchType: return 96
        case .real32Trunc, .real32Quant: return nil
        }
    }

    public var isIndex: Bool { self == .index32 || self == .index64 || self == .splitIndex32 || self == .splitIndex64 }

    /// The type of the decoded values (index columns decode to int64 offsets); nil for Switch.
    public var decodedType: DType? {
        switch self {
        case .bit: return .bool
        case .byte, .char, .uint8: return .uint8
        case .int8: return .int8
        case .int16, .splitInt16: return .int16
        case .uint16, .splitUInt16: return .uint16
        case .int32, .splitInt32: return .int32
        case .uint32, .splitUInt32: return .uint32
        case .int64, .splitInt64: return .int64
        case .uint64, .splitUInt64: return .uint64
        case .real16, .splitReal16, .real32, .splitReal32, .real32Trunc, .real32Quant: return .float32
        case .real64, .splitReal64: return .float64
        case .index32, .index64, .splitIndex32, .splitIndex64: return .int64
        case .switchType: return nil
        }
    }

    /// The type uproot presents for a value column of this type (index columns: the integer of their width).
    var valueType: DType? {
        switch self {
        case .index32, .splitIndex32: return .int32
        case .index64, .splitIndex64: return .int64
        default: return decodedType
        }
    }
}

extension DType {
    /// numpy's `result_type` of two numeric types (bool only combines with bool; otherwise bool acts as the other).
    static func promoted(_ a: DType, _ b: DType) -> DType {
        if a == b { return a }
        if a == .bool { return b }
        if b == .bool { return a }
        if a.isFloatingPoint || b.isFloatingPoint {
            if a == .float64 || b == .float64 { return .float64 }
            let other = a.isFloatingPoint ? b : a
            // float32 with an integer of more than 16 bits is float64 in numpy.
            return other.isFloatingPoint || other.byteWidth <= 2 ? .float32 : .float64
        }
        let aSigned = [.int8, .int16, .int32, .int64].contains(a)
        let bSigned = [.int8, .int16, .int32, .int64].contains(b)
        let width = Swift.max(a.byteWidth, b.byteWidth)
        if aSigned == bSigned { return integer(width, signed: aSigned) }
        let unsigned = aSigned ? b : a, signed = aSigned ? a : b
        if signed.byteWidth > unsigned.byteWidth { return signed }
        return unsigned.byteWidth >= 8 ? .float64 : integer(unsigned.byteWidth * 2, signed: true)
    }

    static func integer(_ width: Int, signed: Bool) -> DType {
        switch width {
        case 1: return signed ? .int8 : .uint8
        case 2: return signed ? .int16 : .uint16
        case 4: return signed ? .int32 : .uint32
        default: return signed ? .int64 : .uint64
        }
    }
}
