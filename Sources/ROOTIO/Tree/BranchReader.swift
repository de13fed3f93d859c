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

/// Reads branches into columns: plans the baskets that overlap the request, reads and decodes them
/// concurrently (each basket on its own), then joins the pieces and trims them to the entry range.
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

    /// Reads one basket's payload (decompressed data and entry offsets).
    func payload(_ b: BranchModel, _ loc: BasketLocation) throws -> BasketPayload {
        switch loc.source {
        case .embedded(let k):
            let e = b.embeddedBaskets[k]
            return BasketPayload(entryCount: e.entryCount, data: e.data, entryOffsets: e.entryOffsets)
        case let .disk(seek, bytes):
            let what = "basket \(loc.number)"
            let raw = try file.source.read(at: seek, count: bytes, what: what)
            var c = ByteCursor(raw, base: seek)
            let key = try Key.read(&c)
            let keyLength = Int(key.keyLength)
            // The TBasket fields close the key header; read them from its end, as ROOT's own readers
            // locate them (some writers leave a stray byte between the title and these fields).
            guard c.position <= keyLength - 19 else {
                throw ROOTError(.malformed, "\(what): key header longer than its fKeylen \(keyLength)", offset: seek)
            }
            try c.seek(keyLength - 19)
            _ = try c.read(Int16.self)                       // basket version
            _ = try c.read(Int32.self)                       // fBufferSize
            _ = try c.read(Int32.self)                       // fNevBufSize
            let nevBuf = Int(try c.read(Int32.self))
            let last = Int(try c.read(Int32.self))
            _ = try c.read(Int8.self)                        // flag
            guard Int(key.totalBytes) <= bytes, nevBuf >= 0 else {
                throw ROOTError(.malformed, "\(what): key header (fKeylen \(keyLength), fNbytes \(key.totalBytes)) does not match the basket",
                                offset: seek)
            }
            let objlen = Int(key.objectLength)
            let border = last - keyLength
            guard border >= 0, border <= objlen else {
                throw ROOTError(.malformed, "\(what): fLast \(last) outside the \(objlen)-byte object", offset: seek)
            }
            let compressed = Int(key.totalBytes) - keyLength
            var data: [UInt8]
            if compressed == objlen {
                data = Array(raw[keyLength..<(keyLength + objlen)])
            } else {
                guard objlen <= file.limits.maxObjectBytes else {
                    throw ROOTError(.limit, "\(what): declared size \(objlen) exceeds the limit", offset: seek)
                }
                data = try ROOTDecompressor.decompress(Array(raw[keyLength..<(keyLength + compressed)]), uncompressedSize: objlen)
            }
            var offsets: [Int]? = nil
            if objlen > border {
                var oc = ByteCursor(data, base: seek, position: border)
                let n = Int(try oc.read(Int32.self))
                guard n >= nevBuf, nevBuf <= oc.remaining / 4 else {
                    throw ROOTError(.malformed, "\(what): \(n) entry offsets for \(nevBuf) entries", offset: seek)
                }
                var offs = [Int](); offs.reserveCapacity(nevBuf + 1)
                for _ in 0..<nevBuf { offs.append(Int(try oc.read(Int32.self)) - keyLength) }
                offs.append(border)
                for i in 0..<offs.count where offs[i] < 0 || offs[i] > border || (i > 0 && offs[i] < offs[i - 1]) {
                    throw ROOTError(.malformed, "\(what): entry offset \(offs[i]) outside its \(border) data bytes", offset: seek)
                }
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

    /// Reads `branches` for `range`; columns in the same order.
    func read(_ branches: [BranchModel], entries range: Range<Int>) throws -> [Column] {
        struct Job { let branch: Int; let location: BasketLocation }
        var jobs: [Job] = []
        var interpretations: [Interpretation] = []
        for (i, b) in branches.enumerated() {
            let interp = tree.interpretation(of: b)
            guard interp.codec != nil else {
                throw ROOTError(.unsupported, "cannot read as numbers: \(interp.summary)", file: file.path, object: "branch \(b.path)")
            }
            interpretations.append(interp)
            for loc in try baskets(of: b) where loc.entries.overlaps(range) {
                jobs.append(Job(branch: i, location: loc))
            }
        }
        var pieces = [Result<BasketDecoder.Piece, Error>?](repeating: nil, count: jobs.count)
        let workers = max(1, min(threads > 0 ? threads : ProcessInfo.processInfo.activeProcessorCount, jobs.count))
        pieces.withUnsafeMutableBufferPointer { buffer in
            let out = buffer
            let work = { (w: Int) in
                var j = w
                while j < jobs.count {
                    let job = jobs[j]
                    let b = branches[job.branch]
                    out[j] = Result {
                        do {
                            var p = try payload(b, job.location)
                            if p.entryOffsets == nil, case .jagged(let codec, 0) = interpretations[job.branch] {
                                p.entryOffsets = try regeneratedOffsets(b, job.location, itemSize: codec.storedSize)
                            }
                            guard p.entryCount == job.location.entries.count else {
                                throw ROOTError(.malformed, "basket \(job.location.number) holds \(p.entryCount) entries, "
                                                + "fBasketEntry says \(job.location.entries.count)")
                            }
                            return try BasketDecoder.decode(p, as: interpretations[job.branch], what: "basket \(job.location.number)")
                        } catch {
                            throw ROOTError.wrap(error, file: file.path, object: "branch \(b.path)", offset: nil)
                        }
                    }
                    j += workers
                }
            }
            if workers == 1 { work(0) } else { DispatchQueue.concurrentPerform(iterations: workers, execute: work) }
        }
        var columns: [Column] = []
        for (i, b) in branches.enumerated() {
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
