import Columnar
import Dispatch
import Foundation
import ROOTCompression

/// Streams EventTable chunks into one TTree: rows are cut into clusters of `basketEntries` entries (one basket per
/// branch per cluster, aligned across branches), baskets of a batch of clusters are compressed in parallel and
/// written in a fixed order, so the file does not depend on the thread count. Only rows short of a full cluster
/// are kept between calls.
public final class ROOTTreeWriter {
    public let name: String
    public let title: String
    let file: ROOTFileWriter
    /// Set when this writer created (and so owns) its file.
    private var ownedFile: ROOTFileWriter?
    private var schema: TreeSchema?
    private var states: [BranchState] = []
    private var pending: EventTable?
    /// Entries per basket (cluster), fixed by the first chunk.
    public private(set) var basketEntries = 0
    /// Entries written to baskets so far.
    public private(set) var entriesWritten = 0
    private var clustersSinceSave = 0

    init(file: ROOTFileWriter, name: String, title: String) {
        self.file = file
        self.name = name
        self.title = title
    }

    /// A writer for a single tree in a new file at `path`; `close()` finishes the file.
    public convenience init(path: String, treeName: String, options: ROOTWriterOptions = ROOTWriterOptions()) throws {
        let f = try ROOTFileWriter(path: path, options: options)
        self.init(file: f, name: treeName, title: options.treeTitle)
        ownedFile = f
        try f.adopt(self)
    }

    /// Branch names in tree order (counters included), available after the first chunk.
    public var branchNames: [String] { schema?.branches.map(\.name) ?? [] }

    /// Appends a chunk of entries; its columns must match the first chunk's (names, dtypes, layouts).
    public func append(_ chunk: EventTable) throws {
        if schema == nil {
            let s = try TreeSchema(tree: name, table: chunk, counterNames: file.options.counterNames)
            schema = s
            states = Array(repeating: BranchState(), count: s.branches.count)
            basketEntries = Self.entriesPerBasket(s, chunk, file.options.basketSize)
        }
        try schema!.check(tree: name, chunk, firstEntry: entriesWritten + (pending?.rowCount ?? 0))
        var start = 0
        var clusters: [(EventTable, Range<Int>)] = []
        if let p = pending, p.rowCount > 0 {
            let take = min(basketEntries - p.rowCount, chunk.rowCount)
            let merged = try EventTable.concatenate([p, chunk.rows(0..<take)])
            start = take
            if merged.rowCount < basketEntries { pending = merged; return }
            clusters.append((merged, 0..<merged.rowCount))
            pending = nil
        }
        while chunk.rowCount - start >= basketEntries {
            clusters.append((chunk, start..<(start + basketEntries)))
            start += basketEntries
        }
        pending = start < chunk.rowCount ? chunk.rows(start..<chunk.rowCount) : nil
        try write(clusters)
    }

    /// Writes the rows short of a full cluster as a last, smaller cluster.
    func flushPending() throws {
        if let p = pending, p.rowCount > 0 { try write([(p, 0..<p.rowCount)]) }
        pending = nil
    }

    /// Finishes the tree; for a writer made with `init(path:treeName:options:)`, also closes the file.
    public func close() throws {
        try flushPending()
        if let f = ownedFile { try f.close(); ownedFile = nil }
    }

    /// For a writer made with `init(path:treeName:options:)`: deletes the temporary file without producing `path`.
    /// (A writer that is neither closed nor abandoned leaves its temporary file, readable up to the last autosave.)
    public func abandon() {
        pending = nil
        ownedFile?.abandon()
        ownedFile = nil
    }

    static func entriesPerBasket(_ s: TreeSchema, _ t: EventTable, _ size: BasketSize) -> Int {
        switch size {
        case .entries(let n): return max(1, n)
        case .bytes(let target):
            var widest = 1.0
            for b in s.branches {
                var perEntry = Double(b.dtype.byteWidth * b.width)
                if b.isJagged, let c = b.column.flatMap({ t[$0] }), t.rowCount > 0 {
                    perEntry = max(Double(b.dtype.byteWidth), Double(c.content.count * b.dtype.byteWidth) / Double(t.rowCount)) + 4
                }
                widest = max(widest, perEntry)
            }
            return max(1, Int(Double(max(1, target)) / widest))
        }
    }

