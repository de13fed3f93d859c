#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Structural facts about an Arrow IPC file (record batch count, field types, buffer layout), for tests and
/// diagnostics; reads only metadata, with the reader's bounds checks.
enum ArrowFileInspector {
    /// The file's footer and the bytes, valid during `body`.
    private static func withFooter<R>(path: String, _ body: (UnsafeRawBufferPointer, FlatBufferReader.Table, Int) throws -> R) throws -> R {
        let bytes = try readAll(path: path)
        return try bytes.withUnsafeBytes { file in
            let size = file.count
            guard size >= 18 else { throw ArrowError.truncated(what: "Arrow file", offset: 0, needed: 18, available: size) }
            let footerSize = Int(file.loadLE(size - 10, as: Int32.self))
            let footerStart = size - 10 - footerSize
            guard footerSize > 0, footerStart >= 8 else {
                throw ArrowError.invalidMetadata(what: "footer size", offset: size - 10, reason: "\(footerSize)")
            }
            let footer = try FlatBufferReader(bytes: Array(file[footerStart..<(size - 10)]), fileOffset: footerStart,
                                              what: "Footer").root()
            return try body(file, footer, footerStart)
        }
    }

    static func readAll(path: String) throws -> [UInt8] {
        guard let f = fopen(path, "rb") else { throw ArrowError.io(path: path, operation: "open", reason: AtomicFileWriter.errnoText()) }
        defer { fclose(f) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, f) }
            if n <= 0 { break }
            out += chunk[0..<n]
        }
        return out
    }

    /// Number of record batches listed in the footer.
    static func recordBatchCount(path: String) throws -> Int {
        try withFooter(path: path) { _, footer, _ in try footer.vector(3, elementSize: 24, "Footer.recordBatches")?.count ?? 0 }
    }

    /// Field name → type, spelled like `list<float32>`, `large_list<int64>`, `fixed_size_list<float64>[3]`.
    static func fieldTypes(path: String) throws -> [String: String] {
        try withFooter(path: path) { _, footer, _ in
            guard let schema = try footer.table(1, "Footer.schema") else { return [:] }
            var out: [String: String] = [:]
            for f in try decodeSchema(schema).fields { out[f.name] = ArrowFileReader.describe(f.type) }
            return out
        }
    }

    /// For each record batch: absolute body start and its buffers (body-relative offset, length).
    static func bufferLayout(path: String) throws -> [(bodyStart: Int, buffers: [(offset: Int, length: Int)])] {
        try withFooter(path: path) { file, footer, _ in
            guard let (start, count) = try footer.vector(3, elementSize: 24, "Footer.recordBatches") else { return [] }
            return try (0..<count).map { b in
                let at = start + 24 * b
                let offset = Int(try footer.reader.load(at, as: Int64.self))
                let metaSize = Int(try footer.reader.load(at + 8, as: Int32.self))
                guard offset >= 0, offset <= file.count - 8 else {
                    throw ArrowError.truncated(what: "record batch \(b) prefix", offset: offset, needed: 8, available: file.count)
                }
                let fbSize = Int(file.loadLE(offset + 4, as: Int32.self))
                guard fbSize >= 0, fbSize <= file.count - offset - 8 else {
                    throw ArrowError.truncated(what: "record batch \(b) metadata", offset: offset + 8, needed: fbSize, available: file.count)
                }
                let message = try FlatBufferReader(bytes: Array(file[(offset + 8)..<(offset + 8 + fbSize)]),
                                                   fileOffset: offset + 8, what: "Message").root()
                guard let batch = try message.table(2, "header"),
                      let (bs, bc) = try batch.vector(2, elementSize: 16, "buffers") else { return (offset + metaSize, []) }
                let buffers = try (0..<bc).map { i in
                    (Int(try batch.reader.load(bs + 16 * i, as: Int64.self)), Int(try batch.reader.load(bs + 16 * i + 8, as: Int64.self)))
                }
                return (offset + metaSize, buffers)
            }
        }
    }
}
