import Columnar

/// Decodes one record batch of an Arrow IPC file into Columns.
///
/// | item            | encoding                                                                     |
/// |-----------------|------------------------------------------------------------------------------|
/// | message prefix  | 0xFFFFFFFF, int32 metadata size (pre-1.0 files: int32 size only)             |
/// | Message         | flatbuffer; header RecordBatch {length, nodes, buffers, compression}         |
/// | body            | at block offset + metaDataLength; buffers at body-relative (offset, length)  |
/// | compressed body | each buffer: int64 uncompressed length (−1 = raw) + LZ4/zstd frame (ArrowCompression.swift, DecompressedBody.swift) |
/// | per field       | depth-first: one FieldNode {length, null_count} and its buffers:             |
/// |                 | primitive/Bool: validity, data · List: validity, int32 offsets · LargeList: validity, int64 offsets · FixedSizeList: validity |
struct RecordBatchDecoder {
    /// The file, or the decompressed body when the batch is compressed (then `bodyStart` is 0).
    let file: UnsafeRawBufferPointer
    let index: Int
    /// The batch's BodyCompression codec (Arrow's id: LZ4_FRAME 0, ZSTD 1), nil when uncompressed.
    let codec: Int8?
    /// Keeps a compressed batch's decompressed buffers alive while columns are copied out of them.
    private let decompressed: DecompressedBody?
    /// Rows in this batch.
    let length: Int
    let bodyStart: Int
    let bodySize: Int
    private var nodes: [(length: Int, nulls: Int)] = []
    private var buffers: [(offset: Int, length: Int)] = []
    private var nextNode = 0
    private var nextBuffer = 0

    /// Parses the message at `block`; everything must end before `limit` (the footer).
    init(file: UnsafeRawBufferPointer, block: BlockLocation, index: Int, limit: Int) throws {
        self.index = index
        let what = "record batch \(index) block"
        guard block.offset >= 8, block.metadataSize >= 8, block.bodySize >= 0,
              block.offset <= limit, block.metadataSize <= limit - block.offset,
              block.bodySize <= limit - block.offset - block.metadataSize else {
            throw ArrowError.invalidMetadata(what: what, offset: block.fileOffsetOfBlock,
                reason: "offset \(block.offset), metadata \(block.metadataSize), body \(block.bodySize) do not fit before the footer at \(limit)")
        }
        var metaStart = block.offset + 4
        var metaSize = Int(file.loadLE(block.offset, as: Int32.self))
        if file.loadLE(block.offset, as: UInt32.self) == 0xFFFF_FFFF {
            metaStart = block.offset + 8
            metaSize = Int(file.loadLE(block.offset + 4, as: Int32.self))
        }
        let metaEnd = block.offset + block.metadataSize
        guard metaSize > 0, metaSize <= metaEnd - metaStart else {
            throw ArrowError.invalidMetadata(what: what, offset: block.offset,
                reason: "message metadata size \(metaSize) does not fit in the block's \(block.metadataSize) bytes")
        }
        let reader = FlatBufferReader(bytes: Array(file[metaStart..<(metaStart + metaSize)]), fileOffset: metaStart,
                                      what: "record batch \(index) Message")
        let message = try reader.root()
        let headerType = try message.scalar(1, default: UInt8(0), "Message.header_type")
        guard headerType == MessageHeaderType.recordBatch.rawValue else {
            throw ArrowError.invalidMetadata(what: "record batch \(index) Message", offset: metaStart,
                                             reason: "header type \(headerType) is not RecordBatch (3)")
        }
        guard let batch = try message.table(2, "Message.header") else {
            throw ArrowError.invalidMetadata(what: "record batch \(index) Message", offset: metaStart, reason: "no header")
        }
        if let compression = try batch.table(3, "RecordBatch.compression") {
            let codec = try compression.scalar(0, default: Int8(0), "BodyCompression.codec")
            let method = try compression.scalar(1, default: Int8(0), "BodyCompression.method")
            guard codec == 0 || codec == 1, method == 0 else {
                throw ArrowError.unsupportedFeature(field: nil,
                    feature: "compressed record batch \(index) (\(ArrowCompression.codecName(codec)), method \(method))", offset: metaStart)
            }
            self.codec = codec
        } else {
            self.codec = nil
        }
        let rows = try batch.scalar(0, default: Int64(0), "RecordBatch.length")
        guard rows >= 0 else { throw ArrowError.invalidMetadata(what: "record batch \(index)", offset: metaStart, reason: "negative length \(rows)") }
        length = Int(rows)
        if let (start, count) = try batch.vector(1, elementSize: 16, "RecordBatch.nodes") {
            nodes = try (0..<count).map { i in
                (Int(try reader.load(start + 16 * i, as: Int64.self)), Int(try reader.load(start + 16 * i + 8, as: Int64.self)))
            }
        }
        if let (start, count) = try batch.vector(2, elementSize: 16, "RecordBatch.buffers") {
            buffers = try (0..<count).map { i in
                (Int(try reader.load(start + 16 * i, as: Int64.self)), Int(try reader.load(start + 16 * i + 8, as: Int64.self)))
            }
        }
        if let codec {
            let body = try DecompressedBody(file: file, bodyStart: metaEnd, bodySize: block.bodySize, buffers: buffers,
                                            codec: codec, batch: index)
            self.file = body.bytes
            self.decompressed = body
            buffers = body.buffers
            bodyStart = 0
            bodySize = body.bytes.count
        } else {
            self.file = file
            self.decompressed = nil
            bodyStart = metaEnd
            bodySize = block.bodySize
        }
    }

