import Columnar
import ROOTCompression

/// The fast path of `BranchReader` for jagged branches of plain big-endian numbers (`float x[n]`):
/// every entry's items are the bytes between two entry offsets, with no per-entry header.
///
/// Two passes over the request's baskets. The plan reads each basket's key header (fLast gives its
/// data bytes, hence its item count) and, for a basket the request cuts, decodes it whole and keeps it;
/// then the content and offsets arrays are allocated once at their final size. The decode pass reads
/// each whole basket with one pread into a per-thread buffer, decompresses it into a per-thread buffer,
/// byte-swaps its data part straight into its slice of the content and converts its entry-offset table
/// into its slice of the offsets (raw loads, checked in the same pass). No per-basket arrays, no concatenation.
///
/// Checks are those of the general path (fNevBuf against fBasketEntry, the offset table's count and
/// bounds, offsets non-decreasing, inside the data and a whole number of items apart). Baskets the
/// general path treats specially (no offset table, first entry not at the data start, data not a
/// whole number of items, baskets embedded in the tree) make the branch go through the general path.
extension BranchReader {
    /// How a jagged branch's items land in its column when it takes the fast path.
    struct JaggedLayout {
        let dtype: DType
        /// Bytes per item (1, 2, 4 or 8).
        var itemSize: Int { dtype.byteWidth }

        /// The fast-path layout of an interpretation, nil when its entries carry headers or need conversion.
        init?(_ interpretation: Interpretation) {
            guard case .jagged(.plain(let t), 0) = interpretation else { return nil }
            dtype = t
        }
    }

    /// Thrown when a basket is better left to the general path (which then reads the whole branch).
    struct DirectFallback: Error {}

    /// What the plan learnt about one basket of a jagged branch.
    struct JaggedBasketPlan {
        /// Items of the basket inside the request.
        var items: Int
        /// The basket's header, as the decode pass must find it again.
        var header: BasketHeader
        /// The uncompressed object of a basket the request cuts (decoded during the plan), else nil.
        var object: [UInt8]?
    }

    /// The plan for basket `loc`: its header (whole baskets) or its decoded object (baskets the request cuts).
    func planJagged(_ b: BranchModel, _ loc: BasketLocation, layout: JaggedLayout, range: Range<Int>,
                    scratch: Scratch) throws -> JaggedBasketPlan {
        guard case let .disk(seek, bytes) = loc.source else { throw DirectFallback() }
        let what = "basket \(loc.number)"
        if loc.entries.lowerBound >= range.lowerBound && loc.entries.upperBound <= range.upperBound {
            // Whole basket: the key header is enough (fLast - fKeylen data bytes, all in the request).
            var head = scratch.rawBuffer(min(bytes, 512))
            try file.source.readInto(head, at: seek, what: what)
            if head.count >= 16 {
                let k = Int(UInt16(head[14]) << 8 | UInt16(head[15]))
                if k > head.count && k <= bytes {
                    head = scratch.rawBuffer(k)
                    try file.source.readInto(head, at: seek, what: what)
                }
            }
            let h = try BasketHeader(parsing: UnsafeRawBufferPointer(head), basketBytes: bytes, seek: seek, what: what)
            try checkJaggedHeader(h, loc, layout: layout, seek: seek)
            return JaggedBasketPlan(items: h.dataBytes / layout.itemSize, header: h, object: nil)
        }
        let raw = scratch.rawBuffer(bytes)
        try file.source.readInto(raw, at: seek, what: what)
        let h = try BasketHeader(parsing: UnsafeRawBufferPointer(raw), seek: seek, what: what)
        try checkJaggedHeader(h, loc, layout: layout, seek: seek)
        let payload = UnsafeRawBufferPointer(rebasing: raw[h.keyLength..<(h.keyLength + h.compressedLength)])
        // Block headers checked before the object's memory is allocated.
        if h.isCompressed { try ROOTDecompressor.validateFraming(payload, uncompressedSize: h.objectLength) }
        let object = try [UInt8](unsafeUninitializedCapacity: h.objectLength) { buffer, n in
            n = 0
            try ROOTDecompressor.decompressIfNeeded(payload, into: UnsafeMutableRawBufferPointer(buffer))
            n = h.objectLength
        }
        let lo = max(range.lowerBound, loc.entries.lowerBound), hi = min(range.upperBound, loc.entries.upperBound)
        let (first, end) = try object.withUnsafeBytes {
            try walkOffsets($0, h, loc, entries: lo..<hi, layout: layout, itemStart: 0, into: nil, what: what, seek: seek)
        }
        return JaggedBasketPlan(items: (end - first) / layout.itemSize, header: h, object: object)
    }

