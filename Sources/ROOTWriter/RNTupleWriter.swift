import Columnar
import Dispatch
import Foundation
import ROOTCompression

/// Streams EventTable chunks into one RNTuple of a `ROOTFileWriter`: the header envelope once the first chunk
/// fixes the schema, then clusters of `clusterEntries` entries (each column's pages of a cluster in one RBlob key,
/// pages encoded and compressed in parallel, written in a fixed order so the file does not depend on the thread
/// count), a page-list envelope per cluster group, and at `finish()` the footer envelope and the anchor bytes.
/// Only rows short of a full cluster are kept between calls.
public final class RNTupleWriter {
    public let name: String
    let file: ROOTFileWriter
    private var schema: RNTupleSchema?
    private var header: (link: RNTupleEnvelopeLink, checksum: UInt64)?
    private var pending: EventTable?
    /// Entries per cluster, fixed by the first chunk.
    public private(set) var clusterEntries = 0
    /// Entries written to clusters so far.
    public private(set) var entriesWritten = 0
    private var elementsWritten: [Int64] = []
    private var groupClusters: [RNTupleEnvelopes.Cluster] = []
    private var groups: [RNTupleEnvelopes.ClusterGroup] = []
    private var isFinished = false
    /// Largest RBlob written for the pages of one column in one cluster (ROOT keys hold < 1 GiB).
    static let maxBlobBytes = 256 << 20

    init(file: ROOTFileWriter, name: String) {
        self.file = file
        self.name = name
    }

    private var options: RNTupleOptions { file.options.rntuple }

    /// Field names in schema order (subfields included), available after the first chunk.
    public var fieldNames: [String] { schema?.fields.map(\.name) ?? [] }

    /// Appends a chunk of entries; its columns must match the first chunk's (names, dtypes, layouts).
    public func append(_ chunk: EventTable) throws {
        guard !isFinished else { throw ROOTWriterError.closed("ntuple '\(name)'") }
        if let s = schema {
            try s.check(ntuple: name, chunk)
        } else {
            try start(chunk)
        }
        var start = 0
        if let p = pending, p.rowCount > 0 {
            let take = min(clusterEntries - p.rowCount, chunk.rowCount)
            let merged = try EventTable.concatenate([p, chunk.rows(0..<take)])
            start = take
            if merged.rowCount < clusterEntries { pending = merged; return }
            pending = nil
            try writeCluster(merged, 0..<merged.rowCount)
        }
        while chunk.rowCount - start >= clusterEntries {
            try writeCluster(chunk, start..<(start + clusterEntries))
            start += clusterEntries
        }
        pending = start < chunk.rowCount ? chunk.rows(start..<chunk.rowCount) : nil
    }

    /// Fixes the schema and cluster size from the first chunk and writes the header envelope.
    private func start(_ first: EventTable) throws {
        try options.validate()
        let s = try RNTupleSchema(ntuple: name, table: first, split: file.options.compression.algorithm != nil)
        schema = s
        elementsWritten = Array(repeating: 0, count: s.columns.count)
        clusterEntries = Self.entriesPerCluster(s, first, options)
        let h = RNTupleEnvelopes.header(name: name, description: options.description,
                                        writer: "ConservAttack (RNTuple 1.0.0.0)", schema: s)
        header = (try writeEnvelope(h.bytes), h.checksum)
    }

    static func entriesPerCluster(_ s: RNTupleSchema, _ t: EventTable, _ o: RNTupleOptions) -> Int {
        if let n = o.clusterEntries { return max(1, n) }
        var perEntry = 0.0
        for c in s.columns {
            var elements = Double(c.width)
            if !c.isIndex, let col = t[c.source], col.isJagged, t.rowCount > 0 {
                elements = Double(col.content.count) / Double(t.rowCount)
            }
            perEntry += elements * Double(c.bits) / 8
        }
        return max(1, Int(Double(o.clusterBytes) / max(1, perEntry)))
    }

    /// Writes pending rows as a last cluster, the open cluster group, the footer; returns the anchor object.
    func finish() throws -> [UInt8] {
        guard !isFinished else { throw ROOTWriterError.closed("ntuple '\(name)'") }
        if schema == nil { try start(EventTable(rowCount: 0)) }
        if let p = pending, p.rowCount > 0 { try writeCluster(p, 0..<p.rowCount) }
        pending = nil
        try closeGroup()
        guard let header else { throw ROOTWriterError.closed("ntuple '\(name)'") }
        let footer = try writeEnvelope(RNTupleEnvelopes.footer(headerChecksum: header.checksum, groups: groups))
        isFinished = true
        return RNTupleEnvelopes.anchor(header: header.link, footer: footer)
    }

    /// Compresses an envelope with the file's setting and stores it in an RBlob key.
    private func writeEnvelope(_ raw: [UInt8]) throws -> RNTupleEnvelopeLink {
        let packed = try ROOTCompressor.compress(raw, settings: file.options.compression)
        guard packed.count < 1 << 30 else { throw RNTupleWriterError.objectTooLarge(ntuple: name, what: "envelope", bytes: packed.count) }
        let key = try file.appendKey(className: "RBlob", name: "", title: "", object: packed, objectLength: raw.count)
        return RNTupleEnvelopeLink(length: raw.count,
                                   locator: RNTupleLocator(size: packed.count, offset: key.seekKey + Int64(key.keyLength)))
    }

    /// Writes the page list of the open cluster group and records the group.
    private func closeGroup() throws {
        guard let header, let first = groupClusters.first, let last = groupClusters.last else { return }
        let link = try writeEnvelope(RNTupleEnvelopes.pageList(headerChecksum: header.checksum, clusters: groupClusters))
        groups.append(RNTupleEnvelopes.ClusterGroup(minEntry: first.firstEntry, entrySpan: last.firstEntry + last.entries - first.firstEntry,
                                                    clusters: groupClusters.count, pageList: link))
        groupClusters.removeAll()
    }

