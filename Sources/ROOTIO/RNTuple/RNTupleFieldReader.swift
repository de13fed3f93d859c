import Columnar

/// Reads selected fields of an RNTuple over an entry range into columns.
///
/// Round 1: flat and fixed fields, and the index columns of the collections that jagged and cardinality
/// fields need (from one entry before the range, to know where the first entry's items start).
/// Round 2: the item columns of jagged fields, now that each cluster's item span is known.
struct RNTupleFieldReader {
    let tuple: RNTuple
    let entries: Range<Int>
    let threads: Int

    /// Output elements a read may allocate for one field (2^34: far beyond any real chunk, far below a
    /// hostile offset's claim).
    static let maxElements = 1 << 34


    func read(_ selected: [RNTupleFieldInfo]) throws -> [Column] {
        var plan = RNTupleReadPlan(tuple: tuple, entries: entries)
        var outputs: [RNTupleOutputBuffer] = []
        let reader = RNTuplePageReader(file: tuple.file, name: tuple.name, decoders: tuple.decoders,
                                       maxKeySize: tuple.anchor.maxKeySize, threads: threads)
        var results = [Column?](repeating: nil, count: selected.count)

        // Round 1: flat / fixed fields.
        var direct: [(field: Int, output: Int)] = []
        for (i, f) in selected.enumerated() where f.kind == .flat || f.kind == .fixed {
            if f.isCardinality { continue }
            let (w, overflowW) = f.shape.reduce((1, false)) { acc, n in
                let r = acc.0.multipliedReportingOverflow(by: n)
                return (r.partialValue, acc.1 || r.overflow)
            }
            let (count, overflowC) = entries.count.multipliedReportingOverflow(by: w)
            guard !overflowW, !overflowC, count <= Self.maxElements else { throw tooLarge(f, overflowW || overflowC ? Int.max : count) }
            let buffer = RNTupleOutputBuffer(dtype: f.dtype!, count: count)
            outputs.append(buffer)
            direct.append((i, outputs.count - 1))
            for ci in plan.clusterIndices(overlapping: entries) {
                let c = plan.clusters[ci]
                let lo = Swift.max(entries.lowerBound, c.firstEntry), hi = Swift.min(entries.upperBound, c.firstEntry + c.entryCount)
                try plan.plan(field: f, reps: tuple.representations[f.valueField], cluster: c, elements: lo * w ..< hi * w,
                              relative: false, output: outputs.count - 1, buffer: buffer, outputOffset: (lo - entries.lowerBound) * w)
            }
        }
        // Round 1: index columns of the collections needed.
        let first = entries.lowerBound > 0 ? entries.lowerBound - 1 : 0
        var indexOutputs: [Int: Int] = [:]
        for f in selected {
            guard let coll = f.collectionField, indexOutputs[coll] == nil, !entries.isEmpty else { continue }
            let buffer = RNTupleOutputBuffer(dtype: .int64, count: entries.upperBound - first)
            outputs.append(buffer)
            indexOutputs[coll] = outputs.count - 1
            let needed = first ..< entries.upperBound
            for ci in plan.clusterIndices(overlapping: needed) {
                let c = plan.clusters[ci]
                let lo = Swift.max(first, c.firstEntry), hi = Swift.min(entries.upperBound, c.firstEntry + c.entryCount)
                try plan.plan(field: f, reps: tuple.representations[coll], cluster: c, elements: lo ..< hi, relative: false,
                              output: outputs.count - 1, buffer: buffer, outputOffset: lo - first)
            }
        }
        try checkTotal(outputs + (indexOutputs.isEmpty ? [] : [RNTupleOutputBuffer(dtype: .int64, count: entries.count + 1)]))
        let jobs1 = plan.jobs
        let arrays1 = try RNTupleOutputBuffer.fill(outputs, jobs: jobs1) { try reader.run($0, outputs: outputs) }
        for (i, o) in direct {
            let f = selected[i]
            results[i] = Column(arrays1[o], layout: f.kind == .fixed ? .fixed(shape: f.shape) : .flat)
        }

        // Collection layouts.
        var layouts: [Int: RNTupleReadPlan.CollectionLayout] = [:]
        for (coll, o) in indexOutputs {
            let f = selected.first { $0.collectionField == coll }!
            guard case .int64(let values) = arrays1[o] else { continue }
            layouts[coll] = try plan.layout(index: values, first: first, field: f)
        }

        // Round 2: items of jagged fields; cardinalities from the layouts.
        var round2 = RNTupleReadPlan(tuple: tuple, entries: entries)
        var outputs2: [RNTupleOutputBuffer] = []
        var jagged: [(field: Int, output: Int)] = []
        for (i, f) in selected.enumerated() {
            if f.isCardinality {
                let offsets = layouts[f.collectionField!]?.offsets ?? [Int](repeating: 0, count: entries.count + 1)
                var counts = [Int64](repeating: 0, count: entries.count)
                for e in 0..<entries.count { counts[e] = Int64(offsets[e + 1] - offsets[e]) }
                results[i] = Column(.int64(counts))
                continue
            }
            guard f.kind == .jagged, let coll = f.collectionField else { continue }
            let layout = layouts[coll] ?? RNTupleReadPlan.CollectionLayout(offsets: [0], spans: [])
            let total = layout.offsets.last ?? 0
            guard total <= Self.maxElements else { throw tooLarge(f, total) }
            let buffer = RNTupleOutputBuffer(dtype: f.dtype!, count: total)
            outputs2.append(buffer)
            jagged.append((i, outputs2.count - 1))
            for span in layout.spans {
                try round2.plan(field: f, reps: tuple.representations[f.valueField], cluster: round2.clusters[span.cluster],
                                elements: span.items, relative: true, output: outputs2.count - 1, buffer: buffer,
                                outputOffset: span.outputStart)
            }
        }
        try checkTotal(outputs2)
        let jobs2 = round2.jobs
        let arrays2 = try RNTupleOutputBuffer.fill(outputs2, jobs: jobs2) { try reader.run($0, outputs: outputs2) }
        for (i, o) in jagged {
            let offsets = layouts[selected[i].collectionField!]?.offsets ?? [0]
            results[i] = Column(jagged: arrays2[o], offsets: entries.isEmpty ? [0] : offsets)
        }
        return try results.enumerated().map { i, c in
            guard let c else { throw ROOTError(.unsupported, "field '\(selected[i].path)' is not read as numbers", file: tuple.file.path) }
            return c
        }
    }

    /// Every output array within `ReadLimits.maxObjectBytes`, all of them within 16 times that, before allocating.
    private func checkTotal(_ outputs: [RNTupleOutputBuffer]) throws {
        let limit = tuple.file.limits.maxObjectBytes
        var total = 0
        for o in outputs {
            let bytes = o.count * o.dtype.byteWidth
            guard bytes <= limit else {
                throw ROOTError(.limit, "reading entries \(entries) needs a column of \(bytes) bytes, over the limit of \(limit); read in chunks",
                                file: tuple.file.path, object: "RNTuple \(tuple.name)")
            }
            total += bytes
        }
        guard total <= 16 * limit else {
            throw ROOTError(.limit, "reading entries \(entries) needs \(total) bytes of columns, over the limit of \(16 * limit); read in chunks",
                            file: tuple.file.path, object: "RNTuple \(tuple.name)")
        }
    }

    private func tooLarge(_ f: RNTupleFieldInfo, _ n: Int) -> ROOTError {
        ROOTError(.limit, "reading \(n) elements of field '\(f.path)' for entries \(entries) exceeds the limit of \(Self.maxElements)",
                  file: tuple.file.path, object: "RNTuple \(tuple.name)")
    }
}
