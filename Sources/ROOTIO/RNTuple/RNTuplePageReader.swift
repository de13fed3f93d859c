import Columnar
import ROOTCompression
import Dispatch
import Foundation

/// One page (or the part of it that falls into the requested entries) to decode into an output buffer.
struct RNTuplePageJob {
    var column: Int
    var cluster: Int
    var page: RNTuplePage
    /// Elements of the page to skip, then to decode.
    var skip: Int
    var take: Int
    var output: Int
    /// Element position in the output buffer.
    var outputOffset: Int
    /// Field path, for errors.
    var field: String
}

/// An output array of a read: its type and length, the element ranges jobs will write, and (while the
/// jobs run) its memory, which belongs to a Swift array allocated without initialisation.
final class RNTupleOutputBuffer {
    let dtype: DType
    let count: Int
    /// Valid only inside `RNTupleOutputBuffer.fill`.
    var memory = UnsafeMutableRawPointer(bitPattern: 16)!
    /// Element ranges written by jobs, in planning order (gaps are zero-filled before the jobs run).
    var covered: [Range<Int>] = []

    init(dtype: DType, count: Int) {
        self.dtype = dtype
        self.count = count
    }

    /// Zeroes every element no job writes (deferred columns read as zero).
    func zeroGaps() {
        let w = dtype.byteWidth
        var next = 0
        for r in covered.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if r.lowerBound > next { memset(memory + next * w, 0, (r.lowerBound - next) * w) }
            next = Swift.max(next, r.upperBound)
        }
        if next < count { memset(memory + next * w, 0, (count - next) * w) }
    }

    /// Allocates the arrays of `outputs` without initialising them, zero-fills what no job covers, runs the
    /// jobs writing them (`run`) and returns the arrays, in `outputs` order. Outputs are handled in groups of
    /// 128 (each group's jobs run together), which bounds the allocation helper's recursion depth.
    static func fill(_ outputs: [RNTupleOutputBuffer], jobs: [RNTuplePageJob],
                     run: ([RNTuplePageJob]) throws -> Void) throws -> [NumericArray] {
        var arrays: [NumericArray] = []
        arrays.reserveCapacity(outputs.count)
        var start = 0
        while start < outputs.count {
            let group = start ..< Swift.min(outputs.count, start + 128)
            let mine = jobs.filter { group.contains($0.output) }
            arrays += try BulkBytes.withUninitializedArrays(outputs[group].map { ($0.dtype, $0.count) }) { buffers in
                for (o, b) in zip(outputs[group], buffers) {
                    if let base = b.baseAddress { o.memory = base }
                    o.zeroGaps()
                }
                try run(mine)
            }
            start = group.upperBound
        }
        return arrays
    }
}

/// Runs page jobs: reads each page with one pread into a per-thread buffer, verifies its checksum,
/// decompresses it, decodes it and writes the requested elements into the output buffer.
struct RNTuplePageReader {
    let file: ROOTFile
    let name: String
    let decoders: [RNTuplePageDecoder?]
    let maxKeySize: UInt64
    let threads: Int

    final class Scratch {
        var raw: [UInt8] = []
        var page: [UInt8] = []
        var decoded: [UInt8] = []
    }

    func run(_ jobs: [RNTuplePageJob], outputs: [RNTupleOutputBuffer]) throws {
        let failures = JobCounter.run(jobs.count, threads: threads, workerState: { Scratch() }) { j, scratch in
            try execute(jobs[j], outputs[jobs[j].output], scratch)
        }
        if let e = failures.first(where: { $0 != nil }) { throw e! }
    }

    private func fail(_ job: RNTuplePageJob, _ kind: ROOTError.Kind, _ message: String, offset: Int64) -> ROOTError {
        ROOTError(kind, "cluster \(job.cluster), column \(job.column): \(message)", file: file.path,
                  object: "RNTuple \(name) field \(job.field)", offset: offset)
    }

