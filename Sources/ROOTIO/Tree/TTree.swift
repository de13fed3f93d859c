import Columnar
import Dispatch

/// A TTree: its branches, their interpretations, and columnar reads of any subset of branches and entries.
public final class TTree: @unchecked Sendable {
    public static let classNames: Set<String> = ["TTree", "TNtuple", "TNtupleD"]

    public let file: ROOTFile
    /// Path of the tree in the file ("events", "dir/tree").
    public let path: String
    public let name: String
    public let title: String
    public let entryCount: Int
    /// Top-level branches.
    public let branches: [BranchModel]
    /// Every branch, depth first, with `path` set to the '/'-joined names.
    public let allBranches: [BranchModel]
    let identifier: BranchIdentifier

    /// `streamerDriven`: read the tree classes from the file's TStreamerInfo even where a hand-written
    /// reader exists (tests compare the two).
    init(file: ROOTFile, key: Key, path: String, streamerDriven: Bool = false) throws {
        self.file = file
        self.path = path
        let what = "\(key.className) \(path)"
        do {
            var reader = ObjectReader(try file.objectCursor(key))
            reader.streamers = file.streamerInfos
            reader.streamerFailure = file.streamerInfoFailure
            reader.preferStreamers = streamerDriven
            let header: ObjectReader.TreeHeader
            if key.className == "TTree" {
                header = try reader.readTree()
            } else {
                // TNtuple / TNtupleD: a TTree base followed by fNvar.
                _ = try reader.cursor.readObjectHeader(key.className)
                header = try reader.readTree()
            }
            guard header.entries >= 0 else { throw ROOTError(.malformed, "negative entry count \(header.entries)") }
            name = header.name
            title = header.title
            entryCount = Int(header.entries)
            branches = header.branches
        } catch {
            throw ROOTError.wrap(error, file: file.path, object: what, offset: key.seekKey)
        }
        var all: [BranchModel] = []
        func walk(_ b: BranchModel, _ prefix: String) {
            b.path = prefix.isEmpty ? b.name : prefix + "/" + b.name
            all.append(b)
            for s in b.branches { walk(s, b.path) }
        }
        for b in branches { walk(b, "") }
        allBranches = all
        identifier = BranchIdentifier(streamers: file.streamerInfos)
    }

    /// Paths of every branch that holds data of its own (numeric or not).
    public var branchNames: [String] {
        allBranches.filter { interpretation(of: $0) != .container }.map(\.path)
    }

    /// Paths of the branches we decode into numeric columns.
    public var numericBranchNames: [String] {
        allBranches.filter { interpretation(of: $0).codec != nil }.map(\.path)
    }

    public func interpretation(of b: BranchModel) -> Interpretation { identifier.identify(b) }
    public func typeName(of b: BranchModel) -> String { identifier.typeName(b) }

    /// A branch by full path, or by its own name when that is unique.
    public func branch(_ name: String) throws -> BranchModel {
        if let b = allBranches.first(where: { $0.path == name }) { return b }
        let byName = allBranches.filter { $0.name == name }
        if byName.count == 1 { return byName[0] }
        let lower = name.lowercased()
        let close = allBranches.map(\.path)
            .map { (path: $0, distance: $0.lowercased().contains(lower) ? 0 : editDistance($0.lowercased(), lower)) }
            .filter { $0.distance <= 2 }
            .sorted { ($0.distance, $0.path) < ($1.distance, $1.path) }
            .map(\.path)
        throw ROOTError(.notFound, "no branch '\(name)' in tree \(path)"
                        + (close.isEmpty ? "" : " (did you mean: \(close.prefix(5).joined(separator: ", "))?)"),
                        file: file.path)
    }

    /// Branch paths matching names or glob patterns (`*`, `?`), in tree order, without duplicates.
    public func resolve(_ patterns: [String]) throws -> [BranchModel] {
        var out: [BranchModel] = []
        var seen = Set<String>()
        for p in patterns {
            let matches: [BranchModel]
            if p.contains("*") || p.contains("?") {
                matches = allBranches.filter { interpretation(of: $0).codec != nil && (glob(p, $0.path) || glob(p, $0.name)) }
                if matches.isEmpty { throw ROOTError(.notFound, "no numeric branch matches '\(p)' in tree \(path)", file: file.path) }
            } else {
                matches = [try branch(p)]
            }
            for m in matches where !seen.contains(m.path) {
                seen.insert(m.path)
                out.append(m)
            }
        }
        return out
    }

    /// Reads branches (names or glob patterns; nil = every numeric branch) for an entry range into a table
    /// whose column names are the branch paths. Baskets are read and decoded concurrently (`threads`;
    /// 0 = one per core); only baskets overlapping the range are touched.
    public func arrays(_ names: [String]? = nil, entries: Range<Int>? = nil, threads: Int = 0) throws -> EventTable {
        let selected = try names.map { try resolve($0) } ?? allBranches.filter { interpretation(of: $0).codec != nil }
        let range = entries ?? 0..<entryCount
        guard range.lowerBound >= 0, range.upperBound <= entryCount else {
            throw ROOTError(.notFound, "entries \(range) outside 0..<\(entryCount) of tree \(path)", file: file.path)
        }
        var table = EventTable(rowCount: range.count)
        let reader = BranchReader(tree: self, threads: threads)
        for (b, column) in zip(selected, try reader.read(selected, entries: range)) {
            try table.add(b.path, column)
        }
        return table
    }

    /// One branch as a column.
    public func column(_ name: String, entries: Range<Int>? = nil, threads: Int = 0) throws -> Column {
        let t = try arrays([name], entries: entries, threads: threads)
        return try t.column(t.names[0])
    }
}

/// Shell-style match of `*` and `?`.
public func glob(_ pattern: String, _ text: String) -> Bool {
    let p = Array(pattern), t = Array(text)
    var pi = 0, ti = 0, star = -1, mark = 0
    while ti < t.count {
        if pi < p.count && (p[pi] == "?" || p[pi] == t[ti]) { pi += 1; ti += 1 }
        else if pi < p.count && p[pi] == "*" { star = pi; mark = ti; pi += 1 }
        else if star >= 0 { pi = star + 1; mark += 1; ti = mark }
        else { return false }
    }
    while pi < p.count && p[pi] == "*" { pi += 1 }
    return pi == p.count
}

/// Levenshtein distance, for "did you mean" suggestions.
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var prev = Array(0...b.count), cur = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
        cur[0] = i
        for j in 1...b.count {
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        swap(&prev, &cur)
    }
    return prev[b.count]
}
