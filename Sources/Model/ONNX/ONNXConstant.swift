import Foundation

// ONNX TensorProto decoding (only what MLP graphs carry as constants)
//
// | data_type | element      | where the values are                                   |
// |-----------|--------------|--------------------------------------------------------|
// | 1 FLOAT   | float32      | float_data, or raw_data (4 bytes each, little-endian)  |
// | 11 DOUBLE | float64      | double_data, or raw_data (8 bytes each)                |
// | 6 INT32   | int32        | int32_data, or raw_data (4 bytes each)                 |
// | 7 INT64   | int64        | int64_data, or raw_data (8 bytes each)                 |
// | 9 BOOL    | bool         | int32_data, or raw_data (1 byte each)                  |
// dims: the shape (empty = scalar); external data (data_location = EXTERNAL) is rejected.

/// A constant tensor of an ONNX graph (initializer or Constant node), values widened to Double.
struct ONNXConstant: Equatable {
    var shape: [Int]
    var values: [Double]
    /// True for float / double element types (false for integer shapes, axes, …).
    var isFloatingPoint: Bool

    var count: Int { values.count }

    init(shape: [Int], values: [Double], isFloatingPoint: Bool = true) {
        self.shape = shape
        self.values = values
        self.isFloatingPoint = isFloatingPoint
    }

    /// Decodes `t`; errors name the tensor.
    init(_ t: Onnx_TensorProto) throws {
        let name = t.name.isEmpty ? "<unnamed>" : t.name
        if t.dataLocation == .external || !t.externalData.isEmpty {
            throw ModelError.invalidTensor(name: name, reason: "external data is not supported")
        }
        var shape: [Int] = []
        for d in t.dims {
            guard d >= 0, d < 1 << 31 else { throw ModelError.invalidTensor(name: name, reason: "invalid dimension \(d)") }
            shape.append(Int(d))
        }
        var expected = 1
        for d in shape {
            let (p, overflow) = expected.multipliedReportingOverflow(by: d)
            guard !overflow, p < 1 << 31 else { throw ModelError.invalidTensor(name: name, reason: "too many elements") }
            expected = p
        }
        let raw = t.rawData
        let values: [Double]
        var isFloat = true
        func fromRaw(width: Int, _ decode: (UnsafeRawBufferPointer, Int) -> Double) throws -> [Double] {
            guard raw.count == expected * width else {
                throw ModelError.invalidTensor(name: name, reason: "raw_data has \(raw.count) bytes, shape \(shape) needs \(expected * width)")
            }
            return raw.withUnsafeBytes { b in (0..<expected).map { decode(b, $0 * width) } }
        }
        switch t.dataType {
        case 1:
            values = raw.isEmpty ? t.floatData.map(Double.init)
                : try fromRaw(width: 4) { b, o in Double(Float(bitPattern: UInt32(littleEndian: b.loadUnaligned(fromByteOffset: o, as: UInt32.self)))) }
        case 11:
            values = raw.isEmpty ? t.doubleData
                : try fromRaw(width: 8) { b, o in Double(bitPattern: UInt64(littleEndian: b.loadUnaligned(fromByteOffset: o, as: UInt64.self))) }
        case 6:
            isFloat = false
            values = raw.isEmpty ? t.int32Data.map(Double.init)
                : try fromRaw(width: 4) { b, o in Double(Int32(littleEndian: b.loadUnaligned(fromByteOffset: o, as: Int32.self))) }
        case 7:
            isFloat = false
            values = raw.isEmpty ? t.int64Data.map(Double.init)
                : try fromRaw(width: 8) { b, o in Double(Int64(littleEndian: b.loadUnaligned(fromByteOffset: o, as: Int64.self))) }
        case 9:
            isFloat = false
            values = raw.isEmpty ? t.int32Data.map { $0 != 0 ? 1 : 0 }
                : try fromRaw(width: 1) { b, o in b[o] != 0 ? 1 : 0 }
        default:
            throw ModelError.invalidTensor(name: name, reason: "data type \(t.dataType) is not supported (float, double, int32, int64, bool)")
        }
        guard values.count == expected else {
            throw ModelError.invalidTensor(name: name, reason: "has \(values.count) values, shape \(shape) needs \(expected)")
        }
        self.init(shape: shape, values: values, isFloatingPoint: isFloat)
    }

    /// The values as integers (shapes, axes), or nil if any is not integral.
    var integers: [Int]? {
        var out: [Int] = []
        for v in values {
            guard v == v.rounded(), abs(v) < 1e15 else { return nil }
            out.append(Int(v))
        }
        return out
    }

    /// The values broadcast to a per-feature vector of `width`, when the shape allows it
    /// (scalar, [1], [width], [1, width], [1, 1]); nil otherwise.
    func perFeature(width: Int) -> [Double]? {
        let nonUnit = shape.filter { $0 != 1 }
        if count == 1 { return [Double](repeating: values[0], count: width) }
        guard nonUnit == [width], shape.last == width else { return nil }
        return values
    }
}
