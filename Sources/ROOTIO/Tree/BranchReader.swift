import ROOTCompression
import Columnar
import Dispatch
import Foundation

/// Where one basket of a branch lives and which entries it holds.
struct BasketLocation {
    enum Source { case disk(seek: Int64, bytes: Int), embedded(Int) }
    let number: Int
    let entries: Range<Int>
    let source: Source
}

/// Reads branches into columns: plans the baskets that overlap the request and reads and decodes them
/// concurrently (each basket on its own). Plain flat/fixed branches are decoded straight into their final
/// column (see DirectBasketDecoding.swift); other branches go through typed pieces that are joined and
/// trimmed to the entry range.
///
/// On-disk basket (`fBasketSeek[i]`, `fBasketBytes[i]` bytes):
/// | TKey header (fKeylen bytes, ending with the TBasket fields below) | compressed payload |
/// TBasket fields: version i16, fBufferSize i32, fNevBufSize i32, fNevBuf i32, fLast i32, flag i8.
struct BranchReader {
    let tree: TTree
    let threads: Int

    var file: ROOTFile { tree.file }

    /// The baskets of a branch with their entry ranges, checked against the tree.
    func baskets(of b: BranchModel) throws -> [BasketLocation] {
        var out: [BasketLocation] = []
        let n = Int(b.writeBasket)
        guard n <= b.basketSeek.count, n <= b.basketEntry.count, n <= b.basketBytes.count else {
            throw ROOTError(.malformed, "fWriteBasket \(n) exceeds the basket arrays", file: file.path, object: "branch \(b.path)")
        }
        var cursor = 0
        for i in 0..<n where b.basketSeek[i] > 0 && b.basketBytes[i] > 0 {
            let start = Int(b.basketEntry[i])
            let stop = i + 1 < b.basketEntry.count && (i + 1 < n || b.basketEntry[i + 1] > b.basketEntry[i])
                ? Int(b.basketEntry[i + 1]) : Int(b.entries)
            guard start >= cursor, stop >= start, stop <= max(tree.entryCount, Int(b.entries)) else {
                throw ROOTError(.malformed, "basket \(i) claims entries \(start)..<\(stop)", file: file.path,
                                object: "branch \(b.path)", offset: b.basketSeek[i])
            }
            out.append(BasketLocation(number: i, entries: start..<stop, source: .disk(seek: b.basketSeek[i], bytes: Int(b.basketBytes[i]))))
            cursor = stop
        }
        for (k, e) in b.embeddedBaskets.enumerated() {
            let idx = n + k
            let start = idx < b.basketEntry.count && b.basketEntry[idx] >= Int64(cursor) ? Int(b.basketEntry[idx]) : cursor
            out.append(BasketLocation(number: idx, entries: start..<(start + e.entryCount), source: .embedded(k)))
            cursor = start + e.entryCount
        }
        return out
    }

    /// Reads one basket's payload (decompressed data and entry offsets): the general path, used for
    /// branches that need per-entry work (jagged, scaled or truncated floats).
    func payload(_ b: BranchModel, _ loc: BasketLocation) throws -> BasketPayload {
        switch loc.source {
        case .embedded(let k):
            let e = b.embeddedBaskets[k]
            return BasketPayload(entryCount: e.entryCount, data: e.data, entryOffsets: e.entryOffsets)
        case let .disk(seek, bytes):
            let what = "basket \(loc.number)"
            let raw = try file.source.read(at: seek, count: bytes, what: what)
            let h = try raw.withUnsafeBytes { try BasketHeader(parsing: $0, seek: seek, what: what) }
            let keyLength = h.keyLength, objlen = h.objectLength, border = h.dataBytes, nevBuf = h.entryCount
            var data: [UInt8]
            if !h.isCompressed {
                data = Array(raw[keyLength..<(keyLength + objlen)])
            } else {
                guard objlen <= file.limits.maxObjectBytes else {
                    throw ROOTError(.limit, "\(what): declared size \(objlen) exceeds the limit", offset: seek)
                }
                data = try raw.withUnsafeBytes {
                    try ROOTDecompressor.decompress(UnsafeRawBufferPointer(rebasing: $0[keyLength..<(keyLength + h.compressedLength)]),
                                                    uncompressedSize: objlen)
                }
            }
            var offsets: [Int]? = nil
            if objlen > border {
                var oc = ByteCursor(data, base: seek, position: border)
                let n = Int(try oc.read(Int32.self))
                guard n >= nevBuf, nevBuf <= oc.remaining / 4 else {
                    throw ROOTError(.malformed, "\(what): \(n) entry offsets for \(nevBuf) entries", offset: seek)
                }
                // Checked above: the nevBuf big-endian int32 offsets lie inside the object.
                let first = oc.position
                var offs = [Int](repeating: 0, count: nevBuf + 1)
                var bad: Int? = nil
                data.withUnsafeBytes { p in
                    var previous = 0
                    for i in 0..<nevBuf {
                        let v = Int(Int32(bigEndian: p.loadUnaligned(fromByteOffset: first + 4 * i, as: Int32.self))) - keyLength
                        if v < previous || v > border { bad = v; return }
                        offs[i] = v
                        previous = v
                    }
                }
                if let v = bad {
                    throw ROOTError(.malformed, "\(what): entry offset \(v) outside its \(border) data bytes", offset: seek)
                }
                offs[nevBuf] = border
                offsets = offs
            }
            data.removeSubrange(border...)
            return BasketPayload(entryCount: nevBuf, data: data, entryOffsets: offsets)
        }
    }

