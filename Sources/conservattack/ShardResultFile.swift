import Attack
import Foundation

/// One shard's attack result (`conservattack shard attack`), read back by `shard merge`.
///
/// Format (little-endian; written atomically: temporary file, fsync, rename):
///
/// | offset | size      | field                                                             |
/// |--------|-----------|-------------------------------------------------------------------|
/// | 0      | 8         | magic `CASHARD1`                                                  |
/// | 8      | 4         | format version (UInt32) = 1                                       |
/// | 12     | 4         | shard index i (UInt32, 0-based)                                   |
/// | 16     | 4         | shard count N (UInt32)                                            |
/// | 20     | 4         | feature count d (UInt32)                                          |
/// | 24     | 8         | first event of the shard in the input (UInt64)                    |
/// | 32     | 8         | event count n of the shard (UInt64)                               |
/// | 40     | 8         | plan digest (UInt64): the plan the shard ran                      |
/// | 48     | 8         | metrics JSON length L (UInt64)                                    |
/// | 56     | 8·n·d     | perturbed feature values (Float64, row-major, events × features)  |
/// | …      | L         | the shard's own AttackMetrics (JSON)                              |
/// | end−8  | 8         | FNV-1a 64 of every byte before it                                 |
struct ShardResultFile: Equatable {
    var index: Int
    var count: Int
    var featureCount: Int
    var firstEvent: Int
    var events: Int
    var planDigest: UInt64
    var values: [Double]
    var metrics: AttackMetrics

    static let magic = Array("CASHARD1".utf8)
    static let headerSize = 56

    /// Bad shard files, with the file and the byte offset.
    struct FormatError: Error, CustomStringConvertible {
        var path: String
        var offset: Int
        var reason: String
        var description: String { "\(path): corrupt shard result at byte \(offset): \(reason)" }
    }

    func encoded() throws -> [UInt8] {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys]
        let json = Array(try enc.encode(metrics))
        var out = Self.magic
        out.reserveCapacity(Self.headerSize + values.count * 8 + json.count + 8)
        func u32(_ v: Int) { withUnsafeBytes(of: UInt32(v).littleEndian) { out += $0 } }
        func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { out += $0 } }
        u32(1); u32(index); u32(count); u32(featureCount)
        u64(UInt64(firstEvent)); u64(UInt64(events)); u64(planDigest); u64(UInt64(json.count))
        for v in values { u64(v.bitPattern) }
        out += json
        u64(FNV1a.hash(out))
        return out
    }

    /// Reads and checks one shard file (size before allocating, magic, version, shape, checksum, metrics).
    static func read(path: String) throws -> ShardResultFile {
        let bytes: [UInt8]
        do { bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path))) } catch {
            throw FormatError(path: path, offset: 0, reason: "cannot read: \(error.localizedDescription)")
        }
        func fail(_ at: Int, _ why: String) -> FormatError { FormatError(path: path, offset: at, reason: why) }
        guard bytes.count >= headerSize + 8 else { throw fail(bytes.count, "truncated (\(bytes.count) bytes, header needs \(headerSize + 8))") }
        guard Array(bytes[0..<8]) == magic else { throw fail(0, "not a shard result (magic)") }
        func u32(_ at: Int) -> Int { Int(bytes[at..<at + 4].reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }) }
        func u64(_ at: Int) -> UInt64 { bytes[at..<at + 8].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) } }
        guard u32(8) == 1 else { throw fail(8, "format version \(u32(8)), expected 1") }
        let index = u32(12), count = u32(16), d = u32(20)
        let first = u64(24), n = u64(32), digest = u64(40), jsonLength = u64(48)
        guard count >= 1, index < count else { throw fail(12, "shard index \(index) of \(count)") }
        // Sizes from the header, checked against the file size before anything is allocated.
        let (cells, o1) = n.multipliedReportingOverflow(by: UInt64(d))
        let (valueBytes, o2) = cells.multipliedReportingOverflow(by: 8)
        let (body, o3) = valueBytes.addingReportingOverflow(jsonLength)
        guard !o1, !o2, !o3, body <= UInt64(bytes.count), UInt64(headerSize) + body + 8 == UInt64(bytes.count),
              first <= UInt64(Int.max) else {
            throw fail(32, "header says \(n) events × \(d) features and \(jsonLength) bytes of metrics; the file has \(bytes.count) bytes")
        }
        let end = bytes.count - 8
        let stored = u64(end), actual = FNV1a.hash(bytes[0..<end])
        guard stored == actual else {
            throw fail(end, String(format: "checksum %016llx, content hashes to %016llx", stored, actual))
        }
        var values = [Double](repeating: 0, count: Int(cells))
        bytes.withUnsafeBytes { raw in
            for k in 0..<Int(cells) {
                values[k] = Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: headerSize + 8 * k, as: UInt64.self)))
            }
        }
        let jsonStart = headerSize + Int(valueBytes)
        let metrics: AttackMetrics
        do { metrics = try JSONDecoder().decode(AttackMetrics.self, from: Data(bytes[jsonStart..<end])) } catch {
            throw fail(jsonStart, "metrics JSON: \(error)")
        }
        return ShardResultFile(index: index, count: count, featureCount: d, firstEvent: Int(first), events: Int(n),
                               planDigest: digest, values: values, metrics: metrics)
    }

    /// Writes the file atomically (readers never see a partial one).
    func write(to path: String) throws { try writeAtomically(try encoded(), to: path) }

    /// The file name of shard `index` of `count`.
    static func fileName(index: Int, count: Int) -> String {
        String(format: "shard-%04d-of-%04d.cas", index, count)
    }
}

/// FNV-1a, 64 bits: the checksum of shard results and the digest of plans (not cryptographic).
enum FNV1a {
    static func hash<C: Collection>(_ bytes: C) -> UInt64 where C.Element == UInt8 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
        return h
    }
}