    /// Compresses and writes clusters in batches; each batch is compressed on all threads, written in order.
    private func write(_ clusters: [(EventTable, Range<Int>)]) throws {
        guard let schema, !clusters.isEmpty else { return }
        let threads = file.options.threads > 0 ? file.options.threads : ProcessInfo.processInfo.activeProcessorCount
        let batchSize = max(4, 4 * threads)
        var i = 0
        while i < clusters.count {
            // A batch ends at the next autosave point, so autosaves land exactly every N clusters.
            let every = file.options.autosaveEveryClusters
            let size = every > 0 ? min(batchSize, max(1, every - clustersSinceSave)) : batchSize
            let batch = Array(clusters[i..<min(clusters.count, i + size)])
            try writeBatch(batch, schema: schema, threads: threads)
            i += batch.count
        }
    }

    private func writeBatch(_ batch: [(EventTable, Range<Int>)], schema: TreeSchema, threads: Int) throws {
        let branches = schema.branches
        // Upper bound of the bytes this batch can add (compression never expands beyond raw + block headers).
        var bound: Int64 = 0
        for (t, r) in batch {
            for b in branches {
                var items = r.count * b.width
                if b.isJagged, case .jagged(let o)? = t[b.column!]?.layout { items = o[r.upperBound] - o[r.lowerBound] + 2 * r.count }
                bound += Int64(items * b.dtype.byteWidth + 8 * r.count + 512)
            }
        }
        let large = file.reserveSeekWidth(upperBound: bound)
        let keyLengths = branches.map { KeyHeader.length(className: "TBasket", name: $0.name, title: name, large: large, extraBytes: 19) }
        let tasks = batch.count * branches.count
        var results = [Result<EncodedBasket, Error>?](repeating: nil, count: tasks)
        let compression = file.options.compression
        let blockSize = file.options.compressionBlockSize
        let treeName = name
        results.withUnsafeMutableBufferPointer { resultBuffer in
            let res = resultBuffer
            let run = { (k: Int) in
                let (t, r) = batch[k / branches.count]
                let bi = k % branches.count
                res[k] = Result {
                    let e = try BasketEncoder.encode(branches[bi], schema: schema, table: t, rows: r, keyLength: keyLengths[bi],
                                                     compression: compression, blockSize: blockSize)
                    guard e.objectLength < 1 << 30 else {
                        throw ROOTWriterError.objectTooLarge(tree: treeName, branch: branches[bi].name, bytes: e.objectLength)
                    }
                    return e
                }
            }
            if threads <= 1 || tasks < 2 {
                for k in 0..<tasks { run(k) }
            } else {
                let next = NSLock()
                var counter = 0
                DispatchQueue.concurrentPerform(iterations: min(threads, tasks)) { _ in
                    while true {
                        next.lock(); let k = counter; counter += 1; next.unlock()
                        if k >= tasks { break }
                        run(k)
                    }
                }
            }
        }
        for (c, (_, r)) in batch.enumerated() {
            for (bi, b) in branches.enumerated() {
                let e = try results[c * branches.count + bi]!.get()
                var extra = ROOTBuffer(capacity: 19)
                extra.i16(3)                                        // TBasket class version
                extra.i32(Int32(keyLengths[bi] + e.objectLength))   // fBufferSize
                extra.i32(Int32(e.nevBufSize))
                extra.i32(Int32(e.entryCount))                      // fNevBuf
                extra.i32(Int32(keyLengths[bi] + e.dataLength))     // fLast
                extra.u8(0)                                         // flag: header only, buffer follows the key
                let key = try file.appendKey(className: "TBasket", name: b.name, title: name, object: e.compressed,
                                             objectLength: e.objectLength, extra: extra.bytes, large: large)
                states[bi].basketBytes.append(key.totalBytes)
                states[bi].basketEntry.append(Int64(entriesWritten))
                states[bi].basketSeek.append(key.seekKey)
                states[bi].totalBytes += Int64(key.keyLength + e.objectLength)
                states[bi].zipBytes += Int64(key.totalBytes)
                states[bi].maxValue = max(states[bi].maxValue, e.maxValue)
                _ = r
            }
            entriesWritten += r.count
            clustersSinceSave += 1
        }
        let every = file.options.autosaveEveryClusters
        if every > 0 && clustersSinceSave >= every {
            clustersSinceSave = 0
            try file.saveMetadata()
        }
    }

    /// The TTree as it stands (written baskets only).
    func treeInfo() -> TreeSerializer.TreeInfo {
        TreeSerializer.TreeInfo(name: name, title: title, entries: Int64(entriesWritten), autoFlush: Int64(max(1, basketEntries)),
                                compression: Int32(file.options.compression.code), branches: schema?.branches ?? [],
                                states: states)
    }
}
