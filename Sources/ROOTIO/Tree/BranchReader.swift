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
/// column (see DirectBasketDecoding.swift), plain jagged ones into their final content and offsets (see
/// DirectJaggedDecoding.swift); other branches go through typed pieces that are joined and trimmed to the
/// entry range.
///
/// On-disk basket (`fBasketSeek[i]`, `fBasketBytes[i]` bytes):
/// | TKey header (fKeylen bytes, ending with the TBasket fields below) | compressed payload |
/// TBasket fields: version i16, fBufferSize i32, fNevBufSize i32, fNevBuf i32, fLast i32, flag i8.
struct BranchReader {
    let tree: TTree
    let threads: Int
    /// Whether plain jagged branches may take the direct path (false: the general path, as tests compare).
    var directJagged = true

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

    /// How one branch of a request is decoded.
    private enum Route {
        /// Per-basket typed pieces, joined and trimmed (`decodePiece`, `assemble`).
        case general
        /// Straight into the final column (DirectBasketDecoding.swift); the index of its content array.
        case direct(DirectLayout, slot: Int)
        /// Jagged, straight into the final content and offsets (DirectJaggedDecoding.swift); the index of
        /// its content array and of its offsets array.
        case jagged(JaggedLayout, slot: Int, offsets: Int)
    }

    /// Reads `branches` for `range`; columns in the same order. Only baskets overlapping `range` are read;
    /// every basket of every branch is one job, and `threads` workers take jobs as they finish the last.
    /// Jagged fast-path branches first go through a plan (`planJagged`: item counts, cut baskets decoded).
    func read(_ branches: [BranchModel], entries range: Range<Int>) throws -> [Column] {
        var interpretations: [Interpretation] = []
        var locations: [[BasketLocation]] = []
        var routes: [Route] = []
        var specs: [(dtype: DType, count: Int)] = []
        for b in branches {
            let interp = tree.interpretation(of: b)
            guard interp.codec != nil else {
                throw ROOTError(.unsupported, "cannot read as numbers: \(interp.summary)", file: file.path, object: "branch \(b.path)")
            }
            interpretations.append(interp)
            let locs = try baskets(of: b).filter { $0.entries.overlaps(range) }
            locations.append(locs)
            if let layout = DirectLayout(interp) {
                try checkCoverage(locs, range: range, branch: b)
                let (n, overflow) = range.count.multipliedReportingOverflow(by: layout.width)
                guard !overflow, n <= file.limits.maxObjectBytes else {
                    throw ROOTError(.limit, "\(range.count) entries of width \(layout.width) exceed the limit",
                                    file: file.path, object: "branch \(b.path)")
                }
                routes.append(.direct(layout, slot: specs.count))
                specs.append((layout.dtype, n))
            } else if directJagged, let layout = JaggedLayout(interp),
                      locs.allSatisfy({ if case .disk = $0.source { return true } else { return false } }) {
                try checkCoverage(locs, range: range, branch: b)
                routes.append(.jagged(layout, slot: -1, offsets: -1))
            } else {
                routes.append(.general)
            }
        }
        let (plans, itemStarts) = try planJaggedBranches(branches, locations, &routes, &specs, range: range)

        struct Job { let branch: Int; let basket: Int }
        var jobs: [Job] = []
        var offsetCounts: [Int] = []
        for (i, route) in routes.enumerated() {
            if case .jagged(let layout, let slot, _) = route {
                routes[i] = .jagged(layout, slot: slot, offsets: offsetCounts.count)
                offsetCounts.append(range.count + 1)
            }
            for k in locations[i].indices { jobs.append(Job(branch: i, basket: k)) }
        }
        var pieces = [BasketDecoder.Piece?](repeating: nil, count: jobs.count)
        var fallbacks = Set<Int>()
        var offsetArrays: [[Int]] = []
        let arrays = try BulkBytes.withUninitializedArrays(specs) { columns in
            offsetArrays = try BulkBytes.withUninitializedIntArrays(offsetCounts) { offsets in
                for (i, route) in routes.enumerated() {
                    if case .jagged(_, _, let o) = route { offsets[o][range.count] = itemStarts[i].last ?? 0 }
                }
                let failures = pieces.withUnsafeMutableBufferPointer { pieceBuffer in
                    let pieceOut = pieceBuffer
                    return runJobs(jobs.count) { j, scratch in
                        let job = jobs[j]
                        let b = branches[job.branch], loc = locations[job.branch][job.basket]
                        switch routes[job.branch] {
                        case .direct(let layout, let slot):
                            try decodeDirect(b, loc, layout: layout, range: range, into: columns[slot], scratch: scratch)
                        case .jagged(let layout, let slot, let o):
                            try decodeJagged(b, loc, plan: plans[job.branch][job.basket]!, itemStart: itemStarts[job.branch][job.basket],
                                             layout: layout, range: range, content: columns[slot], offsets: offsets[o], scratch: scratch)
                        case .general:
                            pieceOut[j] = try decodePiece(b, loc, interpretations[job.branch])
                        }
                    }
                }
                for (j, f) in failures.enumerated() where f is DirectFallback { fallbacks.insert(jobs[j].branch) }
                for (j, f) in failures.enumerated() {
                    guard let f, !fallbacks.contains(jobs[j].branch) else { continue }
                    throw ROOTError.wrap(f, file: file.path, object: "branch \(branches[jobs[j].branch].path)", offset: nil)
                }
            }
        }
        // Branches a basket sent back to the general path: read again, all together.
        let retried = fallbacks.sorted()
        let again = retried.isEmpty ? [] : try BranchReader(tree: tree, threads: threads, directJagged: false)
            .read(retried.map { branches[$0] }, entries: range)
        var columns: [Column] = []
        for (i, b) in branches.enumerated() {
            if let k = retried.firstIndex(of: i) { columns.append(again[k]); continue }
            switch (routes[i], interpretations[i]) {
            case (.direct(_, let slot), .fixed(_, let shape)): columns.append(Column(arrays[slot], layout: .fixed(shape: shape)))
            case (.direct(_, let slot), _): columns.append(Column(arrays[slot]))
            case (.jagged(_, let slot, let o), _): columns.append(Column(jagged: arrays[slot], offsets: offsetArrays[o]))
            case (.general, _):
                let parts = jobs.indices.filter { jobs[$0].branch == i }.map { pieces[$0]! }
                columns.append(try assemble(parts, from: locations[i].first?.entries.lowerBound ?? range.lowerBound, range: range,
                                            interpretation: interpretations[i], branch: b))
            }
        }
        return columns
    }