    func execute(_ job: RNTuplePageJob, _ output: RNTupleOutputBuffer, _ s: Scratch) throws {
        guard let decoder = decoders[job.column] else {
            throw fail(job, .unsupported, "column type cannot be decoded", offset: Int64(clamping: job.page.locator.offset))
        }
        let loc = job.page.locator
        let at = Int64(clamping: loc.offset)
        let n = job.page.elementCount
        guard let unzipped = decoder.pageBytes(n), unzipped <= file.limits.maxObjectBytes else {
            throw fail(job, .limit, "page of \(n) elements is over the limit of \(file.limits.maxObjectBytes) bytes", offset: at)
        }
        guard loc.size <= unzipped || (n == 0 && loc.size == 0) else {
            throw fail(job, .malformed, "page of \(n) \(decoder.type.name) elements (\(unzipped) bytes) is stored in \(loc.size) bytes", offset: at)
        }
        if maxKeySize > 0, UInt64(loc.size) > maxKeySize {
            throw fail(job, .unsupported, "page of \(loc.size) bytes is split over several keys, which is not supported", offset: at)
        }
        if n == 0 || job.take == 0 { return }
        let stored = loc.size + (job.page.hasChecksum ? 8 : 0)
        guard loc.offset <= UInt64(file.source.size), UInt64(stored) <= UInt64(file.source.size) - loc.offset else {
            throw fail(job, .truncated, "page of \(stored) bytes at \(loc.offset) runs past the end of the file (\(file.source.size) bytes)", offset: at)
        }
        if s.raw.count < stored { s.raw = [UInt8](repeating: 0, count: stored) }
        try s.raw.withUnsafeMutableBytes { try file.source.readInto(UnsafeMutableRawBufferPointer(rebasing: $0[0..<stored]), at: at, what: "page") }
        if job.page.hasChecksum {
            var want: UInt64 = 0
            for i in 0..<8 { want |= UInt64(s.raw[loc.size + i]) << (8 * i) }
            let got = XXH3.hash64(s.raw, 0..<loc.size)
            guard want == got else {
                throw fail(job, .malformed, "page checksum mismatch (stored 0x\(String(want, radix: 16)), computed 0x\(String(got, radix: 16)))", offset: at)
            }
        }
        let outWidth = output.dtype.byteWidth
        let decodedWidth = decoder.decodedType.byteWidth
        let direct = job.skip == 0 && job.take == n && decoder.decodedType == output.dtype
        let need = n * decodedWidth
        if !direct && s.decoded.count < need { s.decoded = [UInt8](repeating: 0, count: need) }
        let isCompressed = loc.size != unzipped
        if direct && isCompressed && decoder.isPlain {
            // Plain values: decompress straight into the output array.
            do {
                try s.raw.withUnsafeBytes { raw in
                    try ROOTDecompressor.decompress(UnsafeRawBufferPointer(rebasing: raw[0..<loc.size]),
                                                    into: UnsafeMutableRawBufferPointer(start: output.memory + job.outputOffset * outWidth,
                                                                                        count: unzipped))
                }
            } catch {
                throw fail(job, .decompression, "\(error)", offset: at)
            }
            return
        }
        if isCompressed && s.page.count < unzipped { s.page = [UInt8](repeating: 0, count: unzipped) }
        do {
            if isCompressed {
                try s.raw.withUnsafeBytes { raw in
                    try s.page.withUnsafeMutableBytes { page in
                        try ROOTDecompressor.decompress(UnsafeRawBufferPointer(rebasing: raw[0..<loc.size]),
                                                        into: UnsafeMutableRawBufferPointer(rebasing: page[0..<unzipped]))
                    }
                }
            }
        } catch {
            throw fail(job, .decompression, "\(error)", offset: at)
        }
        func decode(_ source: UnsafeRawPointer) {
            if direct {
                decoder.decode(source, count: n, into: output.memory + job.outputOffset * outWidth)
            } else {
                s.decoded.withUnsafeMutableBytes { d in
                    decoder.decode(source, count: n, into: d.baseAddress!)
                    RNTupleValueConversion.convert(UnsafeRawPointer(d.baseAddress! + job.skip * decodedWidth), from: decoder.decodedType,
                                                   into: output.memory + job.outputOffset * outWidth, as: output.dtype, count: job.take)
                }
            }
        }
        if isCompressed {
            s.page.withUnsafeBytes { decode($0.baseAddress!) }
        } else {
            s.raw.withUnsafeBytes { decode($0.baseAddress!) }
        }
    }
}
