#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import CLZ4
import CZstd

/// Arrow IPC body compression (Message.fbs `BodyCompression`, format version 1.0+), as pyarrow and pandas
/// write it (`feather.write_feather`'s default `lz4`, `compression="zstd"`).
///
/// | item                     | encoding                                                                   |
/// |--------------------------|----------------------------------------------------------------------------|
/// | RecordBatch.compression  | table BodyCompression { 0 codec i8 (LZ4_FRAME=0, ZSTD=1), 1 method i8 (BUFFER=0) } |
/// | empty buffer             | length 0, no prefix                                                        |
/// | each other buffer        | int64 LE uncompressed length, then one LZ4 *frame* or zstd frame           |
/// | buffer left as is        | int64 −1, then the raw bytes                                               |
///
/// Buffer offsets and lengths in the RecordBatch refer to the compressed body. Every declared length is
/// checked against what the codec can produce from the compressed bytes (LZ4 expands at most ~255×, zstd at
/// most ~32768×, and against the frame's own content size when it states one) before anything is allocated.
public enum ArrowCompression: Equatable, Sendable, CustomStringConvertible {
    /// Buffers stored raw (no BodyCompression table).
    case none
    /// LZ4 frame format: the default of `pyarrow.feather.write_feather` and `pandas.DataFrame.to_feather`.
    case lz4Frame
    /// Zstandard at the given level (pyarrow's default level is 1).
    case zstd(level: Int32)

    /// Parses `none`/`uncompressed`, `lz4`, `zstd` or `zstd:LEVEL` (1–22).
    public init(parsing text: String) throws {
        let lower = text.lowercased()
        let parts = lower.split(separator: ":", maxSplits: 1).map(String.init)
        switch parts.first ?? "" {
        case "none", "uncompressed":
            guard parts.count == 1 else { break }
            self = .none; return
        case "lz4", "lz4_frame":
            guard parts.count == 1 else { break }
            self = .lz4Frame; return
        case "zstd":
            if parts.count == 1 { self = .zstd(level: 1); return }
            if let level = Int32(parts[1]), (1...22).contains(level) { self = .zstd(level: level); return }
        default:
            break
        }
        throw ArrowError.cannotWrite(column: "*",
            reason: "unknown Arrow compression '\(text)': use lz4, zstd, zstd:LEVEL (1-22) or none")
    }

    /// The BodyCompression codec id (nil for `.none`).
    var codecID: Int8? {
        switch self {
        case .none: return nil
        case .lz4Frame: return 0
        case .zstd: return 1
        }
    }

    public var description: String {
        switch self {
        case .none: return "none"
        case .lz4Frame: return "LZ4_FRAME"
        case .zstd(let level): return "ZSTD (level \(level))"
        }
    }

    /// Name of a BodyCompression codec id as Arrow spells it.
    static func codecName(_ id: Int8) -> String {
        id == 0 ? "LZ4_FRAME" : id == 1 ? "ZSTD" : "codec \(id)"
    }

    // MARK: - Compression (writer)

    /// One body buffer in Arrow's compressed form: int64 uncompressed length + frame, or −1 + the raw bytes
    /// when the frame would not be smaller. Empty input stays empty (no prefix), as pyarrow writes it.
    func compress(_ raw: UnsafeRawBufferPointer) throws -> [UInt8] {
        guard !raw.isEmpty else { return [] }
        var out: [UInt8] = []
        var frame: [UInt8]
        switch self {
        case .none:
            return Array(raw)
        case .lz4Frame:
            var prefs = LZ4F_preferences_t()
            prefs.frameInfo.contentSize = UInt64(raw.count)
            prefs.frameInfo.contentChecksumFlag = LZ4F_contentChecksumEnabled   // corrupt data is an error, not wrong values
            let bound = LZ4F_compressFrameBound(raw.count, &prefs)
            frame = [UInt8](repeating: 0, count: bound)
            let n = frame.withUnsafeMutableBytes { LZ4F_compressFrame($0.baseAddress, bound, raw.baseAddress, raw.count, &prefs) }
            guard LZ4F_isError(n) == 0 else {
                throw ArrowError.cannotWrite(column: "*", reason: "LZ4 frame compression failed: \(String(cString: LZ4F_getErrorName(n)))")
            }
            frame.removeSubrange(n...)
        case .zstd(let level):
            let bound = ZSTD_compressBound(raw.count)
            frame = [UInt8](repeating: 0, count: bound)
            guard let context = ZSTD_createCCtx() else { throw ArrowError.cannotWrite(column: "*", reason: "cannot create a zstd compressor") }
            defer { ZSTD_freeCCtx(context) }
            ZSTD_CCtx_setParameter(context, ZSTD_c_compressionLevel, level)
            ZSTD_CCtx_setParameter(context, ZSTD_c_checksumFlag, 1)          // corrupt data is an error, not wrong values
            let n = frame.withUnsafeMutableBytes { ZSTD_compress2(context, $0.baseAddress, bound, raw.baseAddress, raw.count) }
            guard ZSTD_isError(n) == 0 else {
                throw ArrowError.cannotWrite(column: "*", reason: "zstd compression failed: \(String(cString: ZSTD_getErrorName(n)))")
            }
            frame.removeSubrange(n...)
        }
        if frame.count >= raw.count {
            out.reserveCapacity(8 + raw.count)
            appendLE(Int64(-1), to: &out)
            out.append(contentsOf: raw)
        } else {
            out.reserveCapacity(8 + frame.count)
            appendLE(Int64(raw.count), to: &out)
            out += frame
        }
        return out
    }
}

