import Columnar

/// How `TTree.iterate` cuts a tree into chunks.
public enum ChunkSize: Sendable, Equatable {
    /// Chunks of (at most) this many entries.
    case entries(Int)
    /// Chunks ending where every selected branch starts a new basket (ROOT's clusters, as the baskets
    /// show them), so that no basket is read twice.
    case clusters
}

/// Chunked reading of a tree: one `EventTable` per chunk, with memory bounded by a chunk's columns
/// plus one basket per worker thread. Only the selected branches' baskets overlapping a chunk are read.
///
/// Use as a sequence (`for chunk in chunks { let table = try chunk.get() }`) or with `next()`, which
/// throws instead of wrapping errors.
public struct TreeChunks: Sequence, IteratorProtocol {
    public let tree: TTree
    /// The entry ranges of the chunks, in order.
    public let ranges: [Range<Int>]
    let branches: [BranchModel]
    let threads: Int
    private var position = 0

    init(tree: TTree, branches: [BranchModel], ranges: [Range<Int>], threads: Int) {
        self.tree = tree
        self.branches = branches
        self.ranges = ranges
        self.threads = threads
    }

    /// The next chunk's table (columns named by branch path), nil after the last.
    public mutating func nextTable() throws -> EventTable? {
        guard position < ranges.count else { return nil }
        let range = ranges[position]
        position += 1
        var table = EventTable(rowCount: range.count)
        let reader = BranchReader(tree: tree, threads: threads)
        for (b, column) in zip(branches, try reader.read(branches, entries: range)) {
            try table.add(b.path, column)
        }
        return table
    }

    /// The next chunk, or its error; nil after the last.
    public mutating func next() -> Result<EventTable, Error>? {
        do {
            guard let t = try nextTable() else { return nil }
            return .success(t)
        } catch {
            position = ranges.count
            return .failure(error)
        }
    }
}

extension TTree {
    /// Iterates the tree in chunks of entries: `branches` are names or glob patterns (nil = every numeric
    /// branch), `chunkSize` is a number of entries or `.clusters`, `threads` bounds the basket decoding
    /// of each chunk (0 = one per core). Nothing is read until a chunk is requested.
    public func iterate(branches names: [String]? = nil, chunkSize: ChunkSize = .entries(100_000),
                        entries: Range<Int>? = nil, threads: Int = 0) throws -> TreeChunks {
        let selected = try names.map { try resolve($0) } ?? allBranches.filter { interpretation(of: $0).codec != nil }
        let range = entries ?? 0..<entryCount
        guard range.lowerBound >= 0, range.upperBound <= entryCount else {
            throw ROOTError(.notFound, "entries \(range) outside 0..<\(entryCount) of tree \(path)", file: file.path)
        }
        var bounds: [Int]
        switch chunkSize {
        case .entries(let n):
            guard n > 0 else { throw ROOTError(.notFound, "chunk size \(n) must be positive", file: file.path) }
            bounds = Array(stride(from: range.lowerBound, to: range.upperBound, by: n))
        case .clusters:
            bounds = try clusterStarts(of: selected).filter { range.contains($0) }
            if bounds.first != range.lowerBound { bounds.insert(range.lowerBound, at: 0) }
        }
        bounds.append(range.upperBound)
        let ranges = zip(bounds, bounds.dropFirst()).compactMap { $0 < $1 ? $0..<$1 : nil }
        return TreeChunks(tree: self, branches: selected, ranges: ranges, threads: threads)
    }

    /// Entry numbers where every branch in `branches` starts a basket, in order.
    func clusterStarts(of branches: [BranchModel]) throws -> [Int] {
        let reader = BranchReader(tree: self, threads: 1)
        var common: Set<Int>? = nil
        for b in branches {
            let starts = Set(try reader.baskets(of: b).map(\.entries.lowerBound))
            common = common.map { $0.intersection(starts) } ?? starts
        }
        return (common ?? []).sorted()
    }
}
