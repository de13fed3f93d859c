import Columnar

/// Evaluates a type-checked expression over a whole table, node by node, each node over whole arrays.
///
/// Per-element values from one branch combine element by element with per-element values of the same length
/// (branches sharing a counter) and with per-event values (repeated over the event's elements). Missing values
/// (an index past the end of a list) make the whole event's value missing: `valid` propagates through every
/// operator, function and aggregate, except that `Alt$(x, fallback)` replaces a missing `x`.
struct Evaluator {
    let expression: String
    let table: EventTable
    /// The entries of `table` this evaluator covers (a chunk); every vector has `entries.count` events.
    let entries: Range<Int>
    private var cache: [String: Vector] = [:]

    /// An evaluator over `entries` of `table` (default: all). Columns must already be validated.
    init(expression: String, table: EventTable, entries: Range<Int>? = nil) {
        self.expression = expression
        self.table = table
        self.entries = entries ?? 0..<table.rowCount
    }

    private var firstEntry: Int { entries.lowerBound }
    private var rows: Int { entries.count }

    private func error(_ kind: CutExpressionError.Kind, _ message: String, _ node: ExpressionNode) -> CutExpressionError {
        CutExpressionError(kind: kind, message: message, expression: expression, range: node.range)
    }

    mutating func evaluate(_ node: ExpressionNode) throws -> Vector {
        switch node.kind {
        case .number(let v): return Vector(.number(v))
        case .boolean(let b): return Vector(.boolean(b))
        case .variable(let name): return try load(name, node)
        case .unary(let op, let a):
            var v = try evaluate(a)
            switch op {
            case .plus: break
            case .negate: v.payload = Kernels.unaryNumbers(v.payload) { -$0 }
            case .not: v.payload = Kernels.not(v.payload)
            }
            return v
        case .binary(let op, let a, let b):
            let parts = try align([evaluate(a), evaluate(b)], at: node)
            let x = parts.payloads[0], y = parts.payloads[1]
            let result: Vector.Payload
            if op.isArithmetic { result = Kernels.arithmetic(op, x, y) }
            else if op.isLogical { result = Kernels.logical(op, x, y) }
            else if case .boolean = x { result = Kernels.logical(op, x, y) }
            else if case .booleans = x { result = Kernels.logical(op, x, y) }
            else { result = Kernels.comparison(op, x, y) }
            return Vector(result, offsets: parts.offsets, origin: parts.origin, valid: parts.valid)
        case .ternary(let c, let a, let b):
            let parts = try align([evaluate(c), evaluate(a), evaluate(b)], at: node)
            return Vector(select(parts.payloads[0], parts.payloads[1], parts.payloads[2]),
                          offsets: parts.offsets, origin: parts.origin, valid: parts.valid)
        case .call(let f, let args):
            return try call(f, args, node)
        case .index(let base, let index):
            return try subscripted(evaluate(base), evaluate(index), node)
        }
    }

    // MARK: leaves

    private mutating func load(_ name: String, _ node: ExpressionNode) throws -> Vector {
        if let v = cache[name] { return v }
        guard let column = table[name] else {
            throw error(.unknownBranch, "unknown branch '\(name)'", node)
        }
        let v: Vector
        switch column.layout {
        case .flat:
            v = Vector(Self.payload(column.content, entries), origin: name)
        case .jagged(let o):
            let lo = o[entries.lowerBound], hi = o[entries.upperBound]
            v = Vector(Self.payload(column.content, lo..<hi), offsets: o[entries.lowerBound...entries.upperBound].map { $0 - lo },
                       origin: name)
        case .fixed:
            let w = column.fixedWidth
            v = Vector(Self.payload(column.content, (entries.lowerBound * w)..<(entries.upperBound * w)),
                       offsets: (0...rows).map { $0 * w }, origin: name)
        }
        cache[name] = v
        return v
    }

