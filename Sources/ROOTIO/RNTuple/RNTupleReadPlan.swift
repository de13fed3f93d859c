import Columnar

/// Plans the page jobs of one read: which pages of which columns cover the requested entries, and where
/// their elements go. Collections are read in two rounds: their index columns first (giving each entry's
/// item range per cluster), then their item columns.
///
/// Index columns hold, per entry, the end of its items relative to the cluster's first item; the first
/// entry of a cluster starts at 0. Items of cluster c are global elements `firstElement(c) + relative`.
struct RNTupleReadPlan {
    let tuple: RNTuple
    let entries: Range<Int>
    var jobs: [RNTuplePageJob] = []

    init(tuple: RNTuple, entries: Range<Int>) {
        self.tuple = tuple
        self.entries = entries
    }

    var clusters: [RNTupleCluster] { tuple.metadata.clusters }

    /// Indices of the clusters overlapping `range` (clusters are sorted and contiguous).
    func clusterIndices(overlapping range: Range<Int>) -> Range<Int> {
        guard !range.isEmpty else { return 0..<0 }
        var lo = 0, hi = clusters.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if clusters[mid].firstEntry + clusters[mid].entryCount <= range.lowerBound { lo = mid + 1 } else { hi = mid }
        }
        var end = lo
        while end < clusters.count && clusters[end].firstEntry < range.upperBound { end += 1 }
        return lo..<end
    }

    /// The column of representation slot `position` that is active (present, not suppressed) in a cluster.
    func active(_ reps: [[Int]], position: Int, in cluster: RNTupleCluster) -> (column: Int, range: RNTupleColumnRange)? {
        for rep in reps where position < rep.count {
            if let r = cluster.columns[rep[position]], !r.isSuppressed { return (rep[position], r) }
        }
        return nil
    }

    /// Adds jobs for the elements `elements` of the logical column (global indices, or relative to the
    /// cluster's first element when `relative`), written to `output` from `outputOffset` on.
    mutating func plan(field: RNTupleFieldInfo, reps: [[Int]], cluster: RNTupleCluster, elements: Range<Int>, relative: Bool,
                       output: Int, buffer: RNTupleOutputBuffer, outputOffset: Int) throws {
        guard !elements.isEmpty, let (column, range) = active(reps, position: 0, in: cluster) else { return }
        let base = relative ? range.firstElement : 0
        guard elements.lowerBound >= 0, elements.upperBound <= Int.max - base else {
            throw ROOTError(.malformed, "cluster \(cluster.id), column \(column): element range \(elements) + \(base) overflows",
                            file: tuple.file.path, object: "RNTuple \(tuple.name) field \(field.path)")
        }
        let wanted = (base + elements.lowerBound) ..< (base + elements.upperBound)
        let deferred = tuple.metadata.schema.columns[column].firstElementIndex != 0
        let have = range.firstElement ..< range.firstElement + range.elementCount
        if !deferred && (wanted.lowerBound < have.lowerBound || wanted.upperBound > have.upperBound) {
            throw ROOTError(.malformed, "cluster \(cluster.id), column \(column): elements \(wanted) are needed, the page list holds \(have)",
                            file: tuple.file.path, object: "RNTuple \(tuple.name) field \(field.path)")
        }
        var pageStart = range.firstElement
        for page in range.pages {
            let pageEnd = pageStart + page.elementCount
            defer { pageStart = pageEnd }
            if pageEnd <= wanted.lowerBound { continue }
            if pageStart >= wanted.upperBound { break }
            try checkPage(page, column: column, cluster: cluster, field: field)
            let lo = Swift.max(pageStart, wanted.lowerBound), hi = Swift.min(pageEnd, wanted.upperBound)
            let at = outputOffset + (lo - wanted.lowerBound)
            jobs.append(RNTuplePageJob(column: column, cluster: cluster.id, page: page, skip: lo - pageStart, take: hi - lo,
                                       output: output, outputOffset: at, field: field.path))
            buffer.covered.append(at ..< at + (hi - lo))
        }
    }

    /// A page must decode to at most `ReadLimits.maxObjectBytes` and, when stored uncompressed, lie inside the
    /// file: checked while planning, so that outputs are never allocated for pages that cannot exist.
    func checkPage(_ page: RNTuplePage, column: Int, cluster: RNTupleCluster, field: RNTupleFieldInfo) throws {
        let file = tuple.file
        let decoded = tuple.decoders[column]?.pageBytes(page.elementCount)
        guard let decoded, decoded <= file.limits.maxObjectBytes else {
            throw ROOTError(.limit, "cluster \(cluster.id), column \(column): page of \(page.elementCount) elements is over the limit of \(file.limits.maxObjectBytes) bytes",
                            file: file.path, object: "RNTuple \(tuple.name) field \(field.path)", offset: Int64(clamping: page.locator.offset))
        }
        guard page.locator.offset <= UInt64(file.source.size), UInt64(page.locator.size) <= UInt64(file.source.size) - page.locator.offset else {
            throw ROOTError(.truncated, "cluster \(cluster.id), column \(column): page of \(page.locator.size) bytes at \(page.locator.offset) runs past the end of the file (\(file.source.size) bytes)",
                            file: file.path, object: "RNTuple \(tuple.name) field \(field.path)", offset: Int64(clamping: page.locator.offset))
        }
    }

    /// Per-entry item counts of a collection over `entries`, and per cluster the relative item span and
    /// where its items start in the output.
    struct CollectionLayout {
        var offsets: [Int]
        var spans: [(cluster: Int, items: Range<Int>, outputStart: Int)]
    }

    /// Turns a collection's decoded index values (covering entries `first ..< entries.upperBound`) into offsets.
    func layout(index v: [Int64], first: Int, field: RNTupleFieldInfo) throws -> CollectionLayout {
        var offsets = [Int](repeating: 0, count: entries.count + 1)
        var spans: [(cluster: Int, items: Range<Int>, outputStart: Int)] = []
        var total = 0
        for ci in clusterIndices(overlapping: entries) {
            let c = clusters[ci]
            let lo = Swift.max(entries.lowerBound, c.firstEntry), hi = Swift.min(entries.upperBound, c.firstEntry + c.entryCount)
            var previous = lo == c.firstEntry ? 0 : Int(v[lo - 1 - first])
            let start = previous, outputStart = total
            for e in lo..<hi {
                let end = Int(v[e - first])
                // Offsets are non-negative and non-decreasing; items are capped (hostile offsets must not overflow).
                guard end >= previous, previous >= 0, end - previous <= RNTupleFieldReader.maxElements - total else {
                    throw ROOTError(.malformed, "cluster \(c.id): collection offsets invalid at entry \(e) (\(previous) then \(end))",
                                    file: tuple.file.path, object: "RNTuple \(tuple.name) field \(field.path)")
                }
                total += end - previous
                offsets[e - entries.lowerBound + 1] = total
                previous = end
            }
            spans.append((ci, start ..< previous, outputStart))
        }
        return CollectionLayout(offsets: offsets, spans: spans)
    }
}
