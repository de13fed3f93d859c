import Columnar

/// Bulk conversions of big-endian basket bytes into host-order column memory, and column arrays
/// allocated without zero-filling so baskets can be decompressed straight into them.
///
/// Every loop here is a single pass over contiguous memory with no per-entry branching, written so the
/// optimiser vectorises it (byte shuffles for the swaps).
enum BulkBytes {
    /// Converts `count` big-endian elements of `size` bytes (1, 2, 4 or 8) in place to host order.
    static func swapInPlace(_ buffer: UnsafeMutableRawBufferPointer, elementSize size: Int) {
        switch size {
        case 2: swap(buffer, UInt16.self)
        case 4: swap(buffer, UInt32.self)
        case 8: swap(buffer, UInt64.self)
        default: return
        }
    }

    @inline(__always)
    private static func swap<T: FixedWidthInteger>(_ buffer: UnsafeMutableRawBufferPointer, _: T.Type) {
        let n = buffer.count / MemoryLayout<T>.size
        guard n > 0, let base = buffer.baseAddress else { return }
        // Raw loads and stores: the memory stays bound to the column's element type.
        for i in 0..<n {
            let o = i &* MemoryLayout<T>.size
            base.storeBytes(of: T(bigEndian: base.loadUnaligned(fromByteOffset: o, as: T.self)), toByteOffset: o, as: T.self)
        }
    }

    /// Copies big-endian elements from `source` into `destination` (same byte count), converting to host order.
    static func copySwapped(_ source: UnsafeRawBufferPointer, into destination: UnsafeMutableRawBufferPointer,
                            elementSize size: Int) {
        precondition(source.count == destination.count, "copySwapped: \(source.count) != \(destination.count) bytes")
        guard source.count > 0, let src = source.baseAddress, let dst = destination.baseAddress else { return }
        switch size {
        case 2: copySwap(src, dst, source.count / 2, UInt16.self)
        case 4: copySwap(src, dst, source.count / 4, UInt32.self)
        case 8: copySwap(src, dst, source.count / 8, UInt64.self)
        default: dst.copyMemory(from: src, byteCount: source.count)
        }
    }

    @inline(__always)
    private static func copySwap<T: FixedWidthInteger>(_ src: UnsafeRawPointer, _ dst: UnsafeMutableRawPointer, _ n: Int,
                                                       _: T.Type) {
        for i in 0..<n {
            let o = i &* MemoryLayout<T>.size
            dst.storeBytes(of: T(bigEndian: src.loadUnaligned(fromByteOffset: o, as: T.self)), toByteOffset: o, as: T.self)
        }
    }

    /// Rewrites bool bytes in place so that every non-zero byte becomes 1 (Swift's Bool representation).
    /// Reads 8 bytes at a time and writes only words holding a byte other than 0 or 1 (rare).
    static func normaliseBools(_ buffer: UnsafeMutableRawBufferPointer) {
        guard let base = buffer.baseAddress else { return }
        let n = buffer.count
        func fix(_ range: Range<Int>) {
            for i in range {
                base.storeBytes(of: base.load(fromByteOffset: i, as: UInt8.self) == 0 ? 0 : 1, toByteOffset: i, as: UInt8.self)
            }
        }
        var i = 0
        while i &+ 8 <= n {
            if base.loadUnaligned(fromByteOffset: i, as: UInt64.self) & ~0x0101_0101_0101_0101 != 0 { fix(i..<(i + 8)) }
            i &+= 8
        }
        fix(i..<n)
    }

    /// Allocates one array per (dtype, element count) without initialising it, runs `fill` with the arrays'
    /// raw memory (in `specs` order), and returns the arrays. `fill` must write every byte of every buffer;
    /// if it throws, the arrays are discarded. Only trivial element types are used, so no value is ever
    /// read before `fill` writes it.
    static func withUninitializedArrays(_ specs: [(dtype: DType, count: Int)],
                                        fill: ([UnsafeMutableRawBufferPointer]) throws -> Void) throws -> [NumericArray] {
        var buffers: [UnsafeMutableRawBufferPointer] = []
        buffers.reserveCapacity(specs.count)
        var built: [NumericArray] = []
        built.reserveCapacity(specs.count)
        func level(_ i: Int) throws {
            guard i < specs.count else { return try fill(buffers) }
            let n = specs[i].count
            func make<T>(_: T.Type) throws -> [T] {
                try [T](unsafeUninitializedCapacity: n) { buffer, initialised in
                    initialised = 0
                    buffers.append(UnsafeMutableRawBufferPointer(buffer))
                    try level(i + 1)
                    initialised = n
                }
            }
            let array: NumericArray
            switch specs[i].dtype {
            case .bool: array = .bool(try make(Bool.self))
            case .int8: array = .int8(try make(Int8.self))
            case .uint8: array = .uint8(try make(UInt8.self))
            case .int16: array = .int16(try make(Int16.self))
            case .uint16: array = .uint16(try make(UInt16.self))
            case .int32: array = .int32(try make(Int32.self))
            case .uint32: array = .uint32(try make(UInt32.self))
            case .int64: array = .int64(try make(Int64.self))
            case .uint64: array = .uint64(try make(UInt64.self))
            case .float32: array = .float32(try make(Float.self))
            case .float64: array = .float64(try make(Double.self))
            }
            built.append(array)
        }
        try level(0)
        // The innermost array completes first.
        return built.reversed()
    }

    /// Allocates one `[Int]` per count without initialising it, runs `fill` with their memory (in `counts`
    /// order) and returns them. `fill` must write every element; if it throws, the arrays are discarded.
    static func withUninitializedIntArrays(_ counts: [Int],
                                           fill: ([UnsafeMutableBufferPointer<Int>]) throws -> Void) throws -> [[Int]] {
        var buffers: [UnsafeMutableBufferPointer<Int>] = []
        buffers.reserveCapacity(counts.count)
        var built: [[Int]] = []
        built.reserveCapacity(counts.count)
        func level(_ i: Int) throws {
            guard i < counts.count else { return try fill(buffers) }
            let n = counts[i]
            built.append(try [Int](unsafeUninitializedCapacity: n) { buffer, initialised in
                initialised = 0
                buffers.append(buffer)
                try level(i + 1)
                initialised = n
            })
        }
        try level(0)
        // The innermost array completes first.
        return built.reversed()
    }
}
