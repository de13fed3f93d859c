#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Leaves no half-written output behind when the process is interrupted (SIGINT, SIGTERM, SIGHUP).
///
/// Our writers (`AtomicFileWriter`, the ROOT writer's output file) write to a hidden temporary
/// `.<name>.tmp-<pid>-<tag>` beside the destination and rename it at the end. Dropping the writer
/// removes it, but a signal's default action kills the process without unwinding. `protect(_:)`
/// installs handlers that only write the signal number to a pipe (async-signal-safe); a dedicated
/// thread then deletes this process's temporary files of every protected destination and re-raises
/// the signal with its default action, so the exit status still says "killed by SIGTERM".
/// A destination that was already renamed into place is complete and is kept.
public enum InterruptCleanup {
    /// The signals handled.
    public static let signals: [Int32] = [SIGINT, SIGTERM, SIGHUP]

    /// Removes this process's temporaries of `outputPath` if the process is interrupted.
    public static func protect(_ outputPath: String) {
        state.lock()
        state.paths.append(outputPath)
        let first = !state.installed
        state.installed = true
        state.unlock()
        if first { install() }
    }

    /// Stops protecting `outputPath` (e.g. after it was committed).
    public static func release(_ outputPath: String) {
        state.lock()
        if let i = state.paths.firstIndex(of: outputPath) { state.paths.remove(at: i) }
        state.unlock()
    }

    /// Deletes the temporary files `.<name>.tmp-<pid>-*` of `outputPath` written by process `pid`;
    /// returns how many were removed.
    @discardableResult
    public static func removeTemporaries(of outputPath: String, pid: Int32 = getpid()) -> Int {
        let slash = outputPath.lastIndex(of: "/")
        let dir = slash.map { String(outputPath[...$0]) } ?? "./"
        let base = slash.map { String(outputPath[outputPath.index(after: $0)...]) } ?? outputPath
        guard !base.isEmpty, let d = opendir(dir) else { return 0 }
        defer { closedir(d) }
        let prefix = ".\(base).tmp-\(pid)-"
        var removed = 0
        while let entry = readdir(d) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name.hasPrefix(prefix), unlink(dir + name) == 0 { removed += 1 }
        }
        return removed
    }

    // MARK: - machinery

    private final class State {
        var mutex = pthread_mutex_t()
        var paths: [String] = []
        var installed = false
        init() { pthread_mutex_init(&mutex, nil) }
        func lock() { pthread_mutex_lock(&mutex) }
        func unlock() { pthread_mutex_unlock(&mutex) }
    }

    private static let state = State()

    private static func install() {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { return }
        interruptPipeWriteEnd = fds[1]
        interruptPipeReadEnd = fds[0]
        var thread = pthread_t()
        let started = pthread_create(&thread, nil, { _ in
            InterruptCleanup.waitForSignal()
            return nil
        }, nil)
        guard started == 0 else { return }
        pthread_detach(thread)
        for s in signals {
            signal(s) { sig in
                var byte = UInt8(truncatingIfNeeded: sig)
                _ = write(interruptPipeWriteEnd, &byte, 1)
            }
        }
    }

    private static func waitForSignal() {
        var byte: UInt8 = 0
        while read(interruptPipeReadEnd, &byte, 1) != 1 {
            if errno != EINTR { return }
        }
        state.lock()
        let paths = state.paths
        state.unlock()
        for p in paths { removeTemporaries(of: p) }
        let sig = Int32(byte)
        signal(sig, SIG_DFL)
        raise(sig)
        _exit(128 + sig)
    }
}

/// Written to by the signal handler (a C function: it may only touch globals).
private nonisolated(unsafe) var interruptPipeWriteEnd: Int32 = -1
private nonisolated(unsafe) var interruptPipeReadEnd: Int32 = -1