    private func bad(_ field: String, _ offset: Int, _ reason: String) -> ArrowError {
        .invalidData(field: field, batch: index, offset: offset, reason: reason)
    }

    /// The next field node: (length, null count), rejecting nulls.
    private mutating func node(_ field: String) throws -> Int {
        guard nextNode < nodes.count else { throw bad(field, bodyStart, "batch has only \(nodes.count) field nodes") }
        let n = nodes[nextNode]
        nextNode += 1
        guard n.length >= 0 else { throw bad(field, bodyStart, "negative length \(n.length)") }
        if n.nulls != 0 {
            throw ArrowError.unsupportedFeature(field: field, feature: "null values (\(n.nulls) in record batch \(index))", offset: bodyStart)
        }
        return n.length
    }

    /// The next buffer, bounds-checked against the body: (absolute file offset, length).
    private mutating func buffer(_ field: String) throws -> (start: Int, length: Int) {
        guard nextBuffer < buffers.count else { throw bad(field, bodyStart, "batch has only \(buffers.count) buffers") }
        let b = buffers[nextBuffer]
        nextBuffer += 1
        guard b.offset >= 0, b.length >= 0, b.offset <= bodySize, b.length <= bodySize - b.offset else {
            throw bad(field, bodyStart, "buffer \(nextBuffer - 1) (offset \(b.offset), length \(b.length)) exceeds the \(bodySize)-byte body")
        }
        return (bodyStart + b.offset, b.length)
    }

    /// Steps over a column we do not decode: its `nodes` field nodes and `buffers` buffers.
    mutating func skip(_ field: String, nodes n: Int, buffers k: Int) throws {
        guard n <= nodes.count - nextNode, k <= buffers.count - nextBuffer else {
            throw bad(field, bodyStart, "batch has too few field nodes or buffers for this column")
        }
        nextNode += n
        nextBuffer += k
    }

    /// Decodes the next column of the batch for `field`.
    mutating func column(for field: ArrowField, batchLength: Int) throws -> Column {
        switch field.type {
        case .primitive, .fixedSizeList:
            let (content, shape, n) = try fixedOrPrimitive(field)
            guard n == batchLength else { throw bad(field.name, bodyStart, "field length \(n) != batch length \(batchLength)") }
            return shape.isEmpty ? Column(content) : Column(content, layout: .fixed(shape: shape))
        case .list(let child), .largeList(let child):
            let n = try node(field.name)
            guard n == batchLength else { throw bad(field.name, bodyStart, "field length \(n) != batch length \(batchLength)") }
            _ = try buffer(field.name)
            let offsetsBuffer = try buffer(field.name)
            var large = false
            if case .largeList = field.type { large = true }
            let width = large ? 8 : 4
            var offsets: [Int]
            if n == 0 && offsetsBuffer.length == 0 {
                offsets = [0]
            } else {
                guard (offsetsBuffer.length / width) > n else {
                    throw bad(field.name, offsetsBuffer.start, "offsets buffer of \(offsetsBuffer.length) bytes is too small for \(n + 1) offsets")
                }
                offsets = (0...n).map { i in
                    large ? Int(file.loadLE(offsetsBuffer.start + 8 * i, as: Int64.self))
                          : Int(file.loadLE(offsetsBuffer.start + 4 * i, as: Int32.self))
                }
            }
            let (content, shape, m) = try fixedOrPrimitive(child)
            guard shape.isEmpty else {
                throw ArrowError.unsupportedType(field: field.name, type: "list of fixed-size lists")
            }
            guard offsets[0] >= 0, offsets[n] <= m else {
                throw bad(field.name, offsetsBuffer.start, "offsets span \(offsets[0])..<\(offsets[n]) outside the \(m) child values")
            }
            for i in 0..<n where offsets[i + 1] < offsets[i] {
                throw bad(field.name, offsetsBuffer.start + width * (i + 1), "offsets decrease at entry \(i)")
            }
            let first = offsets[0], last = offsets[n]
            if first == 0 && last == m { return Column(jagged: content, offsets: offsets) }
            return Column(jagged: content.slice(first..<last), offsets: offsets.map { $0 - first })
        }
    }

