/// Hand-written readers for the tree classes, by class version (ROOT 5.23 to 6.3x); other versions are read
/// from the file's own TStreamerInfo (StreamerDrivenObjects.swift).
///
/// | class          | versions | members read (in order)                                              |
/// |----------------|----------|----------------------------------------------------------------------|
/// | TTree          | 16-20    | TNamed, TAttLine/Fill/Marker, fEntries..fEstimate, clusters, fBranches |
/// | TBranch        | 10-13    | TNamed, TAttFill, fCompress..fZipBytes, fBranches, fLeaves, fBaskets,  |
/// |                |          | fBasketBytes, fBasketEntry, fBasketSeek, fFileName                    |
/// | TBranchElement | 8-10     | TBranch, class/parent/clones names, checksum, version, id, types, counts |
/// | TLeaf          | 2        | TNamed, fLen, fLenType, fOffset, fIsRange, fIsUnsigned, fLeafCount    |
/// | TBasket        | any      | TKey header, fBufferSize, fNevBufSize, fNevBuf, fLast, flag, offsets, data |
/// Every object's byte count is verified on exit (groot's discipline).
extension ObjectReader {
    /// The members of a TTree that the reader needs.
    struct TreeHeader {
        var name: String
        var title: String
        var entries: Int64
        var branches: [BranchModel]
    }

    mutating func readTree() throws -> TreeHeader {
        let h = try cursor.readObjectHeader("TTree")
        let v = h.version
        if v < 16 || v > 20 || preferStreamers { return try readTreeByStreamer(h) }
        let named = try cursor.readTNamed()
        try cursor.skipObject("TAttLine")
        try cursor.skipObject("TAttFill")
        try cursor.skipObject("TAttMarker")
        let entries = try cursor.read(Int64.self)
        try cursor.skip(8 * 3)                       // fTotBytes, fZipBytes, fSavedBytes
        if v >= 18 { try cursor.skip(8) }            // fFlushedBytes
        try cursor.skip(8 + 4 * 3)                   // fWeight, fTimerInterval, fScanField, fUpdate
        if v >= 17 { try cursor.skip(4) }            // fDefaultEntryOffsetLen
        var nClusterRange = 0
        if v >= 19 { nClusterRange = Int(try cursor.read(Int32.self)) }
        try cursor.skip(8 * 4)                       // fMaxEntries, fMaxEntryLoop, fMaxVirtualSize, fAutoSave
        if v >= 18 { try cursor.skip(8) }            // fAutoFlush
        try cursor.skip(8)                           // fEstimate
        if v >= 19 {
            _ = try cursor.readPointerArray(Int64.self, count: nClusterRange, what: "TTree fClusterRangeEnd")
            _ = try cursor.readPointerArray(Int64.self, count: nClusterRange, what: "TTree fClusterSize")
        }
        if v >= 20 { try cursor.skipObject("TIOFeatures") }
        let branches = try readObjArray().compactMap { obj -> BranchModel? in
            if case .branch(let b)? = obj { return b } else { return nil }
        }
        // fLeaves, aliases, indices, friends and user info are not needed: skip to the end.
        if let end = h.end { try cursor.seek(end) }
        return TreeHeader(name: named.name, title: named.title, entries: entries, branches: branches)
    }

