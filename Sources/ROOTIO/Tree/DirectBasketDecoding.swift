import Columnar
import Foundation
import ROOTCompression
import Synchronization

/// The fast path of `BranchReader`: branches of plain big-endian numbers (flat or fixed-shape) are
/// decoded straight into their final column memory. Each basket is read with one pread into a per-thread
/// buffer, decompressed directly into its slice of the column when it covers whole entries of the
/// request (else through a per-thread scratch buffer), then byte-swapped in bulk. No per-entry work,
/// no intermediate arrays, no concatenation.
extension BranchReader {
    /// How a branch's elements land in its column when it takes the fast path.
    struct DirectLayout {
        let dtype: DType
        /// Elements per entry.
        let width: Int
        var bytesPerEntry: Int { width * dtype.byteWidth }

        /// The fast-path layout of an interpretation, nil when it needs per-entry work.
        init?(_ interpretation: Interpretation) {
            switch interpretation {
            case .flat(.plain(let t)): dtype = t; width = 1
            case .fixed(.plain(let t), let shape):
                let (w, overflow) = shape.reduce((1, false)) { acc, d in
                    let (p, o) = acc.0.multipliedReportingOverflow(by: d)
                    return (p, acc.1 || o || d < 0)
                }
                guard !overflow else { return nil }
                dtype = t; width = w
            default: return nil
            }
        }
    }

    /// Per-thread reusable buffers (raw basket bytes, decompressed object).
    final class Scratch {
        private var raw = UnsafeMutableRawBufferPointer(start: nil, count: 0)
        private var object = UnsafeMutableRawBufferPointer(start: nil, count: 0)

        func rawBuffer(_ n: Int) -> UnsafeMutableRawBufferPointer { Self.grow(&raw, n) }
        func objectBuffer(_ n: Int) -> UnsafeMutableRawBufferPointer { Self.grow(&object, n) }

        private static func grow(_ b: inout UnsafeMutableRawBufferPointer, _ n: Int) -> UnsafeMutableRawBufferPointer {
            if b.count < n {
                b.deallocate()
                b = .allocate(byteCount: max(n, b.count + b.count / 2), alignment: 16)
            }
            return UnsafeMutableRawBufferPointer(rebasing: b[0..<n])
        }

        deinit { raw.deallocate(); object.deallocate() }
    }

    /// Checks that `locations` (in entry order) cover `range` without gaps, so every byte of the column is written.
    func checkCoverage(_ locations: [BasketLocation], range: Range<Int>, branch b: BranchModel) throws {
        guard !range.isEmpty else { return }
        var cursor = locations.first?.entries.lowerBound ?? range.lowerBound
        let first = cursor
        for loc in locations {
            guard loc.entries.lowerBound == cursor else {
                throw ROOTError(.malformed, "baskets leave entries \(cursor)..<\(loc.entries.lowerBound) uncovered",
                                file: file.path, object: "branch \(b.path)")
            }
            cursor = loc.entries.upperBound
        }
        guard first <= range.lowerBound, cursor >= range.upperBound else {
            throw ROOTError(.malformed, "baskets cover entries \(first)..<\(cursor), not \(range)",
                            file: file.path, object: "branch \(b.path)")
        }
    }

