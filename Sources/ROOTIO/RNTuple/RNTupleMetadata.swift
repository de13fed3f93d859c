/// The RNTuple's metadata, read from the header, footer and page list envelopes.
///
/// Header payload: feature flags | string name | string description | string writer | schema description
/// Footer payload: feature flags | UInt64 header checksum | schema extension record frame |
///                 list frame of cluster groups (UInt64 min entry, UInt64 entry span, UInt32 cluster count,
///                 page list envelope link) | (later format versions may add frames: skipped)
/// Page list payload: UInt64 header checksum | list of cluster summaries (UInt64 first entry,
///                 UInt64 entries (bits 0..55) + flags (56..63)) | list (clusters) of lists (columns) of
///                 page lists: items (Int32 element count, negative = checksum follows the page; locator),
///                 then Int64 element offset (negative = suppressed) and, unless suppressed, UInt32 compression.

/// One page of one column in one cluster.
public struct RNTuplePage: Sendable {
    public var elementCount: Int
    /// An XXH3-64 of the stored page bytes follows the page.
    public var hasChecksum: Bool
    public var locator: RNTupleLocator
}

/// The pages of one column in one cluster.
public struct RNTupleColumnRange: Sendable {
    /// Global index of the cluster's first element of this column (meaningless when suppressed).
    public var firstElement: Int
    public var isSuppressed: Bool
    /// Compression settings (algorithm * 100 + level); nil when suppressed.
    public var compression: UInt32?
    public var pages: [RNTuplePage]
    public var elementCount: Int
}

/// One cluster: an entry range and, for each physical column, its pages (nil: not in the page list).
public struct RNTupleCluster: Sendable {
    public var id: Int
    public var firstEntry: Int
    public var entryCount: Int
    public var columns: [RNTupleColumnRange?]
    public var entries: Range<Int> { firstEntry ..< firstEntry + entryCount }
}

/// A cluster group as the footer describes it.
public struct RNTupleClusterGroup: Sendable {
    public var minEntry: Int
    public var entrySpan: Int
    public var clusterCount: Int
    public var pageListLocator: RNTupleLocator
    public var pageListLength: UInt64
}

struct RNTupleMetadata {
    var name = ""
    var description = ""
    var writer = ""
    var schema = RNTupleSchema()
    var clusterGroups: [RNTupleClusterGroup] = []
    var clusters: [RNTupleCluster] = []

    static func read(_ file: ROOTFile, anchor a: RNTupleAnchor, name: String) throws -> RNTupleMetadata {
        var m = RNTupleMetadata()
        let (h, headerChecksum) = try RNTupleEnvelope.read(file, kind: .header, offset: a.seekHeader, compressedSize: a.nbytesHeader,
                                                           length: a.lenHeader, maxKeySize: a.maxKeySize,
                                                           what: "RNTuple '\(name)' header")
        var c = h
        try checkFeatureFlags(try c.readFeatureFlags(), c)
        m.name = try c.readString()
        m.description = try c.readString()
        m.writer = try c.readString()
        try m.schema.append(from: &c)

        var f = try RNTupleEnvelope.read(file, kind: .footer, offset: a.seekFooter, compressedSize: a.nbytesFooter,
                                         length: a.lenFooter, maxKeySize: a.maxKeySize, what: "RNTuple '\(name)' footer").cursor
        try checkFeatureFlags(try f.readFeatureFlags(), f)
        let footerHeaderChecksum = try f.read(UInt64.self)
        guard footerHeaderChecksum == headerChecksum else {
            throw f.fail(.malformed, "footer belongs to another header (header checksum 0x\(String(footerHeaderChecksum, radix: 16)), header is 0x\(String(headerChecksum, radix: 16)))")
        }
        let ext = try f.openFrame(expectList: false)
        try f.within(ext) { c in
            if c.remaining > 0 { try m.schema.append(from: &c) }
        }
        m.clusterGroups = try f.readRecordList { c, _ in
            let minEntry = try c.read(UInt64.self), span = try c.read(UInt64.self), n = try c.read(UInt32.self)
            let link = try c.readEnvelopeLink()
            guard minEntry <= UInt64(Int64.max), span <= UInt64(Int64.max) - minEntry else {
                throw c.fail(.malformed, "cluster group entries \(minEntry) + \(span) invalid")
            }
            return RNTupleClusterGroup(minEntry: Int(minEntry), entrySpan: Int(span), clusterCount: Int(n),
                                       pageListLocator: link.locator, pageListLength: link.length)
        }
        for (g, group) in m.clusterGroups.enumerated() {
            let what = "RNTuple '\(name)' page list \(g)"
            let (p, _) = try RNTupleEnvelope.read(file, kind: .pageList, offset: group.pageListLocator.offset,
                                                  compressedSize: UInt64(group.pageListLocator.size), length: group.pageListLength,
                                                  maxKeySize: a.maxKeySize, what: what)
            var pc = p
            try m.readPageList(&pc, headerChecksum: headerChecksum, group: group)
        }
        try m.checkClusters(file: file, name: name)
        return m
    }

