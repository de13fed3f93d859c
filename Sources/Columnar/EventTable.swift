/// Named columns over the same events: the currency between reader, selection, model, attack and writers.
public struct EventTable: Sendable, Equatable {
    /// Column names in insertion order.
    public private(set) var names: [String] = []
    private var storage: [String: Column] = [:]
    /// Number of entries (events).
    public private(set) var rowCount: Int

    public init(rowCount: Int) { self.rowCount = rowCount }

    /// A table from ordered (name, column) pairs; every column must cover `rowCount` entries.
    public init(rowCount: Int, columns: [(String, Column)]) throws {
        self.rowCount = rowCount
        for (n, c) in columns { try add(n, c) }
    }

    public var columnCount: Int { names.count }

    public subscript(name: String) -> Column? { storage[name] }

    /// The column `name`, or an error listing the close names.
    public func column(_ name: String) throws -> Column {
        guard let c = storage[name] else { throw ColumnarError.unknownColumn(name, available: names) }
        return c
    }

    /// Adds (or replaces) a column; its entry count must equal `rowCount`.
    public mutating func add(_ name: String, _ column: Column) throws {
        guard column.entryCount == rowCount else {
            throw ColumnarError.lengthMismatch(column: name, expected: rowCount, got: column.entryCount)
        }
        if storage[name] == nil { names.append(name) }
        storage[name] = column
    }

    /// Removes a column if present.
    public mutating func remove(_ name: String) {
        guard storage.removeValue(forKey: name) != nil else { return }
        names.removeAll { $0 == name }
    }

    /// A flat column's values as Double (bool → 0/1).
    public func doubles(_ name: String) throws -> [Double] {
        let c = try column(name)
        guard c.isFlat else { throw ColumnarError.notFlat(column: name) }
        return c.content.toDoubles()
    }

    /// The events where `mask` is true, in order.
    public func filtered(by mask: [Bool]) -> EventTable {
        precondition(mask.count == rowCount, "mask length \(mask.count) != rowCount \(rowCount)")
        var idx = [Int](); idx.reserveCapacity(mask.count)
        for (i, m) in mask.enumerated() where m { idx.append(i) }
        return gathered(idx)
    }

    /// The events at `indices`, in that order.
    public func gathered(_ indices: [Int]) -> EventTable {
        var out = EventTable(rowCount: indices.count)
        for n in names { out.names.append(n); out.storage[n] = storage[n]!.gathered(entries: indices) }
        return out
    }

    /// The events in `range`.
    public func rows(_ range: Range<Int>) -> EventTable {
        var out = EventTable(rowCount: range.count)
        for n in names { out.names.append(n); out.storage[n] = storage[n]!.entries(range) }
        return out
    }

    /// A dense row-major matrix of the named flat columns (converted to Double).
    public func featureMatrix(_ features: [String]) throws -> FeatureMatrix {
        var m = FeatureMatrix(rows: rowCount, columns: features.count, names: features)
        for (j, f) in features.enumerated() {
            let v = try doubles(f)
            for i in 0..<rowCount { m[i, j] = v[i] }
        }
        return m
    }

    /// Stacks tables with identical column names entry-wise.
    public static func concatenate(_ parts: [EventTable]) throws -> EventTable {
        guard let first = parts.first else { return EventTable(rowCount: 0) }
        var out = EventTable(rowCount: parts.reduce(0) { $0 + $1.rowCount })
        for n in first.names {
            let cols = try parts.map { try $0.column(n) }
            guard let c = Column.concatenate(cols) else {
                throw ColumnarError.invalidOffsets(column: n, reason: "parts differ in type or layout")
            }
            try out.add(n, c)
        }
        return out
    }
}
