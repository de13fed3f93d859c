/// The values of one subexpression over all events: what the evaluator passes from node to node.
///
/// `payload` holds one value per event (`offsets == nil`) or one per element (`offsets` maps event `e` to
/// `offsets[e] ..< offsets[e+1]`). Constants stay scalars until combined. `valid` marks events where the value
/// exists (an index past the end of a list makes it missing); nil means every event is valid.
struct Vector {
    enum Payload {
        case numbers([Double])
        case booleans([Bool])
        case number(Double)
        case boolean(Bool)
    }

    var payload: Payload
    var offsets: [Int]?
    /// What the per-element structure comes from (a branch name), for error messages.
    var origin: String
    var valid: [Bool]?

    init(_ payload: Payload, offsets: [Int]? = nil, origin: String = "", valid: [Bool]? = nil) {
        self.payload = payload
        self.offsets = offsets
        self.origin = origin
        self.valid = valid
    }

    var isPerElement: Bool { offsets != nil }
}

/// Elementwise kernels over payloads (arrays or broadcast scalars). All loops run over contiguous buffers.
enum Kernels {
    @inline(__always)
    static func map<T, R>(_ a: [T], _ f: (T) -> R) -> [R] {
        a.withUnsafeBufferPointer { map($0, f) }
    }

    @inline(__always)
    static func map<T, R>(_ pa: UnsafeBufferPointer<T>, _ f: (T) -> R) -> [R] {
        let n = pa.count
        return [R](unsafeUninitializedCapacity: n) { out, count in
            if let po = out.baseAddress, let pi = pa.baseAddress {
                for i in 0..<n { (po + i).initialize(to: f(pi[i])) }
            }
            count = n
        }
    }