    /// Entry offsets of a variable-length basket written without them, rebuilt from its counter branch
    /// (what ROOT does for baskets flagged "must generate offsets").
    func regeneratedOffsets(_ b: BranchModel, _ loc: BasketLocation, itemSize: Int) throws -> [Int]? {
        guard let counterLeaf = b.leaves.first?.leafCount,
              let counter = tree.allBranches.first(where: { $0.leaves.contains { $0 === counterLeaf } }),
              counter !== b else { return nil }
        let counts = try BranchReader(tree: tree, threads: 1).read([counter], entries: loc.entries)[0].content
        var offsets = [0]
        offsets.reserveCapacity(counts.count + 1)
        for i in 0..<counts.count {
            let n = counts.double(at: i)
            guard n >= 0, n < Double(Int32.max) else {
                throw ROOTError(.malformed, "counter \(counter.path) holds \(n) at entry \(loc.entries.lowerBound + i)")
            }
            offsets.append(offsets.last! + Int(n) * itemSize)
        }
        return offsets
    }

    /// Reads `branches` for `range`; columns in the same order. Only baskets overlapping `range` are read;
    /// every basket of every branch is one job, and `threads` workers take jobs as they finish the last.
    func read(_ branches: [BranchModel], entries range: Range<Int>) throws -> [Column] {
        struct Job { let branch: Int; let location: BasketLocation }
        var jobs: [Job] = []
        var interpretations: [Interpretation] = []
        var direct: [DirectLayout?] = []
        var directSlot = [Int](repeating: -1, count: branches.count)
        var specs: [(dtype: DType, count: Int)] = []
        for (i, b) in branches.enumerated() {
            let interp = tree.interpretation(of: b)
            guard interp.codec != nil else {
                throw ROOTError(.unsupported, "cannot read as numbers: \(interp.summary)", file: file.path, object: "branch \(b.path)")
            }
            interpretations.append(interp)
            let locations = try baskets(of: b).filter { $0.entries.overlaps(range) }
            let layout = DirectLayout(interp)
            direct.append(layout)
            if let layout {
                try checkCoverage(locations, range: range, branch: b)
                let (n, overflow) = range.count.multipliedReportingOverflow(by: layout.width)
                guard !overflow, n <= file.limits.maxObjectBytes else {
                    throw ROOTError(.limit, "\(range.count) entries of width \(layout.width) exceed the limit",
                                    file: file.path, object: "branch \(b.path)")
                }
                directSlot[i] = specs.count
                specs.append((layout.dtype, n))
            }
            for loc in locations { jobs.append(Job(branch: i, location: loc)) }
        }
        var pieces = [Result<BasketDecoder.Piece, Error>?](repeating: nil, count: jobs.count)
        var failures = [Error?](repeating: nil, count: jobs.count)
        let workers = max(1, min(threads > 0 ? threads : ProcessInfo.processInfo.activeProcessorCount, jobs.count))
        let arrays = try BulkBytes.withUninitializedArrays(specs) { columns in
            pieces.withUnsafeMutableBufferPointer { pieceBuffer in
                failures.withUnsafeMutableBufferPointer { failureBuffer in
                    let pieceOut = pieceBuffer, failureOut = failureBuffer
                    let counter = JobCounter(jobs.count)
                    let work = { (_: Int) in
                        let scratch = Scratch()
                        while let j = counter.take() {
                            let job = jobs[j]
                            let b = branches[job.branch]
                            do {
                                if let layout = direct[job.branch] {
                                    try decodeDirect(b, job.location, layout: layout, range: range,
                                                     into: columns[directSlot[job.branch]], scratch: scratch)
                                } else {
                                    pieceOut[j] = .success(try decodePiece(b, job.location, interpretations[job.branch]))
                                }
                            } catch {
                                failureOut[j] = ROOTError.wrap(error, file: file.path, object: "branch \(b.path)", offset: nil)
                            }
                        }
                    }
                    if workers == 1 { work(0) } else { DispatchQueue.concurrentPerform(iterations: workers, execute: work) }
                }
            }
            if let first = failures.first(where: { $0 != nil }) { throw first! }
        }
        var columns: [Column] = []
        for (i, b) in branches.enumerated() {
            if direct[i] != nil {
                let content = arrays[directSlot[i]]
                switch interpretations[i] {
                case .fixed(_, let shape): columns.append(Column(content, layout: .fixed(shape: shape)))
                default: columns.append(Column(content))
                }
                continue
            }
            var parts: [BasketDecoder.Piece] = []
            var first: Int? = nil
            for (j, job) in jobs.enumerated() where job.branch == i {
                if first == nil { first = job.location.entries.lowerBound }
                parts.append(try pieces[j]!.get())
            }
            columns.append(try assemble(parts, from: first ?? range.lowerBound, range: range,
                                        interpretation: interpretations[i], branch: b))
        }
        return columns
    }