    /// Decodes a primitive or (nested) fixed-size list: (content, shape, entries).
    private mutating func fixedOrPrimitive(_ field: ArrowField) throws -> (NumericArray, [Int], Int) {
        switch field.type {
        case .primitive(let d):
            let n = try node(field.name)
            _ = try buffer(field.name)
            let data = try buffer(field.name)
            return (try primitive(d, count: n, data, field: field.name), [], n)
        case .fixedSizeList(let child, let size):
            let n = try node(field.name)
            _ = try buffer(field.name)
            let (content, inner, m) = try fixedOrPrimitive(child)
            let (need, overflow) = n.multipliedReportingOverflow(by: size)
            guard !overflow, m >= need else {
                throw bad(field.name, bodyStart, "\(n) lists of \(size) need \(n)×\(size) child values, child has \(m)")
            }
            guard let width = checkedProduct([size] + inner) else {
                throw ArrowError.unsupportedType(field: field.name, type: "fixed-size list of shape \([size] + inner) (too many values per entry)")
            }
            let (total, tooMany) = n.multipliedReportingOverflow(by: width)
            guard !tooMany, total <= content.count else {
                throw bad(field.name, bodyStart, "\(n) entries of \(width) values exceed the \(content.count) child values")
            }
            return (total == content.count ? content : content.slice(0..<total), [size] + inner, n)
        case .list, .largeList:
            throw ArrowError.unsupportedType(field: field.name, type: "list nested inside a list")
        }
    }

    /// Copies `n` values of `dtype` out of a body buffer (bools are unpacked from bits).
    private func primitive(_ dtype: DType, count n: Int, _ buf: (start: Int, length: Int), field: String) throws -> NumericArray {
        if dtype == .bool {
            guard buf.length >= (n + 7) / 8 else {
                throw bad(field, buf.start, "bool buffer of \(buf.length) bytes is too small for \(n) values")
            }
            return .bool((0..<n).map { i in file[buf.start + (i >> 3)] & (UInt8(1) << UInt8(i & 7)) != 0 })
        }
        let (bytes, overflow) = n.multipliedReportingOverflow(by: dtype.byteWidth)
        guard !overflow, buf.length >= bytes else {
            throw bad(field, buf.start, "\(dtype.rawValue) buffer of \(buf.length) bytes is too small for \(n) values")
        }
        let src = UnsafeRawBufferPointer(rebasing: file[buf.start..<(buf.start + bytes)])
        func copy<T>(_: T.Type) -> [T] {
            [T](unsafeUninitializedCapacity: n) { dst, initialized in
                if n > 0 { UnsafeMutableRawBufferPointer(dst).copyMemory(from: src) }
                initialized = n
            }
        }
        switch dtype {
        case .bool: return .bool([])
        case .int8: return .int8(copy(Int8.self))
        case .int16: return .int16(copy(Int16.self))
        case .int32: return .int32(copy(Int32.self))
        case .int64: return .int64(copy(Int64.self))
        case .uint8: return .uint8(copy(UInt8.self))
        case .uint16: return .uint16(copy(UInt16.self))
        case .uint32: return .uint32(copy(UInt32.self))
        case .uint64: return .uint64(copy(UInt64.self))
        case .float32: return .float32(copy(Float.self))
        case .float64: return .float64(copy(Double.self))
        }
    }
}
