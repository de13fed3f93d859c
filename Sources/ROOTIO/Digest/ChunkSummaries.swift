import Columnar
import Dispatch
import Foundation

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
        self.threads = threads > 0 ? threads : ProcessInfo.processInfo.activeProcessorCount
    }

    /// Adds the next chunk: `columns[i]` is the chunk of the column at `paths[i]`.
    func add(_ columns: [Column], paths: [String]) {
        var batch = paths.map { summaries.removeValue(forKey: $0)! }
        let workers = max(1, min(threads, batch.count))
        batch.withUnsafeMutableBufferPointer { buffer in
            let out = buffer
            let counter = JobCounter(out.count)
            let work = { (_: Int) in
                while let i = counter.take() { out[i].add(columns[i]) }
            }
            if workers == 1 { work(0) } else { DispatchQueue.concurrentPerform(iterations: workers, execute: work) }
        }
        for (path, s) in zip(paths, batch) { summaries[path] = s }
    }

    /// The records.
    func finish() -> [String: BranchSummary] { summaries }
}