    /// Decodes the part of basket `loc` that falls in `range` into `column` (the whole request's memory).
    func decodeDirect(_ b: BranchModel, _ loc: BasketLocation, layout: DirectLayout, range: Range<Int>,
                      into column: UnsafeMutableRawBufferPointer, scratch: Scratch) throws {
        let what = "basket \(loc.number)"
        let entrySize = layout.bytesPerEntry
        let lo = max(range.lowerBound, loc.entries.lowerBound), hi = min(range.upperBound, loc.entries.upperBound)
        guard lo < hi else { return }
        let dst = UnsafeMutableRawBufferPointer(rebasing: column[((lo - range.lowerBound) * entrySize)..<((hi - range.lowerBound) * entrySize)])
        let skip = (lo - loc.entries.lowerBound) * entrySize
        let (need, overflow) = loc.entries.count.multipliedReportingOverflow(by: entrySize)
        let elementSize = layout.dtype.byteWidth
        switch loc.source {
        case .embedded(let k):
            let e = b.embeddedBaskets[k]
            guard e.entryCount == loc.entries.count else {
                throw ROOTError(.malformed, "\(what) holds \(e.entryCount) entries, fBasketEntry says \(loc.entries.count)")
            }
            guard !overflow, need <= e.data.count else {
                throw ROOTError(.malformed, "\(what): basket holds \(e.data.count) bytes, \(e.entryCount) entries need \(need)")
            }
            e.data.withUnsafeBytes { src in
                BulkBytes.copySwapped(UnsafeRawBufferPointer(rebasing: src[skip..<(skip + dst.count)]), into: dst, elementSize: elementSize)
            }
        case let .disk(seek, bytes):
            let raw = scratch.rawBuffer(bytes)
            let k = b.lastBasketKeyLength.load(ordering: .relaxed)
            if skip == 0, dst.count == need, k >= 19, bytes - k == need {
                // Probably an uncompressed basket whose key is as long as the last one of this branch:
                // one preadv puts the key in the scratch buffer and the data straight into the column.
                let head = UnsafeMutableRawBufferPointer(rebasing: raw[0..<k])
                try file.source.readInto(head: head, body: dst, at: seek, what: what)
                if Int(UInt16(head[14]) << 8 | UInt16(head[15])) == k {
                    let h = try BasketHeader(parsing: UnsafeRawBufferPointer(head), basketBytes: bytes, seek: seek, what: what)
                    if h.keyLength == k, !h.isCompressed, h.objectLength == need, h.dataBytes == need,
                       h.entryCount == loc.entries.count {
                        BulkBytes.swapInPlace(dst, elementSize: elementSize)
                        if layout.dtype == .bool { BulkBytes.normaliseBools(dst) }
                        return
                    }
                }
                // Not what we guessed: reassemble the basket in the scratch buffer and take the general route.
                UnsafeMutableRawBufferPointer(rebasing: raw[k..<bytes]).copyMemory(from: UnsafeRawBufferPointer(dst))
            } else {
                try file.source.readInto(raw, at: seek, what: what)
            }
            let h = try BasketHeader(parsing: UnsafeRawBufferPointer(raw), seek: seek, what: what)
            b.lastBasketKeyLength.store(h.keyLength, ordering: .relaxed)
            guard h.entryCount == loc.entries.count else {
                throw ROOTError(.malformed, "\(what) holds \(h.entryCount) entries, fBasketEntry says \(loc.entries.count)")
            }
            guard !overflow, need <= h.dataBytes else {
                throw ROOTError(.malformed, "\(what): basket holds \(h.dataBytes) bytes, \(h.entryCount) entries need \(need)",
                                offset: seek)
            }
            let payload = UnsafeRawBufferPointer(rebasing: raw[h.keyLength..<(h.keyLength + h.compressedLength)])
            if !h.isCompressed {
                BulkBytes.copySwapped(UnsafeRawBufferPointer(rebasing: payload[skip..<(skip + dst.count)]), into: dst,
                                      elementSize: elementSize)
            } else {
                guard h.objectLength <= file.limits.maxObjectBytes else {
                    throw ROOTError(.limit, "\(what): declared size \(h.objectLength) exceeds the limit", offset: seek)
                }
                if skip == 0 && dst.count == h.objectLength {
                    // The basket is exactly this slice of the column: decompress in place, swap in place.
                    try ROOTDecompressor.decompress(payload, into: dst)
                    BulkBytes.swapInPlace(dst, elementSize: elementSize)
                } else {
                    let object = scratch.objectBuffer(h.objectLength)
                    try ROOTDecompressor.decompress(payload, into: object)
                    BulkBytes.copySwapped(UnsafeRawBufferPointer(rebasing: object[skip..<(skip + dst.count)]), into: dst,
                                          elementSize: elementSize)
                }
            }
        }
        if layout.dtype == .bool { BulkBytes.normaliseBools(dst) }
    }
}
