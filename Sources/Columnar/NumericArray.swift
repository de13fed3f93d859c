/// The element types a column can hold, spelled as numpy spells them.
public enum DType: String, Sendable, CaseIterable, Codable {
    case bool, int8, int16, int32, int64, uint8, uint16, uint32, uint64, float32, float64

    /// Size of one element in bytes.
    public var byteWidth: Int {
        switch self {
        case .bool, .int8, .uint8: return 1
        case .int16, .uint16: return 2
        case .int32, .uint32, .float32: return 4
        case .int64, .uint64, .float64: return 8
        }
    }

    public var isFloatingPoint: Bool { self == .float32 || self == .float64 }
    public var isInteger: Bool { !isFloatingPoint && self != .bool }
}

/// A typed, contiguous array of numbers: the content of every column.
public enum NumericArray: Sendable, Equatable {
    case bool([Bool])
    case int8([Int8])
    case int16([Int16])
    case int32([Int32])
    case int64([Int64])
    case uint8([UInt8])
    case uint16([UInt16])
    case uint32([UInt32])
    case uint64([UInt64])
    case float32([Float])
    case float64([Double])

    public var dtype: DType {
        switch self {
        case .bool: return .bool
        case .int8: return .int8
        case .int16: return .int16
        case .int32: return .int32
        case .int64: return .int64
        case .uint8: return .uint8
        case .uint16: return .uint16
        case .uint32: return .uint32
        case .uint64: return .uint64
        case .float32: return .float32
        case .float64: return .float64
        }
    }

    public var count: Int {
        switch self {
        case .bool(let a): return a.count
        case .int8(let a): return a.count
        case .int16(let a): return a.count
        case .int32(let a): return a.count
        case .int64(let a): return a.count
        case .uint8(let a): return a.count
        case .uint16(let a): return a.count
        case .uint32(let a): return a.count
        case .uint64(let a): return a.count
        case .float32(let a): return a.count
        case .float64(let a): return a.count
        }
    }

    /// An empty array of the given type.
    public static func empty(_ dtype: DType) -> NumericArray {
        switch dtype {
        case .bool: return .bool([])
        case .int8: return .int8([])
        case .int16: return .int16([])
        case .int32: return .int32([])
        case .int64: return .int64([])
        case .uint8: return .uint8([])
        case .uint16: return .uint16([])
        case .uint32: return .uint32([])
        case .uint64: return .uint64([])
        case .float32: return .float32([])
        case .float64: return .float64([])
        }
    }

    /// Element `i` converted to Double (bool → 0/1). Precondition: `i` in bounds.
    @inlinable
    public func double(at i: Int) -> Double {
        switch self {
        case .bool(let a): return a[i] ? 1 : 0
        case .int8(let a): return Double(a[i])
        case .int16(let a): return Double(a[i])
        case .int32(let a): return Double(a[i])
        case .int64(let a): return Double(a[i])
        case .uint8(let a): return Double(a[i])
        case .uint16(let a): return Double(a[i])
        case .uint32(let a): return Double(a[i])
        case .uint64(let a): return Double(a[i])
        case .float32(let a): return Double(a[i])
        case .float64(let a): return a[i]
        }
    }

    /// All elements converted to Double (bool → 0/1).
    public func toDoubles() -> [Double] {
        switch self {
        case .bool(let a): return a.map { $0 ? 1 : 0 }
        case .int8(let a): return a.map { Double($0) }
        case .int16(let a): return a.map { Double($0) }
        case .int32(let a): return a.map { Double($0) }
        case .int64(let a): return a.map { Double($0) }
        case .uint8(let a): return a.map { Double($0) }
        case .uint16(let a): return a.map { Double($0) }
        case .uint32(let a): return a.map { Double($0) }
        case .uint64(let a): return a.map { Double($0) }
        case .float32(let a): return a.map { Double($0) }
        case .float64(let a): return a
        }
    }

