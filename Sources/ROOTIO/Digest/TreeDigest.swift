import Columnar

/// How `FileDigest` reads a tree: in chunks of entries, so memory stays bounded by one chunk's columns.
public struct DigestOptions: Sendable {
    /// Basket-decoding threads (0 = one per core).
    public var threads = 0
    /// Entries per chunk; nil: sized so one chunk's decoded columns take about `chunkBytes`.
    public var chunkEntries: Int?
    /// Target size of one chunk's decoded columns when `chunkEntries` is nil.
    public var chunkBytes = 12 << 20
    /// Cut chunks only where every branch starts a basket (ROOT's clusters), so no basket is read twice.
    public var alignToClusters = true

    public init(threads: Int = 0, chunkEntries: Int? = nil, chunkBytes: Int = 12 << 20, alignToClusters: Bool = true) {
        self.threads = threads
        self.chunkEntries = chunkEntries
        self.chunkBytes = chunkBytes
        self.alignToClusters = alignToClusters
    }
}

/// One branch (or tree) the digest could not read: where and why. `digest` records it and goes on.
public struct DigestFailure: Sendable, CustomStringConvertible {
    /// Tree path, and branch path when the failure is one branch's.
    public var tree: String
    public var branch: String?
    public var error: ROOTError
    public var description: String {
        "tree \(tree): \(error)"
    }
}

/// The chunked, per-branch-isolated digest of one tree.
///
/// Numeric branches are grouped by the entries they can give (`TTree.readableEntries`: all of the tree's
/// for nearly every branch); each group is read in chunks (cluster-aligned), every chunk's columns are
/// folded into `BranchSummary` records and dropped. A chunk that fails is read again branch by branch,
/// so one bad branch becomes a failure record and the others go on. Errors that mean the file itself is
/// damaged (cut short, unreadable) are thrown: they are not one branch's.
struct TreeDigest {
    let tree: TTree
    let options: DigestOptions

    /// The tree's record and its branch failures.
    func run() throws -> (JSONValue, [DigestFailure]) {
        var failures: [String: ROOTError] = [:]
        var dtypes: [(path: String, dtype: DType)] = []
        var groups: [Range<Int>: [BranchModel]] = [:]
        var groupOrder: [Range<Int>] = []
        for b in tree.allBranches {
            let interp = tree.interpretation(of: b)
            guard let codec = interp.codec else { continue }
            dtypes.append((b.path, codec.dtype))
            do {
                let range = try tree.readableEntries(of: b)
                if groups[range] == nil { groupOrder.append(range) }
                groups[range, default: []].append(b)
            } catch {
                failures[b.path] = try Self.branchError(error, tree: tree, branch: b)
            }
        }
        let folding = ChunkSummaries(dtypes, threads: options.threads)
        for range in groupOrder where !range.isEmpty {
            var live = groups[range]!
            for chunk in try chunks(of: live, range: range) {
                let columns = try read(&live, chunk, failures: &failures)
                folding.add(columns, paths: live.map(\.path))
            }
        }
        let summaries = folding.finish()
        var records: [(String, JSONValue)] = []
        var out: [DigestFailure] = []
        for b in tree.allBranches {
            let interp = tree.interpretation(of: b)
            let typeName = tree.typeName(of: b)
            if let e = failures[b.path] {
                records.append((b.path, Self.errorRecord(e, typeName: typeName, interpretation: interp)))
                out.append(DigestFailure(tree: tree.path, branch: b.path, error: e))
                continue
            }
            switch interp {
            case .container: continue
            case .unsupported(let why):
                records.append((b.path, .object([("kind", .string("other")), ("typename", .string(typeName)),
                                                 ("interpretation", .string(why))])))
            default:
                records.append((b.path, summaries[b.path]!.record(typeName: typeName, interpretation: interp)))
            }
        }
        let record = JSONValue.object([("entries", .int(Int64(tree.entryCount))), ("branches", .object(records))])
        return (record, out)
    }

    /// Reads `chunk` of the live branches; a branch that fails is recorded and dropped from `live`.
    private func read(_ live: inout [BranchModel], _ chunk: Range<Int>, failures: inout [String: ROOTError]) throws -> [Column] {
        let reader = BranchReader(tree: tree, threads: options.threads)
        do {
            return try reader.read(live, entries: chunk)
        } catch {
            if Self.isFileDamage(error) { throw ROOTError.wrap(error, file: tree.file.path, object: nil, offset: nil) }
        }
        var kept: [BranchModel] = []
        var columns: [Column] = []
        for b in live {
            do {
                columns.append(try reader.read([b], entries: chunk)[0])
                kept.append(b)
            } catch {
                failures[b.path] = try Self.branchError(error, tree: tree, branch: b)
            }
        }
        live = kept
        return columns
    }

    /// The entry ranges of the chunks: about `chunkEntries` (or `chunkBytes` worth) each, cut at cluster
    /// boundaries when asked (a chunk may then be longer, up to the next boundary).
    func chunks(of branches: [BranchModel], range: Range<Int>) throws -> [Range<Int>] {
        let target = max(1, options.chunkEntries ?? estimatedEntries(branches, bytes: options.chunkBytes))
        guard range.count > target else { return [range] }
        var starts: [Int] = []
        if options.alignToClusters {
            starts = (try? tree.clusterStarts(of: branches)) ?? []
            starts = starts.filter { $0 > range.lowerBound && $0 < range.upperBound }
        }
        var out: [Range<Int>] = []
        var lo = range.lowerBound
        var k = 0
        while lo < range.upperBound {
            var hi = min(range.upperBound, lo + target)
            if options.alignToClusters {
                while k < starts.count && starts[k] <= lo { k += 1 }
                // The last cluster start within the target, else the first one after it, else the end.
                var best: Int? = nil
                var j = k
                while j < starts.count && starts[j] <= hi { best = starts[j]; j += 1 }
                hi = best ?? (k < starts.count ? starts[k] : range.upperBound)
                if hi >= range.upperBound { hi = range.upperBound }
            }
            out.append(lo..<hi)
            lo = hi
        }
        return out
    }

    /// Entries whose decoded columns take about `bytes`, from the branches' uncompressed sizes.
    private func estimatedEntries(_ branches: [BranchModel], bytes: Int) -> Int {
        var perEntry = 0.0
        for b in branches where b.entries > 0 {
            perEntry += Double(max(b.totalBytes, 0)) / Double(b.entries)
        }
        guard perEntry > 0 else { return Int.max / 2 }
        return Int(min(Double(Int.max / 2), max(1, Double(bytes) / perEntry)))
    }

    /// The error as one branch's failure, or rethrown when it means the file itself is damaged.
    static func branchError(_ error: Error, tree: TTree, branch: BranchModel) throws -> ROOTError {
        let e = ROOTError.wrap(error, file: tree.file.path, object: "branch \(branch.path)", offset: nil)
        if isFileDamage(e) { throw e }
        return e
    }

    /// Bytes past the end of the file or an unreadable file: no branch of it can be trusted.
    static func isFileDamage(_ error: Error) -> Bool {
        guard let e = error as? ROOTError else { return false }
        return e.kind == .truncated || e.kind == .io
    }

    /// A failed branch's record: kind `other`, with the error (branch, basket, byte offset) as text.
    static func errorRecord(_ e: ROOTError, typeName: String, interpretation: Interpretation) -> JSONValue {
        var located = e
        located.file = nil
        return .object([("kind", .string("other")), ("typename", .string(typeName)),
                        ("interpretation", .string(interpretation.summary)), ("error", .string(located.description))])
    }
}
