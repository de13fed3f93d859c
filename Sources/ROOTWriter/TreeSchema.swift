import Columnar

/// What one branch of a written tree holds.
enum BranchKind: Equatable {
    /// One value per entry.
    case flat
    /// A fixed-shape array per entry (`x[2][3]/F`).
    case fixed(shape: [Int])
    /// A variable-length array whose counts live in branch `counter` (an index into the tree's branches).
    case jagged(counter: Int)
    /// An int32 counter synthesised from the offsets of the jagged columns that use it.
    case counter
}

/// One branch to write: its name, leaf type and where its values come from.
struct BranchPlan {
    var name: String
    /// The table column feeding this branch (nil for a synthesised counter).
    var column: String?
    var dtype: DType
    var kind: BranchKind
    /// For counters: the jagged columns whose offsets define the counts.
    var members: [String] = []
    /// For jagged branches: the counter branch's name.
    var counterName: String? = nil

    /// TLeaf subclass for the dtype.
    var leafClass: String { Self.leafClass(dtype) }
    var isUnsigned: Bool { [.uint8, .uint16, .uint32, .uint64].contains(dtype) }
    /// Items per entry for fixed arrays (1 otherwise).
    var width: Int { if case .fixed(let s) = kind { return s.reduce(1, *) } else { return 1 } }
    var isJagged: Bool { if case .jagged = kind { return true } else { return false } }

    static func leafClass(_ t: DType) -> String {
        switch t {
        case .bool: return "TLeafO"
        case .int8, .uint8: return "TLeafB"
        case .int16, .uint16: return "TLeafS"
        case .int32, .uint32: return "TLeafI"
        case .int64, .uint64: return "TLeafL"
        case .float32: return "TLeafF"
        case .float64: return "TLeafD"
        }
    }

    /// ROOT's leaf type code used in branch titles (`/F`).
    static func typeCode(_ t: DType) -> String {
        switch t {
        case .bool: return "O"
        case .int8: return "B"
        case .uint8: return "b"
        case .int16: return "S"
        case .uint16: return "s"
        case .int32: return "I"
        case .uint32: return "i"
        case .int64: return "L"
        case .uint64: return "l"
        case .float32: return "F"
        case .float64: return "D"
        }
    }
}

/// The branch layout of a tree, fixed by its first chunk: counters placed before their jagged columns.
///
/// Counter rule: a jagged column's counter is `options.counterNames[column]` if given, else the NanoAOD
/// name `n` + (the part before the first `_`) (`Jet_pt` → `nJet`; no `_`: `n` + whole name). Jagged columns
/// with the same counter name must have identical offsets, else the later one gets its own `n<column>` counter.
/// A flat integer column already named like the counter, whose values equal the counts, is reused as the counter.
/// Branch names: '/' (nested reader paths) becomes '_', since ROOT reserves '/' for the type suffix, and
/// `[...]` parts of a name are dropped (ROOT puts dimensions in the title, `x[3]/F`).
struct TreeSchema {
    var branches: [BranchPlan] = []

    /// The branch name for a column: '/' → '_', and `[...]` dimension suffixes dropped (the title carries them).
    static func flatName(_ column: String) -> String {
        var out = ""
        var depth = 0
        for ch in column {
            if ch == "[" { depth += 1; continue }
            if ch == "]" { depth = max(0, depth - 1); continue }
            if depth == 0 { out.append(ch == "/" ? "_" : ch) }
        }
        return out.isEmpty ? "_" : out
    }

    static func nanoCounterName(_ column: String) -> String {
        let flat = flatName(column)
        if let u = flat.firstIndex(of: "_"), u != flat.startIndex { return "n" + flat[..<u] }
        return "n" + flat
    }

