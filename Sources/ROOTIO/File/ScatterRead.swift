#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension FileSource {
    /// Reads `head.count + body.count` consecutive bytes at `offset` with one preadv: the first into
    /// `head`, the rest into `body` (so a basket's payload can land straight in its column).
    func readInto(head: UnsafeMutableRawBufferPointer, body: UnsafeMutableRawBufferPointer, at offset: Int64,
                  what: @autoclosure () -> String) throws {
        let total = head.count + body.count
        guard offset >= 0, offset <= size, Int64(total) <= size - offset else {
            throw ROOTError(.truncated, "\(what()): \(total) bytes at \(offset) run past the end of the file (\(size) bytes)",
                            file: path, offset: offset)
        }
        var done = 0
        while done < total {
            // After a short read, continue with plain preads of whatever is left in each part.
            if done > 0 {
                if done < head.count {
                    try readInto(UnsafeMutableRawBufferPointer(rebasing: head[done...]), at: offset + Int64(done), what: what())
                    done = head.count
                }
                if done < total {
                    try readInto(UnsafeMutableRawBufferPointer(rebasing: body[(done - head.count)...]), at: offset + Int64(done), what: what())
                }
                return
            }
            var parts = [iovec(iov_base: head.baseAddress, iov_len: head.count), iovec(iov_base: body.baseAddress, iov_len: body.count)]
            let n = preadv(fd, &parts, 2, off_t(offset))
            if n < 0 {
                if errno == EINTR { continue }
                throw ROOTError(.io, "read failed: \(String(cString: strerror(errno)))", file: path, offset: offset)
            }
            if n == 0 { throw ROOTError(.truncated, "\(what()): unexpected end of file", file: path, offset: offset) }
            done = n
        }
    }
}
