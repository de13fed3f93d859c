import Dispatch
import Foundation

/// Hands out job numbers 0, 1, 2, ... to worker threads (dynamic scheduling: fast workers take more).
final class JobCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var next = 0
    private let limit: Int

    init(_ limit: Int) { self.limit = limit }

    func take() -> Int? {
        lock.lock(); defer { lock.unlock() }
        guard next < limit else { return nil }
        next += 1
        return next - 1
    }

    /// Runs jobs `0..<count` on up to `threads` workers (0: one per core), each taking the next job when it finishes
    /// one; `workerState` is made once per worker (its scratch buffers). Returns each job's error, nil for those that
    /// succeeded. With one worker everything runs on the calling thread.
    static func run<State>(_ count: Int, threads: Int, workerState: () -> State,
                           _ body: (Int, State) throws -> Void) -> [Error?] {
        var failures = [Error?](repeating: nil, count: count)
        guard count > 0 else { return failures }
        let workers = max(1, min(threads > 0 ? threads : ProcessInfo.processInfo.activeProcessorCount, count))
        withoutActuallyEscaping(workerState) { workerState in
            withoutActuallyEscaping(body) { body in
                failures.withUnsafeMutableBufferPointer { buffer in
                    let out = buffer
                    let counter = JobCounter(count)
                    let work = { (_: Int) in
                        let state = workerState()
                        while let j = counter.take() {
                            do { try body(j, state) } catch { out[j] = error }
                        }
                    }
                    if workers == 1 { work(0) } else { DispatchQueue.concurrentPerform(iterations: workers, execute: work) }
                }
            }
        }
        return failures
    }
}