    /// One page to encode: physical column, element range (into the column's content, or into the index ends).
    private struct PageJob { var column: Int; var range: Range<Int> }

    private func writeCluster(_ t: EventTable, _ rows: Range<Int>) throws {
        guard let schema else { return }
        let cols = schema.columns
        let sources = cols.map { t[$0.source] }
        // Element ranges of this cluster per column; cluster-relative end offsets for index columns.
        var ranges: [Range<Int>] = []
        var ends: [Int: [UInt64]] = [:]
        for (ci, c) in cols.enumerated() {
            guard let src = sources[ci] else { throw RNTupleWriterError.schemaMismatch(ntuple: name, field: c.source, reason: "missing") }
            switch src.layout {
            case .flat: ranges.append(rows)
            case .fixed: ranges.append(rows.lowerBound * c.width ..< rows.upperBound * c.width)
            case .jagged(let o):
                if c.isIndex {
                    let base = o[rows.lowerBound]
                    ends[ci] = rows.map { UInt64(o[$0 + 1] - base) }
                    ranges.append(0..<rows.count)
                } else {
                    ranges.append(o[rows.lowerBound] ..< o[rows.upperBound])
                }
            }
        }
        var jobs: [PageJob] = []
        for (ci, c) in cols.enumerated() {
            let perPage = max(1, options.pageBytes * 8 / c.bits)
            var lo = ranges[ci].lowerBound
            while lo < ranges[ci].upperBound {
                let hi = min(ranges[ci].upperBound, lo + perPage)
                jobs.append(PageJob(column: ci, range: lo..<hi))
                lo = hi
            }
        }
        let compression = file.options.compression
        let checksums = options.pageChecksums
        let pages = try Self.parallelMap(jobs.count, threads: file.options.threads) { k -> [UInt8] in
            let job = jobs[k], c = cols[job.column]
            let raw: [UInt8]
            if let e = ends[job.column] {
                raw = e.withUnsafeBufferPointer { RNTuplePageEncoder.encodeIndex(UnsafeBufferPointer(rebasing: $0[job.range]), c.encoding) }
            } else {
                raw = RNTuplePageEncoder.encode(sources[job.column]!.content, job.range, c.encoding)
            }
            var stored = try ROOTCompressor.compress(raw, settings: compression)
            if checksums {
                let sum = XXH3.hash64(stored)
                for k in 0..<8 { stored.append(UInt8((sum >> (8 * UInt64(k))) & 0xff)) }
            }
            return stored
        }
        // One RBlob per column (split past maxBlobBytes), in column order.
        var columnRanges: [RNTupleEnvelopes.ColumnRange] = []
        var k = 0
        for ci in cols.indices {
            var listed: [RNTupleEnvelopes.Page] = []
            var blob: [UInt8] = [], blobPages: [(elements: Int, start: Int, size: Int)] = []
            func flush() throws {
                guard !blobPages.isEmpty else { return }
                let key = try file.appendKey(className: "RBlob", name: "", title: "", object: blob, objectLength: blob.count)
                let base = key.seekKey + Int64(key.keyLength)
                for p in blobPages {
                    listed.append(RNTupleEnvelopes.Page(elements: p.elements, locator: RNTupleLocator(size: p.size, offset: base + Int64(p.start)),
                                                        checksum: checksums))
                }
                blob.removeAll(keepingCapacity: true); blobPages.removeAll()
            }
            var elements = 0
            while k < jobs.count && jobs[k].column == ci {
                let page = pages[k]
                if !blob.isEmpty && blob.count + page.count > Self.maxBlobBytes { try flush() }
                guard page.count < Self.maxBlobBytes else {
                    throw RNTupleWriterError.objectTooLarge(ntuple: name, what: "page of column \(ci) ('\(cols[ci].source)')", bytes: page.count)
                }
                blobPages.append((jobs[k].range.count, blob.count, page.count - (checksums ? 8 : 0)))
                blob.append(contentsOf: page)
                elements += jobs[k].range.count
                k += 1
            }
            try flush()
            columnRanges.append(RNTupleEnvelopes.ColumnRange(pages: listed, elementOffset: elementsWritten[ci],
                                                             compression: UInt32(compression.code)))
            elementsWritten[ci] += Int64(elements)
        }
        groupClusters.append(RNTupleEnvelopes.Cluster(firstEntry: Int64(entriesWritten), entries: Int64(rows.count), columns: columnRanges))
        entriesWritten += rows.count
        if options.clustersPerGroup > 0 && groupClusters.count >= options.clustersPerGroup { try closeGroup() }
    }

    /// `body(0..<n)` on up to `threads` threads (0 = all cores); results in index order, first error rethrown.
    static func parallelMap<T>(_ n: Int, threads: Int, _ body: (Int) throws -> T) throws -> [T] {
        let workers = min(n, threads > 0 ? threads : ProcessInfo.processInfo.activeProcessorCount)
        if workers <= 1 { return try (0..<n).map(body) }
        var results = [Result<T, Error>?](repeating: nil, count: n)
        let lock = NSLock()
        var next = 0
        results.withUnsafeMutableBufferPointer { res in
            let out = res
            DispatchQueue.concurrentPerform(iterations: workers) { _ in
                while true {
                    lock.lock(); let k = next; next += 1; lock.unlock()
                    if k >= n { break }
                    out[k] = Result { try body(k) }
                }
            }
        }
        return try results.map { try $0!.get() }
    }
}