    @inline(__always)
    static func zip<T, U, R>(_ a: [T], _ b: [U], _ f: (T, U) -> R) -> [R] {
        let n = Swift.min(a.count, b.count)
        return a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                [R](unsafeUninitializedCapacity: n) { out, count in
                    if let po = out.baseAddress, let x = pa.baseAddress, let y = pb.baseAddress {
                        for i in 0..<n { (po + i).initialize(to: f(x[i], y[i])) }
                    }
                    count = n
                }
            }
        }
    }

    /// Applies `f` to numbers (arrays of equal length or scalars).
    @inline(__always)
    static func numbers<R>(_ a: Vector.Payload, _ b: Vector.Payload, _ f: (Double, Double) -> R,
                           array: ([R]) -> Vector.Payload, scalar: (R) -> Vector.Payload) -> Vector.Payload {
        switch (a, b) {
        case let (.numbers(x), .numbers(y)): return array(zip(x, y, f))
        case let (.numbers(x), .number(c)): return array(map(x) { f($0, c) })
        case let (.number(c), .numbers(y)): return array(map(y) { f(c, $0) })
        case let (.number(c), .number(d)): return scalar(f(c, d))
        default: preconditionFailure("numeric kernel on booleans (the type checker prevents this)")
        }
    }

    @inline(__always)
    static func booleans(_ a: Vector.Payload, _ b: Vector.Payload, _ f: (Bool, Bool) -> Bool) -> Vector.Payload {
        switch (a, b) {
        case let (.booleans(x), .booleans(y)): return .booleans(zip(x, y, f))
        case let (.booleans(x), .boolean(c)): return .booleans(map(x) { f($0, c) })
        case let (.boolean(c), .booleans(y)): return .booleans(map(y) { f(c, $0) })
        case let (.boolean(c), .boolean(d)): return .boolean(f(c, d))
        default: preconditionFailure("boolean kernel on numbers (the type checker prevents this)")
        }
    }

    /// Arithmetic (`+ - * / %`, IEEE: x/0 = ±inf, 0/0 = NaN). `%` truncates both operands toward zero and
    /// takes the C remainder (sign of the dividend), as ROOT's integer modulo does; `x % 0` is NaN.
    static func arithmetic(_ op: BinaryOperator, _ a: Vector.Payload, _ b: Vector.Payload) -> Vector.Payload {
        let arr: ([Double]) -> Vector.Payload = { .numbers($0) }, sc: (Double) -> Vector.Payload = { .number($0) }
        switch op {
        case .add: return numbers(a, b, { $0 + $1 }, array: arr, scalar: sc)
        case .subtract: return numbers(a, b, { $0 - $1 }, array: arr, scalar: sc)
        case .multiply: return numbers(a, b, { $0 * $1 }, array: arr, scalar: sc)
        case .divide: return numbers(a, b, { $0 / $1 }, array: arr, scalar: sc)
        case .modulo:
            return numbers(a, b, { $0.rounded(.towardZero).truncatingRemainder(dividingBy: $1.rounded(.towardZero)) },
                           array: arr, scalar: sc)
        default: preconditionFailure("not arithmetic: \(op)")
        }
    }

    /// Comparisons of numbers (IEEE: any comparison with NaN is false, except `!=`).
    static func comparison(_ op: BinaryOperator, _ a: Vector.Payload, _ b: Vector.Payload) -> Vector.Payload {
        let arr: ([Bool]) -> Vector.Payload = { .booleans($0) }, sc: (Bool) -> Vector.Payload = { .boolean($0) }
        switch op {
        case .less: return numbers(a, b, { $0 < $1 }, array: arr, scalar: sc)
        case .lessEqual: return numbers(a, b, { $0 <= $1 }, array: arr, scalar: sc)
        case .greater: return numbers(a, b, { $0 > $1 }, array: arr, scalar: sc)
        case .greaterEqual: return numbers(a, b, { $0 >= $1 }, array: arr, scalar: sc)
        case .equal: return numbers(a, b, { $0 == $1 }, array: arr, scalar: sc)
        case .notEqual: return numbers(a, b, { $0 != $1 }, array: arr, scalar: sc)
        default: preconditionFailure("not a comparison: \(op)")
        }
    }

    /// Logical and equality operators on booleans.
    static func logical(_ op: BinaryOperator, _ a: Vector.Payload, _ b: Vector.Payload) -> Vector.Payload {
        switch op {
        case .and: return booleans(a, b) { $0 && $1 }
        case .or: return booleans(a, b) { $0 || $1 }
        case .equal: return booleans(a, b) { $0 == $1 }
        case .notEqual: return booleans(a, b) { $0 != $1 }
        default: preconditionFailure("not logical: \(op)")
        }
    }

    @inline(__always)
    static func unaryNumbers(_ a: Vector.Payload, _ f: (Double) -> Double) -> Vector.Payload {
        switch a {
        case .numbers(let x): return .numbers(map(x, f))
        case .number(let c): return .number(f(c))
        default: preconditionFailure("numeric function on booleans (the type checker prevents this)")
        }
    }

    static func not(_ a: Vector.Payload) -> Vector.Payload {
        switch a {
        case .booleans(let x): return .booleans(map(x) { !$0 })
        case .boolean(let c): return .boolean(!c)
        default: preconditionFailure("'!' on numbers (the type checker prevents this)")
        }
    }

    /// Element-wise AND of two optional validity masks (nil = all valid).
    static func bothValid(_ a: [Bool]?, _ b: [Bool]?) -> [Bool]? {
        switch (a, b) {
        case (nil, nil): return nil
        case let (x?, nil): return x
        case let (nil, y?): return y
        case let (x?, y?): return zip(x, y) { $0 && $1 }
        }
    }

    /// Repeats each event's value over that event's elements.
    static func broadcast(_ p: Vector.Payload, offsets: [Int]) -> Vector.Payload {
        func expand<T>(_ values: [T]) -> [T] {
            let total = offsets.last ?? 0
            return [T](unsafeUninitializedCapacity: total) { out, count in
                values.withUnsafeBufferPointer { v in
                    offsets.withUnsafeBufferPointer { o in
                        for e in 0..<(o.count - 1) {
                            for k in o[e]..<o[e + 1] { (out.baseAddress! + k).initialize(to: v[e]) }
                        }
                    }
                }
                count = total
            }
        }
        switch p {
        case .numbers(let x): return .numbers(expand(x))
        case .booleans(let x): return .booleans(expand(x))
        case .number, .boolean: return p
        }
    }

    /// Materialises a payload as `count` doubles (booleans as 0/1).
    static func doubles(_ p: Vector.Payload, count: Int) -> [Double] {
        switch p {
        case .numbers(let x): return x
        case .booleans(let x): return map(x) { $0 ? 1 : 0 }
        case .number(let c): return [Double](repeating: c, count: count)
        case .boolean(let c): return [Double](repeating: c ? 1 : 0, count: count)
        }
    }

    /// Materialises a boolean payload as `count` booleans.
    static func bools(_ p: Vector.Payload, count: Int) -> [Bool] {
        switch p {
        case .booleans(let x): return x
        case .boolean(let c): return [Bool](repeating: c, count: count)
        case .numbers(let x): return map(x) { $0 != 0 }
        case .number(let c): return [Bool](repeating: c != 0, count: count)
        }
    }
}