    /// The plan of every jagged fast-path branch (one job per basket): per branch and basket, the plan and
    /// the index of the basket's first item in the content (one more at the end: the total). Branches a
    /// basket sends back become general; the others get their content array in `specs`.
    private func planJaggedBranches(_ branches: [BranchModel], _ locations: [[BasketLocation]], _ routes: inout [Route],
                                    _ specs: inout [(dtype: DType, count: Int)],
                                    range: Range<Int>) throws -> ([[JaggedBasketPlan?]], [[Int]]) {
        struct Job { let branch: Int; let basket: Int; let layout: JaggedLayout }
        var jobs: [Job] = []
        for (i, route) in routes.enumerated() {
            if case .jagged(let layout, _, _) = route {
                for k in locations[i].indices { jobs.append(Job(branch: i, basket: k, layout: layout)) }
            }
        }
        var flat = [JaggedBasketPlan?](repeating: nil, count: jobs.count)
        let failures = flat.withUnsafeMutableBufferPointer { buffer in
            let out = buffer
            return runJobs(jobs.count) { j, scratch in
                let job = jobs[j]
                out[j] = try planJagged(branches[job.branch], locations[job.branch][job.basket], layout: job.layout,
                                        range: range, scratch: scratch)
            }
        }
        for (j, f) in failures.enumerated() where f is DirectFallback { routes[jobs[j].branch] = .general }
        for (j, f) in failures.enumerated() {
            guard let f, case .jagged = routes[jobs[j].branch] else { continue }
            throw ROOTError.wrap(f, file: file.path, object: "branch \(branches[jobs[j].branch].path)", offset: nil)
        }
        var plans = locations.map { [JaggedBasketPlan?](repeating: nil, count: $0.count) }
        var starts = locations.map { _ in [Int]() }
        for (j, job) in jobs.enumerated() { plans[job.branch][job.basket] = flat[j] }
        for (i, route) in routes.enumerated() {
            guard case .jagged(let layout, _, let o) = route else { continue }
            var total = 0
            starts[i] = [0]
            for p in plans[i] {
                let (t, overflow) = total.addingReportingOverflow(p!.items)
                guard !overflow, t <= file.limits.maxObjectBytes else {
                    throw ROOTError(.limit, "more than \(file.limits.maxObjectBytes) items in \(range)", file: file.path,
                                    object: "branch \(branches[i].path)")
                }
                total = t
                starts[i].append(total)
            }
            routes[i] = .jagged(layout, slot: specs.count, offsets: o)
            specs.append((layout.dtype, total))
        }
        return (plans, starts)
    }

    /// Runs jobs `0..<count` on up to `threads` workers (0: one per core), each worker with its own scratch
    /// buffers; returns each job's error, nil for those that succeeded.
    func runJobs(_ count: Int, _ body: (Int, Scratch) throws -> Void) -> [Error?] {
        JobCounter.run(count, threads: threads, workerState: { Scratch() }, body)
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