    /// Header checks of the plan: entry count, an offset table to read, the size limit, whole items.
    private func checkJaggedHeader(_ h: BasketHeader, _ loc: BasketLocation, layout: JaggedLayout, seek: Int64) throws {
        let what = "basket \(loc.number)"
        guard h.entryCount == loc.entries.count else {
            throw ROOTError(.malformed, "\(what) holds \(h.entryCount) entries, fBasketEntry says \(loc.entries.count)", offset: seek)
        }
        guard h.objectLength <= file.limits.maxObjectBytes else {
            throw ROOTError(.limit, "\(what): declared size \(h.objectLength) exceeds the limit", offset: seek)
        }
        // No offset table (offsets regenerated from the counter) or a ragged data part: the general path's business.
        guard h.objectLength > h.dataBytes, h.dataBytes % layout.itemSize == 0 else { throw DirectFallback() }
    }

    /// Decodes the part of basket `loc` in `range` into `content` (items from `itemStart` on) and `offsets`
    /// (the request's entry offsets, uninitialised memory of `range.count + 1` Ints).
    func decodeJagged(_ b: BranchModel, _ loc: BasketLocation, plan: JaggedBasketPlan, itemStart: Int, layout: JaggedLayout,
                      range: Range<Int>, content: UnsafeMutableRawBufferPointer, offsets: UnsafeMutableBufferPointer<Int>,
                      scratch: Scratch) throws {
        guard case let .disk(seek, bytes) = loc.source else { throw DirectFallback() }
        let what = "basket \(loc.number)"
        if let object = plan.object {
            try object.withUnsafeBytes {
                try emitJagged($0, plan, loc, itemStart: itemStart, layout: layout, range: range, content: content,
                               offsets: offsets, what: what, seek: seek)
            }
            return
        }
        let raw = scratch.rawBuffer(bytes)
        try file.source.readInto(raw, at: seek, what: what)
        let h = try BasketHeader(parsing: UnsafeRawBufferPointer(raw), seek: seek, what: what)
        guard h == plan.header else {
            throw ROOTError(.malformed, "\(what): header changed between two reads", offset: seek)
        }
        let payload = UnsafeRawBufferPointer(rebasing: raw[h.keyLength..<(h.keyLength + h.compressedLength)])
        var object = payload
        if h.isCompressed {
            try ROOTDecompressor.validateFraming(payload, uncompressedSize: h.objectLength)
            let out = scratch.objectBuffer(h.objectLength)
            try ROOTDecompressor.decompress(payload, into: out)
            object = UnsafeRawBufferPointer(out)
        }
        try emitJagged(object, plan, loc, itemStart: itemStart, layout: layout, range: range, content: content,
                       offsets: offsets, what: what, seek: seek)
    }

    /// Writes the entries of `loc` in `range` from its uncompressed `object`: items byte-swapped into
    /// `content`, offsets into `offsets`.
    private func emitJagged(_ object: UnsafeRawBufferPointer, _ plan: JaggedBasketPlan, _ loc: BasketLocation, itemStart: Int,
                            layout: JaggedLayout, range: Range<Int>, content: UnsafeMutableRawBufferPointer,
                            offsets: UnsafeMutableBufferPointer<Int>, what: String, seek: Int64) throws {
        let lo = max(range.lowerBound, loc.entries.lowerBound), hi = min(range.upperBound, loc.entries.upperBound)
        guard lo < hi else { return }
        let size = layout.itemSize
        // The slots this basket owns (checked: a slice of the request's memory, never past it).
        let slots = UnsafeMutableBufferPointer(rebasing: offsets[(lo - range.lowerBound)..<(hi - range.lowerBound)])
        let (first, end) = try walkOffsets(object, plan.header, loc, entries: lo..<hi, layout: layout, itemStart: itemStart,
                                           into: slots, what: what, seek: seek)
        // A whole basket whose first entry does not start its data: the plan's count (fLast) does not hold.
        guard plan.object != nil || first == 0 else { throw DirectFallback() }
        guard end - first == plan.items * size else {
            throw ROOTError(.malformed, "\(what): \((end - first) / size) items where the plan counted \(plan.items)", offset: seek)
        }
        let start = itemStart * size
        BulkBytes.copySwapped(UnsafeRawBufferPointer(rebasing: object[first..<end]),
                              into: UnsafeMutableRawBufferPointer(rebasing: content[start..<(start + end - first)]),
                              elementSize: size)
        if layout.dtype == .bool {
            BulkBytes.normaliseBools(UnsafeMutableRawBufferPointer(rebasing: content[start..<(start + end - first)]))
        }
    }