    static func checkFeatureFlags(_ words: [UInt64], _ c: EnvelopeCursor) throws {
        for (i, w) in words.enumerated() {
            let bits = i == words.count - 1 ? w : w & ~(1 << 63)
            if bits != 0 {
                throw c.fail(.unsupported, "unknown feature flag bits 0x\(String(bits, radix: 16)) in word \(i): written by a newer RNTuple format")
            }
        }
    }

    /// Reads one page list envelope and appends its clusters.
    mutating func readPageList(_ c: inout EnvelopeCursor, headerChecksum: UInt64, group: RNTupleClusterGroup) throws {
        let checksum = try c.read(UInt64.self)
        guard checksum == headerChecksum else {
            throw c.fail(.malformed, "page list belongs to another header (checksum 0x\(String(checksum, radix: 16)))")
        }
        let summaries: [(Int, Int)] = try c.readRecordList { c, _ in
            let first = try c.read(UInt64.self)
            let word = try c.read(UInt64.self)
            let entries = word & 0x00ff_ffff_ffff_ffff
            if (word >> 56) & 0x01 != 0 {
                throw c.fail(.unsupported, "cluster is sharded (flag 0x01), which this reader does not support")
            }
            guard first <= UInt64(Int64.max) - entries else { throw c.fail(.malformed, "cluster entries \(first) + \(entries) invalid") }
            return (Int(first), Int(entries))
        }
        guard summaries.count == group.clusterCount else {
            throw c.fail(.malformed, "page list holds \(summaries.count) clusters, its cluster group says \(group.clusterCount)")
        }
        let columnCount = schema.columns.count
        let clusterBase = clusters.count
        let pageLists: [[RNTupleColumnRange?]] = try c.readList(minItemBytes: 12) { c, _ in
            let columns: [RNTupleColumnRange] = try c.readList(minItemBytes: 12) { c, _ in
                let frame = try c.openFrame(expectList: true, minItemBytes: 12)
                return try c.within(frame) { c in
                    var pages: [RNTuplePage] = []
                    pages.reserveCapacity(frame.items)
                    var total = 0
                    for _ in 0..<frame.items {
                        let n = try c.read(Int32.self)
                        let count = Int(n == Int32.min ? Int(Int32.max) + 1 : abs(Int(n)))
                        pages.append(RNTuplePage(elementCount: count, hasChecksum: n < 0, locator: try c.readLocator()))
                        total += count
                    }
                    let offset = try c.read(Int64.self)
                    let suppressed = offset < 0
                    let compression: UInt32? = suppressed ? nil : try c.read(UInt32.self)
                    if suppressed && !pages.isEmpty { throw c.fail(.malformed, "suppressed column has \(pages.count) pages") }
                    return RNTupleColumnRange(firstElement: suppressed ? 0 : Int(offset), isSuppressed: suppressed,
                                              compression: compression, pages: pages, elementCount: total)
                }
            }
            guard columns.count <= columnCount else {
                throw c.fail(.malformed, "cluster lists \(columns.count) columns, the schema has \(columnCount)")
            }
            return columns.map { Optional($0) } + [RNTupleColumnRange?](repeating: nil, count: columnCount - columns.count)
        }
        guard pageLists.count == summaries.count else {
            throw c.fail(.malformed, "page list has page locations for \(pageLists.count) clusters and summaries for \(summaries.count)")
        }
        for (i, s) in summaries.enumerated() {
            clusters.append(RNTupleCluster(id: clusterBase + i, firstEntry: s.0, entryCount: s.1, columns: pageLists[i]))
        }
    }

    /// Clusters are sorted by first entry, contiguous from 0 and their element ranges are sane.
    mutating func checkClusters(file: ROOTFile, name: String) throws {
        clusters.sort { $0.firstEntry < $1.firstEntry }
        var next = 0
        for cl in clusters {
            guard cl.firstEntry == next else {
                throw ROOTError(.malformed, "cluster \(cl.id) starts at entry \(cl.firstEntry), expected \(next) (clusters must cover the entries without gaps)",
                                file: file.path, object: "RNTuple \(name)")
            }
            next += cl.entryCount
            for case let r? in cl.columns where !r.isSuppressed {
                guard r.firstElement <= Int.max - r.elementCount else {
                    throw ROOTError(.malformed, "cluster \(cl.id): column element range \(r.firstElement) + \(r.elementCount) invalid",
                                    file: file.path, object: "RNTuple \(name)")
                }
            }
        }
    }

    var entryCount: Int { clusters.last.map { $0.firstEntry + $0.entryCount } ?? 0 }
}
