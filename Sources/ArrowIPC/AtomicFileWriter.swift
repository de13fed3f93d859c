#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a file atomically: bytes go to a hidden temporary file in the destination's directory, which is
/// flushed, fsync'ed and renamed onto the destination by `commit()`. If the writer is dropped or `abort()`ed
/// before `commit()`, the temporary file is removed, so an interrupted write leaves nothing behind and never
/// clobbers an existing file with a half-written one.
public final class AtomicFileWriter {
    /// The final destination.
    public let path: String
    /// The temporary file being written.
    public let temporaryPath: String
    /// Bytes written so far.
    public private(set) var bytesWritten: Int = 0

    private var file: UnsafeMutablePointer<FILE>?
    private var finished = false

    /// Creates the temporary file next to `path`.
    public init(path: String) throws {
        self.path = path
        let slash = path.lastIndex(of: "/")
        let dir = slash.map { String(path[...$0]) } ?? ""
        let base = slash.map { String(path[path.index(after: $0)...]) } ?? path
        guard !base.isEmpty else { throw ArrowError.io(path: path, operation: "create", reason: "path names a directory") }
        let tag = String(UInt64.random(in: 0...UInt64.max), radix: 36)
        temporaryPath = "\(dir).\(base).tmp-\(getpid())-\(tag)"
        guard let f = fopen(temporaryPath, "wbx") else {
            throw ArrowError.io(path: temporaryPath, operation: "create", reason: AtomicFileWriter.errnoText())
        }
        file = f
    }

    deinit { abort() }

    static func errnoText() -> String { String(cString: strerror(errno)) }

    /// Appends raw bytes.
    public func write(_ raw: UnsafeRawBufferPointer) throws {
        guard let f = file, !finished else {
            throw ArrowError.io(path: path, operation: "write", reason: "writer already committed or aborted")
        }
        guard raw.count > 0, let base = raw.baseAddress else { return }
        let n = fwrite(base, 1, raw.count, f)
        bytesWritten += n
        guard n == raw.count else {
            throw ArrowError.io(path: temporaryPath, operation: "write", reason: "\(AtomicFileWriter.errnoText()) after \(bytesWritten) bytes")
        }
    }

    /// Appends an array of bytes.
    public func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }

    /// Appends `count` zero bytes.
    public func writeZeros(_ count: Int) throws {
        guard count > 0 else { return }
        try write([UInt8](repeating: 0, count: count))
    }

    /// Flushes, syncs and renames the temporary file onto `path`.
    public func commit() throws {
        guard let f = file, !finished else {
            throw ArrowError.io(path: path, operation: "commit", reason: "writer already committed or aborted")
        }
        if fflush(f) != 0 || fsync(fileno(f)) != 0 {
            let reason = AtomicFileWriter.errnoText()
            abort()
            throw ArrowError.io(path: temporaryPath, operation: "flush", reason: reason)
        }
        fclose(f)
        file = nil
        if rename(temporaryPath, path) != 0 {
            let reason = AtomicFileWriter.errnoText()
            unlink(temporaryPath)
            finished = true
            throw ArrowError.io(path: path, operation: "rename temporary file onto", reason: reason)
        }
        finished = true
    }

    /// Closes and deletes the temporary file; the destination is untouched. Safe to call more than once.
    public func abort() {
        if let f = file { fclose(f); file = nil }
        if !finished { unlink(temporaryPath); finished = true }
    }

    /// Runs `body` with a writer for `path` and commits; on any error the temporary file is removed.
    public static func write(to path: String, _ body: (AtomicFileWriter) throws -> Void) throws {
        let w = try AtomicFileWriter(path: path)
        do {
            try body(w)
            try w.commit()
        } catch {
            w.abort()
            throw error
        }
    }
}
