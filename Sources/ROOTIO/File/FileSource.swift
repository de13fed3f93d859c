#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Random-access reads from a file with pread: safe to share between threads.
public final class FileSource: @unchecked Sendable {
    public let path: String
    public let size: Int64
    let fd: Int32   // internal: ScatterRead.swift reads with preadv

    public init(path: String) throws {
        self.path = path
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            throw ROOTError(.io, "cannot open: \(String(cString: strerror(errno)))", file: path)
        }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            close(fd)
            throw ROOTError(.io, "cannot stat", file: path)
        }
        guard (st.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            throw ROOTError(.io, "not a regular file", file: path)
        }
        self.fd = fd
        self.size = Int64(st.st_size)
    }

    deinit { close(fd) }

    /// Reads exactly `count` bytes at `offset`; a range outside the file is a `truncated` error.
    public func read(at offset: Int64, count: Int, what: @autoclosure () -> String) throws -> [UInt8] {
        guard offset >= 0, count >= 0, offset <= size, Int64(count) <= size - offset else {
            throw ROOTError(.truncated, "\(what()): \(count) bytes at \(offset) run past the end of the file (\(size) bytes)",
                            file: path, offset: offset)
        }
        var out = [UInt8](repeating: 0, count: count)
        try out.withUnsafeMutableBytes { try readInto($0, at: offset, what: what()) }
        return out
    }

    /// Reads exactly `buffer.count` bytes at `offset` into `buffer`.
    public func readInto(_ buffer: UnsafeMutableRawBufferPointer, at offset: Int64, what: @autoclosure () -> String) throws {
        guard offset >= 0, offset <= size, Int64(buffer.count) <= size - offset else {
            throw ROOTError(.truncated, "\(what()): \(buffer.count) bytes at \(offset) run past the end of the file (\(size) bytes)",
                            file: path, offset: offset)
        }
        var done = 0
        while done < buffer.count {
            let n = pread(fd, buffer.baseAddress! + done, buffer.count - done, off_t(offset) + off_t(done))
            if n < 0 {
                if errno == EINTR { continue }
                throw ROOTError(.io, "read failed: \(String(cString: strerror(errno)))", file: path, offset: offset)
            }
            if n == 0 { throw ROOTError(.truncated, "\(what()): unexpected end of file", file: path, offset: offset + Int64(done)) }
            done += n
        }
    }
}