    /// The general path for one basket: payload, regenerated offsets if needed, typed piece.
    private func decodePiece(_ b: BranchModel, _ loc: BasketLocation, _ interpretation: Interpretation) throws -> BasketDecoder.Piece {
        var p = try payload(b, loc)
        if p.entryOffsets == nil, case .jagged(let codec, 0) = interpretation {
            p.entryOffsets = try regeneratedOffsets(b, loc, itemSize: codec.storedSize)
        }
        guard p.entryCount == loc.entries.count else {
            throw ROOTError(.malformed, "basket \(loc.number) holds \(p.entryCount) entries, fBasketEntry says \(loc.entries.count)")
        }
        return try BasketDecoder.decode(p, as: interpretation, what: "basket \(loc.number)")
    }

    /// Joins decoded pieces (starting at entry `from`) and trims them to `range`.
    private func assemble(_ parts: [BasketDecoder.Piece], from: Int, range: Range<Int>,
                          interpretation: Interpretation, branch b: BranchModel) throws -> Column {
        let dtype = interpretation.codec!.dtype
        let covered = parts.reduce(0) { $0 + $1.entryCount }
        guard from <= range.lowerBound, from + covered >= range.upperBound else {
            throw ROOTError(.malformed, "baskets cover entries \(from)..<\(from + covered), not \(range)",
                            file: file.path, object: "branch \(b.path)")
        }
        let content = parts.count == 1 ? parts[0].content : NumericArray.concatenate(parts.map(\.content), dtype: dtype)!
        let lo = range.lowerBound - from, hi = range.upperBound - from
        switch interpretation {
        case .flat:
            return Column(lo == 0 && hi == content.count ? content : content.slice(lo..<hi))
        case .fixed(_, let shape):
            let w = shape.reduce(1, *)
            let c = lo == 0 && hi * w == content.count ? content : content.slice(lo * w ..< hi * w)
            return Column(c, layout: .fixed(shape: shape))
        default:
            var offsets = [Int](); offsets.reserveCapacity(covered + 1)
            offsets.append(0)
            for p in parts { for n in p.counts ?? [] { offsets.append(offsets.last! + n) } }
            let base = offsets[lo]
            let trimmed = offsets[lo...hi].map { $0 - base }
            let c = base == 0 && offsets[hi] == content.count ? content : content.slice(base..<offsets[hi])
            return Column(jagged: c, offsets: trimmed)
        }
    }
}
