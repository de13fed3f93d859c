import Columnar

/// The running digest record of one branch, fed column chunk by column chunk in entry order.
///
/// Every statistic is a left-to-right fold over the values (sum in float64, in value order), so feeding
/// the column in one piece or in any number of consecutive chunks gives the same record bit for bit.
public struct BranchSummary: Sendable {
    public let dtype: DType
    public private(set) var count = 0
    public private(set) var sum = 0.0
    public private(set) var minimum = Double.infinity
    public private(set) var maximum = -Double.infinity
    public private(set) var finite = 0
    public private(set) var nonfinite = 0
    /// The first three values (as JSON numbers of their own kind).
    public private(set) var first: [JSONValue] = []
    /// The last three values seen so far, oldest first.
    public private(set) var last: [JSONValue] = []
    /// Jagged only: items so far and the item counts of the first five entries.
    public private(set) var itemCount = 0
    public private(set) var firstCounts: [Int] = []
    /// The layout of the first chunk (shapes and kind never change between chunks).
    public private(set) var layout: ColumnLayout?

    public init(dtype: DType) { self.dtype = dtype }

    /// Adds the values and entry counts of the next chunk of the column.
    public mutating func add(_ column: Column) {
        if layout == nil {
            switch column.layout {
            case .jagged: layout = .jagged(offsets: [])
            default: layout = column.layout
            }
        }
        if case .jagged(let offsets) = column.layout, offsets.count > 1 {
            var i = 0
            while firstCounts.count < 5, i + 1 < offsets.count {
                firstCounts.append(offsets[i + 1] - offsets[i])
                i += 1
            }
            itemCount += offsets[offsets.count - 1] - offsets[0]
        }
        let c = column.content
        let n = c.count
        for i in 0..<Swift.min(n, 3 - first.count) { first.append(FileDigest.value(c, i)) }
        let tail = Swift.min(n, 3)
        if tail > 0 {
            last.removeFirst(Swift.max(0, last.count + tail - 3))
            for i in (n - tail)..<n { last.append(FileDigest.value(c, i)) }
        }
        count += n
        switch c {
        case .bool(let a): fold(a) { $0 ? 1 : 0 }
        case .int8(let a): fold(a) { Double($0) }
        case .int16(let a): fold(a) { Double($0) }
        case .int32(let a): fold(a) { Double($0) }
        case .int64(let a): fold(a) { Double($0) }
        case .uint8(let a): fold(a) { Double($0) }
        case .uint16(let a): fold(a) { Double($0) }
        case .uint32(let a): fold(a) { Double($0) }
        case .uint64(let a): fold(a) { Double($0) }
        case .float32(let a): fold(a) { Double($0) }
        case .float64(let a): fold(a) { $0 }
        }
    }

    /// Sum, extremes and finite counts over `a` in order (one specialised loop per element type).
    @inline(__always)
    private mutating func fold<T>(_ a: [T], _ toDouble: (T) -> Double) {
        var s = sum, lo = minimum, hi = maximum, good = 0
        a.withUnsafeBufferPointer { p in
            for x in p {
                let v = toDouble(x)
                if v.isFinite {
                    s += v
                    lo = Swift.min(lo, v)
                    hi = Swift.max(hi, v)
                    good += 1
                }
            }
        }
        sum = s
        minimum = lo
        maximum = hi
        finite += good
        nonfinite += a.count - good
    }

    /// The digest record (README of shared/rootfiles), `typename` and `interpretation` informative.
    public func record(typeName: String, interpretation: Interpretation) -> JSONValue {
        var fields: [(String, JSONValue)] = [
            ("dtype", .string(dtype.rawValue)),
            ("count", .int(Int64(count))),
            ("sum", .double(sum)),
            ("min", finite > 0 ? .double(minimum) : .null),
            ("max", finite > 0 ? .double(maximum) : .null),
            ("nonfinite", .int(Int64(nonfinite))),
            ("first", .array(first)),
            ("last", .array(last)),
            ("typename", .string(typeName)),
            ("interpretation", .string(interpretation.summary)),
        ]
        let kind = layout ?? Self.layout(of: interpretation)
        switch kind {
        case .flat: fields.append(("kind", .string("flat")))
        case .fixed(let shape):
            fields.append(("kind", .string("fixed")))
            fields.append(("shape", .array(shape.map { .int(Int64($0)) })))
        case .jagged:
            fields.append(("kind", .string("jagged")))
            fields.append(("counts_sum", .int(Int64(itemCount))))
            fields.append(("counts_first", .array(firstCounts.map { .int(Int64($0)) })))
        }
        return .object(fields)
    }

    /// The layout a branch's columns have, for a branch that gave no chunk (no entries).
    static func layout(of interpretation: Interpretation) -> ColumnLayout {
        switch interpretation {
        case .fixed(_, let shape): return .fixed(shape: shape)
        case .jagged: return .jagged(offsets: [])
        default: return .flat
        }
    }
}
