#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An append-only output file with a write buffer; only the header and directory record are patched in place.
/// Writes go to a temporary file beside the target, renamed over it by `commit()`.
final class OutputFile {
    let path: String
    let temporaryPath: String
    private var fd: Int32
    private var buffer: [UInt8] = []
    /// Logical end of the file (bytes written + buffered).
    private(set) var end: Int64 = 0
    private static let flushThreshold = 8 << 20

    init(path: String) throws {
        self.path = path
        let slash = path.lastIndex(of: "/")
        let dir = slash.map { String(path[..<$0]) } ?? "."
        let base = slash.map { String(path[path.index(after: $0)...]) } ?? path
        temporaryPath = (dir.isEmpty ? "" : dir + "/") + "." + base + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        fd = open(temporaryPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw ROOTWriterError.io(path: temporaryPath, reason: "cannot create: \(String(cString: strerror(errno)))") }
        buffer.reserveCapacity(Self.flushThreshold + (1 << 20))
    }

    func append(_ bytes: [UInt8]) throws {
        buffer.append(contentsOf: bytes)
        end += Int64(bytes.count)
        if buffer.count >= Self.flushThreshold { try flush() }
    }

    func flush() throws {
        var done = 0
        while done < buffer.count {
            let n = buffer.withUnsafeBytes { write(fd, $0.baseAddress! + done, $0.count - done) }
            guard n > 0 else { throw ROOTWriterError.io(path: temporaryPath, reason: "write failed: \(String(cString: strerror(errno)))") }
            done += n
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Overwrites already written bytes at `offset` (header and directory record only).
    func patch(_ bytes: [UInt8], at offset: Int64) throws {
        try flush()
        let n = bytes.withUnsafeBytes { pwrite(fd, $0.baseAddress!, $0.count, off_t(offset)) }
        guard n == bytes.count else { throw ROOTWriterError.io(path: temporaryPath, reason: "patch at \(offset) failed") }
    }

    /// Flushes, closes and renames the temporary file onto `path`.
    func commit() throws {
        try flush()
        guard close(fd) == 0 else { throw ROOTWriterError.io(path: temporaryPath, reason: "close failed") }
        fd = -1
        guard rename(temporaryPath, path) == 0 else {
            throw ROOTWriterError.io(path: path, reason: "rename from \(temporaryPath) failed: \(String(cString: strerror(errno)))")
        }
    }

    /// Abandons the output: closes and deletes the temporary file.
    func discard() {
        if fd >= 0 { close(fd); fd = -1 }
        unlink(temporaryPath)
    }

    deinit { if fd >= 0 { close(fd) } }
}
