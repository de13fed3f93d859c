import Foundation
import ROOTCompression
import ROOTIO

/// The limit our reader is measured against: the same baskets, read with one pread each into a reused
/// buffer and decompressed with the same C libraries (through ROOTDecompressor) into a fresh array per
/// basket, kept until the end as our columns are. Uncompressed baskets are copied into their fresh array.
///
/// On-disk basket (fBasketSeek[i], fBasketBytes[i] bytes): TKey header (fNbytes i32 at 0, fObjlen i32 at 6,
/// fKeylen i16 at 14, all big-endian), then fNbytes - fKeylen payload bytes.
struct BasketBench {
    struct Basket { let seek: Int64; let bytes: Int }

    enum Failure: Error, CustomStringConvertible {
        case io(String)
        case malformed(String)
        var description: String {
            switch self { case .io(let s), .malformed(let s): return s }
        }
    }

    let path: String
    let baskets: [Basket]

    /// The on-disk baskets of `branches` of `tree`.
    init(tree: TTree, branches: [String]) throws {
        path = tree.file.path
        var out: [Basket] = []
        for name in branches {
            let b = try tree.branch(name)
            let n = Int(b.writeBasket)
            guard n <= b.basketSeek.count, n <= b.basketBytes.count else {
                throw Failure.malformed("branch \(name): fWriteBasket \(n) exceeds the basket arrays")
            }
            for i in 0..<n where b.basketSeek[i] > 0 && b.basketBytes[i] > 0 {
                out.append(Basket(seek: b.basketSeek[i], bytes: Int(b.basketBytes[i])))
            }
        }
        baskets = out
    }

    /// Reads and decompresses every basket once; returns the uncompressed bytes produced.
    @discardableResult
    func run() throws -> Int {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw Failure.io("cannot open \(path)") }
        defer { close(fd) }
        var raw = [UInt8](repeating: 0, count: baskets.map(\.bytes).max() ?? 0)
        var outputs: [[UInt8]] = []
        outputs.reserveCapacity(baskets.count)
        var total = 0
        for b in baskets {
            try raw.withUnsafeMutableBytes { buf in
                guard pread(fd, buf.baseAddress!, b.bytes, off_t(b.seek)) == b.bytes else {
                    throw Failure.io("short read of \(b.bytes) bytes at \(b.seek)")
                }
            }
            guard b.bytes >= 16 else { throw Failure.malformed("basket at \(b.seek): \(b.bytes) bytes") }
            func be32(_ o: Int) -> Int { Int(Int32(bitPattern: UInt32(raw[o]) << 24 | UInt32(raw[o + 1]) << 16 | UInt32(raw[o + 2]) << 8 | UInt32(raw[o + 3]))) }
            let nbytes = be32(0), objlen = be32(6)
            let keylen = Int(UInt16(raw[14]) << 8 | UInt16(raw[15]))
            guard keylen > 0, nbytes <= b.bytes, nbytes > keylen, objlen >= 0 else {
                throw Failure.malformed("basket at \(b.seek): fNbytes \(nbytes), fKeylen \(keylen), fObjlen \(objlen)")
            }
            let out = try raw.withUnsafeBytes { src in
                try [UInt8](unsafeUninitializedCapacity: objlen) { dst, count in
                    let input = UnsafeRawBufferPointer(rebasing: src[keylen..<nbytes])
                    try ROOTDecompressor.decompressIfNeeded(input, into: UnsafeMutableRawBufferPointer(dst))
                    count = objlen
                }
            }
            total += out.count
            outputs.append(out)
        }
        return total
    }
}
