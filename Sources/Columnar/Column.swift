/// How a column's content maps onto entries (events).
public enum ColumnLayout: Sendable, Equatable {
    /// One number per entry.
    case flat
    /// A fixed-shape array per entry (`x[3]/F` has shape [3]); content holds entries × product(shape).
    case fixed(shape: [Int])
    /// A variable number of numbers per entry: entry i owns content[offsets[i] ..< offsets[i+1]].
    /// `offsets.count == entries + 1`, `offsets[0] == 0`, non-decreasing.
    case jagged(offsets: [Int])
}

/// Errors raised when columns do not fit together.
public enum ColumnarError: Error, Equatable, CustomStringConvertible {
    case lengthMismatch(column: String, expected: Int, got: Int)
    case unknownColumn(String, available: [String])
    case notFlat(column: String)
    case invalidOffsets(column: String, reason: String)

    public var description: String {
        switch self {
        case let .lengthMismatch(c, e, g): return "column '\(c)' has \(g) entries, the table has \(e)"
        case let .unknownColumn(c, avail):
            let close = avail.filter { $0.lowercased().contains(c.lowercased()) || c.lowercased().contains($0.lowercased()) }.prefix(5)
            return "no column '\(c)'" + (close.isEmpty ? "" : " (did you mean: \(close.joined(separator: ", "))?)")
        case let .notFlat(c): return "column '\(c)' is not flat (one number per entry)"
        case let .invalidOffsets(c, r): return "column '\(c)': invalid offsets: \(r)"
        }
    }
}

/// A named-type-agnostic column: typed content plus the layout that maps it onto entries.
public struct Column: Sendable, Equatable {
    public var content: NumericArray
    public var layout: ColumnLayout

    public init(_ content: NumericArray, layout: ColumnLayout = .flat) {
        self.content = content
        self.layout = layout
    }

    /// A jagged column from content and entry offsets (count = entries + 1, starting at 0).
    public init(jagged content: NumericArray, offsets: [Int]) {
        self.content = content
        self.layout = .jagged(offsets: offsets)
    }

    public var dtype: DType { content.dtype }

    /// Numbers per entry for fixed layouts (1 for flat).
    public var fixedWidth: Int {
        if case .fixed(let shape) = layout { return shape.reduce(1, *) }
        return 1
    }

    /// Number of entries (events) this column covers.
    public var entryCount: Int {
        switch layout {
        case .flat: return content.count
        case .fixed: let w = fixedWidth; return w == 0 ? 0 : content.count / w
        case .jagged(let offsets): return max(0, offsets.count - 1)
        }
    }

    public var isFlat: Bool { if case .flat = layout { return true } else { return false } }
    public var isJagged: Bool { if case .jagged = layout { return true } else { return false } }

    /// Per-entry item counts for jagged columns (fixed: the width; flat: 1).
    public var counts: [Int] {
        switch layout {
        case .flat: return Array(repeating: 1, count: content.count)
        case .fixed: return Array(repeating: fixedWidth, count: entryCount)
        case .jagged(let o): return (0..<max(0, o.count - 1)).map { o[$0 + 1] - o[$0] }
        }
    }

    /// Checks that the layout is consistent with the content.
    public func validate(name: String) throws {
        switch layout {
        case .flat: return
        case .fixed:
            let w = fixedWidth
            if w > 0 && content.count % w != 0 {
                throw ColumnarError.invalidOffsets(column: name, reason: "content \(content.count) not a multiple of width \(w)")
            }
        case .jagged(let o):
            guard let first = o.first, first == 0 else { throw ColumnarError.invalidOffsets(column: name, reason: "must start at 0") }
            for i in 1..<o.count where o[i] < o[i - 1] {
                throw ColumnarError.invalidOffsets(column: name, reason: "decreasing at \(i)")
            }
            if o.last! != content.count {
                throw ColumnarError.invalidOffsets(column: name, reason: "last offset \(o.last!) != content \(content.count)")
            }
        }
    }

    /// The entries in `range` (entry numbers, not content positions).
    public func entries(_ range: Range<Int>) -> Column {
        switch layout {
        case .flat: return Column(content.slice(range))
        case .fixed(let shape):
            let w = fixedWidth
            return Column(content.slice(range.lowerBound * w ..< range.upperBound * w), layout: .fixed(shape: shape))
        case .jagged(let o):
            let lo = o[range.lowerBound], hi = o[range.upperBound]
            return Column(jagged: content.slice(lo..<hi), offsets: o[range.lowerBound...range.upperBound].map { $0 - lo })
        }
    }

    /// The entries at `indices`, in that order.
    public func gathered(entries indices: [Int]) -> Column {
        switch layout {
        case .flat: return Column(content.gathered(indices))
        case .fixed(let shape):
            let w = fixedWidth
            var idx = [Int](); idx.reserveCapacity(indices.count * w)
            for i in indices { for k in 0..<w { idx.append(i * w + k) } }
            return Column(content.gathered(idx), layout: .fixed(shape: shape))
        case .jagged(let o):
            var idx = [Int](), newOffsets = [0]
            newOffsets.reserveCapacity(indices.count + 1)
            for i in indices {
                idx.append(contentsOf: o[i]..<o[i + 1])
                newOffsets.append(idx.count)
            }
            return Column(jagged: content.gathered(idx), offsets: newOffsets)
        }
    }

    /// Concatenates columns with the same dtype and layout kind, entry-wise.
    public static func concatenate(_ parts: [Column]) -> Column? {
        guard let first = parts.first else { return nil }
        guard let content = NumericArray.concatenate(parts.map(\.content), dtype: first.dtype) else { return nil }
        switch first.layout {
        case .flat:
            guard parts.allSatisfy(\.isFlat) else { return nil }
            return Column(content)
        case .fixed(let shape):
            guard parts.allSatisfy({ $0.layout == .fixed(shape: shape) }) else { return nil }
            return Column(content, layout: .fixed(shape: shape))
        case .jagged:
            var offsets = [0], base = 0
            for p in parts {
                guard case .jagged(let o) = p.layout else { return nil }
                for v in o.dropFirst() { offsets.append(base + v) }
                base += p.content.count
            }
            return Column(jagged: content, offsets: offsets)
        }
    }
}