    /// Checks the entry-offset table after the data of `object` (int32 count, then fNevBuf big-endian
    /// offsets from the key start) and returns the data bytes of `entries` (`first..<end`). With `slots`,
    /// also stores each of those entries' start as an item index counted from `itemStart`.
    private func walkOffsets(_ object: UnsafeRawBufferPointer, _ h: BasketHeader, _ loc: BasketLocation, entries: Range<Int>,
                             layout: JaggedLayout, itemStart: Int, into slots: UnsafeMutableBufferPointer<Int>?,
                             what: String, seek: Int64) throws -> (first: Int, end: Int) {
        let border = h.dataBytes, nev = h.entryCount, keyLength = h.keyLength
        guard object.count == h.objectLength, border <= object.count - 4 else {
            throw ROOTError(.truncated, "\(what): no room for the entry-offset count after \(border) data bytes", offset: seek)
        }
        let count = Int(Int32(bigEndian: object.loadUnaligned(fromByteOffset: border, as: Int32.self)))
        let table = border + 4
        guard count >= nev, nev <= (object.count - table) / 4 else {
            throw ROOTError(.malformed, "\(what): \(count) entry offsets for \(nev) entries", offset: seek)
        }
        guard nev > 0 else { return (0, 0) }
        let size = layout.itemSize, mask = size - 1, shift = size.trailingZeroBitCount
        let a = entries.lowerBound - loc.entries.lowerBound, z = entries.upperBound - loc.entries.lowerBound
        guard a >= 0, a < z, z <= nev else {
            throw ROOTError(.malformed, "\(what): entries \(entries) outside its \(nev)", offset: seek)
        }
        guard let base = object.baseAddress else { return (0, 0) }
        // Checked above: the nev offsets lie inside the object.
        @inline(__always) func offset(_ i: Int) -> Int {
            Int(Int32(bigEndian: base.loadUnaligned(fromByteOffset: table &+ 4 &* i, as: Int32.self))) &- keyLength
        }
        let v0 = offset(0), first = offset(a)
        // One branch-free pass over every offset (the general path checks them all): each at least the
        // previous one (the first at least 0), at most `border`, a whole number of items from the first.
        // Signs and low bits are OR-ed together; only a failure goes back to find the culprit.
        var signs = v0 | (border &- v0), lowBits = 0
        for i in 1..<nev {
            let v = offset(i)
            signs |= (v &- offset(i &- 1)) | (border &- v)
            lowBits |= v &- v0
        }
        if signs < 0 || lowBits & mask != 0 {
            var previous = 0
            for i in 0..<nev {
                let v = offset(i)
                if v < previous || v > border {
                    throw ROOTError(.malformed, "\(what): entry offset \(v) outside its \(border) data bytes", offset: seek)
                }
                if (v &- v0) & mask != 0 {
                    throw ROOTError(.malformed, "\(what): entry \(i - 1) has \(v - previous) bytes, not a whole number of \(size)-byte items",
                                    offset: seek)
                }
                previous = v
            }
        }
        if let slots {
            precondition(slots.count == z - a, "walkOffsets: \(slots.count) slots for \(z - a) entries")
            if let out = slots.baseAddress {
                for i in a..<z { out[i &- a] = itemStart &+ ((offset(i) &- first) &>> shift) }
            }
        }
        guard (border &- v0) & mask == 0 else {
            throw ROOTError(.malformed, "\(what): entry \(nev - 1) has \(border - offset(nev - 1)) bytes, not a whole number of \(size)-byte items",
                            offset: seek)
        }
        return (first, z == nev ? border : offset(z))
    }
}