    /// Content positions `range` as doubles (or booleans), converted in one pass.
    static func payload(_ content: NumericArray, _ range: Range<Int>) -> Vector.Payload {
        func d<T: BinaryInteger>(_ a: [T]) -> [Double] {
            a.withUnsafeBufferPointer { p in Kernels.map(UnsafeBufferPointer(rebasing: p[range])) { Double($0) } }
        }
        switch content {
        case .bool(let a): return .booleans(Array(a[range]))
        case .int8(let a): return .numbers(d(a))
        case .int16(let a): return .numbers(d(a))
        case .int32(let a): return .numbers(d(a))
        case .int64(let a): return .numbers(d(a))
        case .uint8(let a): return .numbers(d(a))
        case .uint16(let a): return .numbers(d(a))
        case .uint32(let a): return .numbers(d(a))
        case .uint64(let a): return .numbers(d(a))
        case .float32(let a): return .numbers(a.withUnsafeBufferPointer { p in
            Kernels.map(UnsafeBufferPointer(rebasing: p[range])) { Double($0) } })
        case .float64(let a): return .numbers(Array(a[range]))
        }
    }

    // MARK: shapes

    struct Aligned {
        var payloads: [Vector.Payload]
        var offsets: [Int]?
        var origin: String
        var valid: [Bool]?
    }

    /// Brings operands to a common shape: all per-event, or all per-element with identical offsets.
    private func align(_ parts: [Vector], at node: ExpressionNode) throws -> Aligned {
        var offsets: [Int]?, origin = ""
        for p in parts {
            guard let o = p.offsets else { continue }
            if let existing = offsets {
                if existing != o { throw mismatch(existing, origin, o, p.origin, node) }
            } else {
                offsets = o; origin = p.origin
            }
        }
        var valid: [Bool]? = nil
        for p in parts { valid = Kernels.bothValid(valid, p.valid) }
        let payloads = parts.map { p -> Vector.Payload in
            if let o = offsets, p.offsets == nil { return Kernels.broadcast(p.payload, offsets: o) }
            return p.payload
        }
        return Aligned(payloads: payloads, offsets: offsets, origin: origin, valid: valid)
    }

    private func mismatch(_ a: [Int], _ aName: String, _ b: [Int], _ bName: String, _ node: ExpressionNode) -> CutExpressionError {
        var event = 0
        while event + 1 < min(a.count, b.count), a[event + 1] - a[event] == b[event + 1] - b[event] { event += 1 }
        let na = event + 1 < a.count ? a[event + 1] - a[event] : 0
        let nb = event + 1 < b.count ? b[event + 1] - b[event] : 0
        return error(.shapeMismatch,
                     "cannot combine '\(aName)' and '\(bName)' element by element: entry \(firstEntry + event) has \(na) and \(nb) elements (per-element branches must share a counter)",
                     node)
    }

    private func select(_ c: Vector.Payload, _ a: Vector.Payload, _ b: Vector.Payload) -> Vector.Payload {
        if case .boolean(let k) = c { return k ? a : b }
        guard case .booleans(let cond) = c else { preconditionFailure("ternary condition is not boolean") }
        switch (a, b) {
        case (.numbers, _), (_, .numbers), (.number, .number):
            let x = Kernels.doubles(a, count: cond.count), y = Kernels.doubles(b, count: cond.count)
            return .numbers(Kernels.zip(cond, Kernels.zip(x, y) { ($0, $1) }) { $0 ? $1.0 : $1.1 })
        default:
            let x = Kernels.bools(a, count: cond.count), y = Kernels.bools(b, count: cond.count)
            return .booleans(Kernels.zip(cond, Kernels.zip(x, y) { ($0, $1) }) { $0 ? $1.0 : $1.1 })
        }
    }

    // MARK: indexing

    private func subscripted(_ base: Vector, _ index: Vector, _ node: ExpressionNode) throws -> Vector {
        guard let offsets = base.offsets else { preconditionFailure("indexing a per-event value") }
        let idx = Kernels.doubles(index.payload, count: rows)
        var valid = [Bool](repeating: true, count: rows)
        var position = [Int](repeating: 0, count: rows)
        for e in 0..<rows {
            let k = idx[e], count = offsets[e + 1] - offsets[e]
            if k.isFinite && k >= 0 && k < Double(count) {
                position[e] = offsets[e] + Int(k)
            } else {
                valid[e] = false
            }
        }
        let combined = Kernels.bothValid(Kernels.bothValid(valid, base.valid), index.valid)
        let payload: Vector.Payload
        switch base.payload {
        case .numbers(let x): payload = .numbers(Kernels.zip(position, valid) { $1 ? x[$0] : 0 })
        case .booleans(let x): payload = .booleans(Kernels.zip(position, valid) { $1 ? x[$0] : false })
        case .number, .boolean: payload = base.payload
        }
        return Vector(payload, valid: combined)
    }

    // MARK: functions and aggregates

