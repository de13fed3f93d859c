import Columnar

/// The `BranchSummary` records of a digest, fed chunk by chunk. A chunk's columns are folded in parallel,
/// one column per job on the digest's threads (folding them one after another took a third of the wall time
/// of a two-thread digest). Every record still sees its own column's chunks one at a time, in entry order,
/// so the records are the same bit for bit whatever the threads.
final class ChunkSummaries {
    private var summaries: [String: BranchSummary]
    private let threads: Int

    /// One empty record per path; `threads`: the digest's decoding threads (0: one per core).
    init(_ dtypes: [(path: String, dtype: DType)], threads: Int) {
        summaries = Dictionary(dtypes.map { ($0.path, BranchSummary(dtype: $0.dtype)) }, uniquingKeysWith: { a, _ in a })
        self.threads = threads
    }

    /// Adds the next chunk: `columns[i]` is the chunk of the column at `paths[i]`. One job per distinct path
    /// (a damaged file can name two branches alike: their chunks then go to one record, one after the other).
    func add(_ columns: [Column], paths: [String]) {
        var jobs: [(path: String, columns: [Int])] = []
        var job: [String: Int] = [:]
        for (i, path) in paths.enumerated() where summaries[path] != nil || job[path] != nil {
            if let j = job[path] { jobs[j].columns.append(i); continue }
            job[path] = jobs.count
            jobs.append((path, [i]))
        }
        var batch = jobs.compactMap { summaries.removeValue(forKey: $0.path) }
        batch.withUnsafeMutableBufferPointer { buffer in
            let out = buffer
            _ = JobCounter.run(out.count, threads: threads, workerState: {}) { j, _ in
                for i in jobs[j].columns { out[j].add(columns[i]) }
            }
        }
        for (j, s) in zip(jobs, batch) { summaries[j.path] = s }
    }

    /// The records.
    func finish() -> [String: BranchSummary] { summaries }
}