    init(tree: String, table: EventTable, counterNames: [String: String]) throws {
        // 1. Choose counters for jagged columns.
        var counterOf: [String: String] = [:]             // jagged column -> counter name
        var offsetsOf: [String: [Int]] = [:]              // counter name -> offsets of the first chunk
        var membersOf: [String: [String]] = [:]
        let taken = Set(table.names.map(Self.flatName))
        for name in table.names {
            let col = table[name]!
            try col.validate(name: name)
            guard case .jagged(let offs) = col.layout else { continue }
            var counter = counterNames[name] ?? Self.nanoCounterName(name)
            if let existing = offsetsOf[counter], existing != offs {
                counter = "n" + Self.flatName(name)
                var k = 2
                while offsetsOf[counter] != nil || (taken.contains(counter) && !Self.matches(table, counter, offs)) {
                    counter = "n" + Self.flatName(name) + "_\(k)"; k += 1
                }
            }
            if taken.contains(counter), offsetsOf[counter] == nil, !Self.matches(table, counter, offs) {
                // A same-named column exists but does not hold these counts: pick a fresh name.
                var k = 2
                let base = "n" + Self.flatName(name)
                counter = base
                while taken.contains(counter) || offsetsOf[counter] != nil { counter = base + "_\(k)"; k += 1 }
            }
            counterOf[name] = counter
            offsetsOf[counter] = offs
            membersOf[counter, default: []].append(name)
        }
        // 2. Order: each counter right before its first jagged column (or where its own column sits, if earlier).
        var index: [String: Int] = [:]
        var out: [BranchPlan] = []
        func addCounter(_ counter: String) {
            guard index[counter] == nil else { return }
            let existing = table.names.first { Self.flatName($0) == counter && table[$0]!.isFlat }
            let dtype = existing.map { table[$0]!.dtype } ?? .int32
            index[counter] = out.count
            out.append(BranchPlan(name: counter, column: existing, dtype: dtype, kind: .counter, members: membersOf[counter] ?? []))
        }
        for name in table.names {
            let col = table[name]!
            let flat = Self.flatName(name)
            if membersOf[flat] != nil, col.isFlat { addCounter(flat); continue }
            guard index[flat] == nil else {
                throw ROOTWriterError.unsupportedColumn(tree: tree, column: name, reason: "branch name '\(flat)' is used twice")
            }
            switch col.layout {
            case .flat:
                index[flat] = out.count
                out.append(BranchPlan(name: flat, column: name, dtype: col.dtype, kind: .flat))
            case .fixed(let shape):
                guard !shape.isEmpty, shape.allSatisfy({ $0 > 0 }) else {
                    throw ROOTWriterError.unsupportedColumn(tree: tree, column: name, reason: "fixed shape \(shape) has an empty dimension")
                }
                index[flat] = out.count
                out.append(BranchPlan(name: flat, column: name, dtype: col.dtype, kind: .fixed(shape: shape)))
            case .jagged:
                let counter = counterOf[name]!
                addCounter(counter)
                index[flat] = out.count
                out.append(BranchPlan(name: flat, column: name, dtype: col.dtype, kind: .jagged(counter: index[counter]!),
                                      counterName: counter))
            }
        }
        branches = out
    }

    /// Whether `table` has a flat integer column named `counter` whose values are the counts of `offsets`.
    static func matches(_ table: EventTable, _ counter: String, _ offsets: [Int]) -> Bool {
        guard let name = table.names.first(where: { flatName($0) == counter }), let c = table[name],
              c.isFlat, c.dtype.isInteger, c.content.count == offsets.count - 1 else { return false }
        for i in 0..<c.content.count where c.content.double(at: i) != Double(offsets[i + 1] - offsets[i]) { return false }
        return true
    }

    /// Checks a later chunk against the schema (names, dtypes, layouts, counter agreement).
    func check(tree: String, _ table: EventTable, firstEntry: Int) throws {
        let expected = Set(branches.compactMap(\.column))
        guard Set(table.names) == expected else {
            let diff = Set(table.names).symmetricDifference(expected).sorted()
            throw ROOTWriterError.schemaMismatch(tree: tree, column: diff.first ?? "?", reason: "column set differs (\(diff.joined(separator: ", ")))")
        }
        for b in branches {
            guard let name = b.column else { continue }
            let c = table[name]!
            guard c.dtype == b.dtype else {
                throw ROOTWriterError.schemaMismatch(tree: tree, column: name, reason: "dtype \(c.dtype.rawValue), expected \(b.dtype.rawValue)")
            }
            try c.validate(name: name)
            switch (b.kind, c.layout) {
            case (.flat, .flat), (.counter, .flat), (.jagged, .jagged): break
            case (.fixed(let s), .fixed(let s2)) where s == s2: break
            default: throw ROOTWriterError.schemaMismatch(tree: tree, column: name, reason: "layout \(c.layout) differs")
            }
        }
        // Counter agreement: every member's offsets equal; an existing counter column equals the counts.
        for b in branches where b.kind == .counter {
            guard let first = b.members.first, case .jagged(let ref)? = table[first]?.layout else { continue }
            for m in b.members.dropFirst() {
                guard case .jagged(let o)? = table[m]?.layout else { continue }
                if o != ref {
                    let e = zip(o, ref).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? 0
                    throw ROOTWriterError.counterMismatch(tree: tree, counter: b.name, column: m, entry: firstEntry + max(0, e - 1))
                }
            }
            if let own = b.column, let c = table[own] {
                for i in 0..<c.content.count where c.content.double(at: i) != Double(ref[i + 1] - ref[i]) {
                    throw ROOTWriterError.counterMismatch(tree: tree, counter: b.name, column: own, entry: firstEntry + i)
                }
            }
        }
    }
}