    private mutating func call(_ f: BuiltinFunction, _ args: [ExpressionNode], _ node: ExpressionNode) throws -> Vector {
        let values = try args.map { try evaluate($0) }
        if f.arity == 1 && !f.isAggregate {
            var v = values[0]
            // Literal closures (not `f.unaryMath`) so each loop is specialised and inlined.
            switch f {
            case .abs: v.payload = Kernels.unaryNumbers(v.payload) { Swift.abs($0) }
            case .sqrt: v.payload = Kernels.unaryNumbers(v.payload) { $0.squareRoot() }
            default: v.payload = Kernels.unaryNumbers(v.payload, f.unaryMath ?? { $0 })
            }
            return v
        }
        if let math = f.binaryMath {
            let parts = try align(values, at: node)
            let payload = Kernels.numbers(parts.payloads[0], parts.payloads[1], math,
                                          array: { .numbers($0) }, scalar: { .number($0) })
            return Vector(payload, offsets: parts.offsets, origin: parts.origin, valid: parts.valid)
        }
        switch f {
        case .sum, .maxOf, .minOf, .length:
            return reduce(f, values[0], condition: nil)
        case .maxIf, .minIf:
            let parts = try align(values, at: node)
            let aligned = Vector(parts.payloads[0], offsets: parts.offsets, origin: parts.origin, valid: parts.valid)
            return reduce(f, aligned, condition: parts.payloads[1])
        case .alt:
            return try alternative(values[0], values[1], node)
        default:
            preconditionFailure("unhandled function \(f)")
        }
    }

    /// Per-event reductions. A per-event argument counts as a list of one element. `Max$`, `Min$` of an empty
    /// list and `MaxIf$`, `MinIf$` with no element passing are 0, as in ROOT.
    private func reduce(_ f: BuiltinFunction, _ v: Vector, condition: Vector.Payload?) -> Vector {
        let offsets = v.offsets ?? Array(0...rows)
        let total = offsets.last ?? 0
        let values = Kernels.doubles(v.payload, count: total)
        let pass: [Bool]? = condition.map { Kernels.bools($0, count: total) }
        var out = [Double](repeating: 0, count: rows)
        values.withUnsafeBufferPointer { x in
            offsets.withUnsafeBufferPointer { o in
                for e in 0..<rows {
                    let lo = o[e], hi = o[e + 1]
                    switch f {
                    case .length: out[e] = Double(hi - lo)
                    case .sum:
                        var s = 0.0
                        for k in lo..<hi { s += x[k] }
                        out[e] = s
                    case .maxOf, .minOf:
                        guard lo < hi else { continue }
                        var m = x[lo]
                        for k in (lo + 1)..<hi { m = f == .maxOf ? (x[k] > m ? x[k] : m) : (x[k] < m ? x[k] : m) }
                        out[e] = m
                    case .maxIf, .minIf:
                        var found = false, m = 0.0
                        for k in lo..<hi where pass![k] {
                            if !found { m = x[k]; found = true }
                            else { m = f == .maxIf ? (x[k] > m ? x[k] : m) : (x[k] < m ? x[k] : m) }
                        }
                        out[e] = m
                    default: break
                    }
                }
            }
        }
        return Vector(.numbers(out), valid: v.valid)
    }

    /// `Alt$(x, fallback)`: x where x exists, else the fallback (events missing both stay missing).
    private func alternative(_ x: Vector, _ fallback: Vector, _ node: ExpressionNode) throws -> Vector {
        // Where x always exists it is the result, unless a per-element fallback must shape a per-event x.
        if x.valid == nil && (fallback.offsets == nil || x.offsets != nil) { return x }
        let xValid = x.valid ?? [Bool](repeating: true, count: rows)
        let parts = try align([x, fallback], at: node)
        let offsets = parts.offsets ?? Array(0...rows)
        let total = offsets.last ?? 0
        // Per-element "use x" mask from the per-event validity of x.
        var useX = [Bool](repeating: true, count: total)
        for e in 0..<rows where !xValid[e] {
            for k in offsets[e]..<offsets[e + 1] { useX[k] = false }
        }
        let chosen = select(.booleans(useX), parts.payloads[0], parts.payloads[1])
        let valid: [Bool]? = x.valid == nil ? nil : fallback.valid.map { fv in Kernels.zip(xValid, fv) { $0 || $1 } }
        return Vector(chosen, offsets: parts.offsets, origin: parts.origin, valid: valid)
    }
}
