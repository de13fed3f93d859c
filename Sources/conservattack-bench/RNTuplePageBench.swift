import Foundation
import ROOTCompression
import ROOTIO

/// The limit the RNTuple reader is measured against: the same pages, read with one pread each into a reused
/// buffer and decompressed with the same C libraries (through ROOTDecompressor) into a fresh array per page,
/// kept until the end as our columns are. Stored (uncompressed) pages are copied into their fresh array.
struct RNTuplePageBench {
    let path: String
    let pages: [(offset: UInt64, stored: Int, decoded: Int)]

    init(tuple: RNTuple, fields: [String]? = nil) throws {
        path = tuple.file.path
        pages = try tuple.storedPages(fields)
    }

    /// Reads and decompresses every page once; returns the decoded bytes produced.
    @discardableResult
    func run() throws -> Int {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw BasketBench.Failure.io("cannot open \(path)") }
        defer { close(fd) }
        var raw = [UInt8](repeating: 0, count: max(1, pages.map(\.stored).max() ?? 0))
        var outputs: [[UInt8]] = []
        outputs.reserveCapacity(pages.count)
        var total = 0
        for p in pages {
            try raw.withUnsafeMutableBytes { buf in
                guard pread(fd, buf.baseAddress!, p.stored, off_t(p.offset)) == p.stored else {
                    throw BasketBench.Failure.io("short read of \(p.stored) bytes at \(p.offset)")
                }
            }
            let out = try raw.withUnsafeBytes { src in
                try [UInt8](unsafeUninitializedCapacity: p.decoded) { dst, count in
                    try ROOTDecompressor.decompressIfNeeded(UnsafeRawBufferPointer(rebasing: src[0..<p.stored]),
                                                            into: UnsafeMutableRawBufferPointer(dst))
                    count = p.decoded
                }
            }
            total += out.count
            outputs.append(out)
        }
        return total
    }
}