    mutating func readBranch(_ className: String) throws -> BranchModel {
        let b = BranchModel()
        b.className = className
        let outer = try cursor.readObjectHeader(className)
        if preferStreamers || (className == "TBranchElement" && (outer.version < 8 || outer.version > 10)) {
            try readBranchMembersByStreamer(b, header: outer, className: className)
            return b
        }
        if className == "TBranch" {
            try readBranchMembers(b, header: outer)
            return b
        }
        // TBranchElement / TBranchObject: a TBranch base, then their own members.
        try readBranchMembers(b, header: try cursor.readObjectHeader("TBranch"))
        if className == "TBranchObject" {
            b.elementClassName = try cursor.readTString()
        } else {
            let v = outer.version
            guard v >= 8 else {
                throw ROOTError(.unsupported, "TBranchElement version \(v) is not supported", offset: cursor.base + Int64(outer.start))
            }
            b.elementClassName = try cursor.readTString()
            b.parentName = try cursor.readTString()
            b.clonesName = try cursor.readTString()
            _ = try cursor.read(UInt32.self)           // fCheckSum
            b.classVersion = v >= 10 ? Int32(try cursor.read(Int16.self)) : try cursor.read(Int32.self)
            b.elementID = try cursor.read(Int32.self)
            b.elementType = try cursor.read(Int32.self)
            b.streamerType = try cursor.read(Int32.self)
            b.maximum = try cursor.read(Int32.self)
            if case .branch(let c)? = try readObjectAny() { b.branchCount = c }
            if case .branch(let c)? = try readObjectAny() { b.branchCount2 = c }
        }
        try cursor.finish(outer, className)
        return b
    }

    private mutating func readBranchMembers(_ b: BranchModel, header h: ObjectHeader) throws {
        let v = h.version
        if v < 10 || v > 13 { return try readBranchMembersByStreamer(b, header: h) }
        let named = try cursor.readTNamed()
        b.name = named.name
        b.title = named.title
        try cursor.skipObject("TAttFill")
        b.compression = try cursor.read(Int32.self)
        b.basketSize = try cursor.read(Int32.self)
        b.entryOffsetLength = try cursor.read(Int32.self)
        b.writeBasket = try cursor.read(Int32.self)
        _ = try cursor.read(Int64.self)                // fEntryNumber
        if v >= 13 { try cursor.skipObject("TIOFeatures") }
        _ = try cursor.read(Int32.self)                // fOffset
        let maxBaskets = Int(try cursor.read(Int32.self))
        b.splitLevel = try cursor.read(Int32.self)
        b.entries = try cursor.read(Int64.self)
        if v >= 11 { b.firstEntry = try cursor.read(Int64.self) }
        b.totalBytes = try cursor.read(Int64.self)
        b.zipBytes = try cursor.read(Int64.self)
        for case .branch(let sub)? in try readObjArray() {
            sub.parent = b
            b.branches.append(sub)
        }
        for case .leaf(let leaf)? in try readObjArray() { b.leaves.append(leaf) }
        for case .basket(let basket)? in try readObjArray() { b.embeddedBaskets.append(basket) }
        guard maxBaskets >= 0, b.writeBasket >= 0, Int(b.writeBasket) <= maxBaskets else {
            throw ROOTError(.malformed, "branch \(b.name): fWriteBasket \(b.writeBasket) / fMaxBaskets \(maxBaskets) inconsistent",
                            offset: cursor.base + Int64(h.start))
        }
        b.basketBytes = try cursor.readPointerArray(Int32.self, count: maxBaskets, what: "fBasketBytes")
        b.basketEntry = try cursor.readPointerArray(Int64.self, count: maxBaskets, what: "fBasketEntry")
        b.basketSeek = try cursor.readPointerArray(Int64.self, count: maxBaskets, what: "fBasketSeek")
        _ = try cursor.readTString()                   // fFileName
        try cursor.finish(h, "TBranch")
    }

