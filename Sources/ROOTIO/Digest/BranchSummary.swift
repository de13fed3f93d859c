import Columnar

/// The running digest record of one branch, fed column chunk by column chunk in entry order.
///
/// Sum, minimum and maximum (in float64, over finite values) are kept in 8 lanes, value `i` of the whole
/// branch always in lane `i % 8`, combined in a fixed order at the end: vectorisable, and feeding the column
/// in one piece or in any number of consecutive chunks gives the same record bit for bit.
public struct BranchSummary: Sendable {
    public let dtype: DType
    public private(set) var count = 0
    private var laneSum = SIMD8<Double>(repeating: 0)
    private var laneMin = SIMD8<Double>(repeating: .infinity)
    private var laneMax = SIMD8<Double>(repeating: -.infinity)
    private var laneFinite = SIMD8<Int64>(repeating: 0)
    /// Sum over the finite values: the lanes added pairwise, ((0+1)+(2+3))+((4+5)+(6+7)).
    public var sum: Double {
        let s = laneSum
        return ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]))
    }
    public var minimum: Double { laneMin.min() }
    public var maximum: Double { laneMax.max() }
    public var finite: Int { Int(laneFinite.wrappedSum()) }
    public var nonfinite: Int { count - finite }
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
        case .float32(let a): fold(a, { Double($0) }, eight: { SIMD8<Double>($0.loadUnaligned(as: SIMD8<Float>.self)) })
        case .float64(let a): fold(a, { $0 }, eight: { $0.loadUnaligned(as: SIMD8<Double>.self) })
        }
    }

    /// Sum, extremes and finite counts over `a` (the values after the `count` already seen), lane by lane.
    /// `eight` converts 8 consecutive values at once (one vector load and conversion for floats), when given.
    @inline(__always)
    private mutating func fold<T>(_ a: [T], _ toDouble: (T) -> Double,
                                  eight: ((UnsafeRawPointer) -> SIMD8<Double>)? = nil) {
        var s = laneSum, lo = laneMin, hi = laneMax, good = laneFinite
        let first = count
        a.withUnsafeBufferPointer { p in
            let n = p.count
            var i = 0
            while i < n && (first + i) & 7 != 0 {
                Self.one(toDouble(p[i]), lane: (first + i) & 7, &s, &lo, &hi, &good)
                i += 1
            }
            let infinity = SIMD8<Double>(repeating: .infinity)
            while i + 8 <= n {
                var v = SIMD8<Double>()
                if let eight {
                    v = eight(UnsafeRawPointer(p.baseAddress! + i))
                } else {
                    for j in 0..<8 { v[j] = toDouble(p[i + j]) }
                }
                let ok = (v .< infinity) .& (v .> -infinity)   // false for NaN and ±inf
                s += v.replacing(with: 0, where: .!ok)
                // Swift.min/max's own choices (y < x ? y : x, y >= x ? y : x) as masks: pointwiseMin/Max are
                // not inlined and took 32 % of a whole `digest` of an lz4 file.
                let vlo = v.replacing(with: .infinity, where: .!ok), vhi = v.replacing(with: -.infinity, where: .!ok)
                lo.replace(with: vlo, where: vlo .< lo)
                hi.replace(with: vhi, where: vhi .>= hi)
                good &+= SIMD8<Int64>(repeating: 0).replacing(with: 1, where: ok)
                i += 8
            }
            while i < n {
                Self.one(toDouble(p[i]), lane: (first + i) & 7, &s, &lo, &hi, &good)
                i += 1
            }
        }
        laneSum = s
        laneMin = lo
        laneMax = hi
        laneFinite = good
        count += a.count
    }

    /// One value into its lane (the head and tail of a chunk).
    @inline(__always)
    private static func one(_ v: Double, lane: Int, _ s: inout SIMD8<Double>, _ lo: inout SIMD8<Double>,
                            _ hi: inout SIMD8<Double>, _ good: inout SIMD8<Int64>) {
        guard v.isFinite else { return }
        s[lane] += v
        lo[lane] = Swift.min(lo[lane], v)
        hi[lane] = Swift.max(hi[lane], v)
        good[lane] += 1
    }

    /// The digest record (README of shared/rootfiles), `typename` and `interpretation` informative.
    public func record(typeName: String, interpretation: Interpretation) -> JSONValue {
        record(typeName: typeName, interpretation: interpretation.summary, emptyLayout: Self.layout(of: interpretation))
    }

    /// The digest record; `emptyLayout` gives the kind when no chunk was added (no entries).
    public func record(typeName: String, interpretation: String?, emptyLayout: ColumnLayout) -> JSONValue {
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
        ]
        if let interpretation { fields.append(("interpretation", .string(interpretation))) }
        let kind = layout ?? emptyLayout
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