    /// Builds an array of `dtype` from doubles (integers rounded toward zero, clamped; bool = value != 0).
    public static func from(doubles: [Double], as dtype: DType) -> NumericArray {
        func int<T: FixedWidthInteger>(_: T.Type) -> [T] {
            doubles.map { v in
                guard v.isFinite else { return v.isNaN ? 0 : (v > 0 ? T.max : T.min) }
                if v >= Double(T.max) { return T.max }
                if v <= Double(T.min) { return T.min }
                return T(v)
            }
        }
        switch dtype {
        case .bool: return .bool(doubles.map { $0 != 0 })
        case .int8: return .int8(int(Int8.self))
        case .int16: return .int16(int(Int16.self))
        case .int32: return .int32(int(Int32.self))
        case .int64: return .int64(int(Int64.self))
        case .uint8: return .uint8(int(UInt8.self))
        case .uint16: return .uint16(int(UInt16.self))
        case .uint32: return .uint32(int(UInt32.self))
        case .uint64: return .uint64(int(UInt64.self))
        case .float32: return .float32(doubles.map { Float($0) })
        case .float64: return .float64(doubles)
        }
    }

    /// The elements at `indices`, in that order.
    public func gathered(_ indices: [Int]) -> NumericArray {
        switch self {
        case .bool(let a): return .bool(indices.map { a[$0] })
        case .int8(let a): return .int8(indices.map { a[$0] })
        case .int16(let a): return .int16(indices.map { a[$0] })
        case .int32(let a): return .int32(indices.map { a[$0] })
        case .int64(let a): return .int64(indices.map { a[$0] })
        case .uint8(let a): return .uint8(indices.map { a[$0] })
        case .uint16(let a): return .uint16(indices.map { a[$0] })
        case .uint32(let a): return .uint32(indices.map { a[$0] })
        case .uint64(let a): return .uint64(indices.map { a[$0] })
        case .float32(let a): return .float32(indices.map { a[$0] })
        case .float64(let a): return .float64(indices.map { a[$0] })
        }
    }

    /// The contiguous elements in `range`.
    public func slice(_ range: Range<Int>) -> NumericArray {
        switch self {
        case .bool(let a): return .bool(Array(a[range]))
        case .int8(let a): return .int8(Array(a[range]))
        case .int16(let a): return .int16(Array(a[range]))
        case .int32(let a): return .int32(Array(a[range]))
        case .int64(let a): return .int64(Array(a[range]))
        case .uint8(let a): return .uint8(Array(a[range]))
        case .uint16(let a): return .uint16(Array(a[range]))
        case .uint32(let a): return .uint32(Array(a[range]))
        case .uint64(let a): return .uint64(Array(a[range]))
        case .float32(let a): return .float32(Array(a[range]))
        case .float64(let a): return .float64(Array(a[range]))
        }
    }

    /// Concatenation of arrays of one dtype; nil when the dtypes differ.
    public static func concatenate(_ parts: [NumericArray], dtype: DType) -> NumericArray? {
        guard parts.allSatisfy({ $0.dtype == dtype }) else { return nil }
        func join<T>(_ extract: (NumericArray) -> [T]) -> [T] {
            var out = [T]()
            out.reserveCapacity(parts.reduce(0) { $0 + $1.count })
            for p in parts { out.append(contentsOf: extract(p)) }
            return out
        }
        switch dtype {
        case .bool: return .bool(join { if case .bool(let a) = $0 { return a } else { return [] } })
        case .int8: return .int8(join { if case .int8(let a) = $0 { return a } else { return [] } })
        case .int16: return .int16(join { if case .int16(let a) = $0 { return a } else { return [] } })
        case .int32: return .int32(join { if case .int32(let a) = $0 { return a } else { return [] } })
        case .int64: return .int64(join { if case .int64(let a) = $0 { return a } else { return [] } })
        case .uint8: return .uint8(join { if case .uint8(let a) = $0 { return a } else { return [] } })
        case .uint16: return .uint16(join { if case .uint16(let a) = $0 { return a } else { return [] } })
        case .uint32: return .uint32(join { if case .uint32(let a) = $0 { return a } else { return [] } })
        case .uint64: return .uint64(join { if case .uint64(let a) = $0 { return a } else { return [] } })
        case .float32: return .float32(join { if case .float32(let a) = $0 { return a } else { return [] } })
        case .float64: return .float64(join { if case .float64(let a) = $0 { return a } else { return [] } })
        }
    }
}