    mutating func readLeaf(_ className: String) throws -> LeafModel {
        let leaf = LeafModel()
        leaf.className = className
        let outer = try cursor.readObjectHeader(className)
        let h = try cursor.readObjectHeader("TLeaf")
        if h.version != 2 || preferStreamers {
            try readLeafMembersByStreamer(leaf, header: h)
            if className == "TLeafElement" {
                leaf.elementID = try cursor.read(Int32.self)
                leaf.elementType = try cursor.read(Int32.self)
            }
            if let end = outer.end { try cursor.seek(end) }
            return leaf
        }
        let named = try cursor.readTNamed()
        leaf.name = named.name
        leaf.title = named.title
        leaf.length = try cursor.read(Int32.self)
        leaf.lengthType = try cursor.read(Int32.self)
        leaf.offset = try cursor.read(Int32.self)
        leaf.isRange = try cursor.readBool()
        leaf.isUnsigned = try cursor.readBool()
        if case .leaf(let counter)? = try readObjectAny() { leaf.leafCount = counter }
        try cursor.finish(h, "TLeaf")
        if className == "TLeafElement" {
            leaf.elementID = try cursor.read(Int32.self)
            leaf.elementType = try cursor.read(Int32.self)
        }
        // fMinimum / fMaximum of the typed subclasses are not needed.
        if let end = outer.end { try cursor.seek(end) }
        return leaf
    }

    /// A TBasket written inside its branch (TBasket::Streamer): key header, basket header, offsets, buffer.
    mutating func readEmbeddedBasket() throws -> EmbeddedBasket {
        let start = cursor.position
        _ = try cursor.read(Int32.self)                 // fNbytes
        let keyVersion = try cursor.read(Int16.self)
        _ = try cursor.read(Int32.self)                 // fObjlen
        _ = try cursor.read(UInt32.self)                // fDatime
        let keyLength = Int(try cursor.read(Int16.self))
        _ = try cursor.read(Int16.self)                 // fCycle
        try cursor.skip(keyVersion > 1000 ? 16 : 8)    // fSeekKey, fSeekPdir
        for _ in 0..<3 { _ = try cursor.readTString() } // class name, name, title
        _ = try cursor.read(Int16.self)                 // basket version
        _ = try cursor.read(Int32.self)                 // fBufferSize
        _ = try cursor.read(Int32.self)                 // fNevBufSize
        let nevBuf = Int(try cursor.read(Int32.self))
        let last = Int(try cursor.read(Int32.self))
        let flag = Int(try cursor.read(Int8.self))
        guard nevBuf >= 0, last >= keyLength, keyLength >= 0 else {
            throw fail("embedded TBasket: fNevBuf \(nevBuf), fLast \(last), fKeylen \(keyLength) inconsistent", at: start)
        }
        if flag >= 80 {
            throw ROOTError(.unsupported, "embedded TBasket whose entry offsets must be regenerated", offset: cursor.base + Int64(start))
        }
        var rawOffsets: [Int32]? = nil
        if flag != 0 && flag % 10 != 2 {
            if nevBuf > 0 {
                let n = Int(try cursor.read(Int32.self))
                guard n >= nevBuf, n <= cursor.remaining / 4 else { throw fail("embedded TBasket: \(n) entry offsets") }
                var offs: [Int32] = []
                offs.reserveCapacity(n)
                for _ in 0..<n { offs.append(try cursor.read(Int32.self)) }
                rawOffsets = offs
            }
            if flag > 40 {
                let n = Int(try cursor.read(Int32.self))
                guard n >= 0, n <= cursor.remaining / 4 else { throw fail("embedded TBasket: \(n) displacements") }
                try cursor.skip(4 * n)
            }
        }
        var data: [UInt8] = []
        if flag == 1 || flag > 10 {
            let buffer = try cursor.readBytes(last)
            data = Array(buffer.dropFirst(keyLength))
        }
        var entryOffsets: [Int]? = nil
        if let raw = rawOffsets {
            var offs = raw.prefix(nevBuf).map { Int($0) - keyLength }
            offs.append(data.count)
            for i in 0..<offs.count where offs[i] < 0 || offs[i] > data.count || (i > 0 && offs[i] < offs[i - 1]) {
                throw fail("embedded TBasket: entry offset \(offs[i]) outside its \(data.count) bytes", at: start)
            }
            entryOffsets = offs
        }
        return EmbeddedBasket(entryCount: nevBuf, data: data, entryOffsets: entryOffsets)
    }
}
