import Foundation

/// Compiles one ONNX node, given what its inputs are (constants or the chain's data tensor),
/// into network layers (data nodes) or constants (constant folding of shape arithmetic).
struct NodeCompiler {
    enum Input {
        case constant(ONNXConstant)
        case data(width: Int, rank: Int)
    }

    enum Result {
        case constants([ONNXConstant])
        case layers([NetworkLayer], width: Int, rank: Int)
    }

    let node: Onnx_NodeProto
    let name: String
    let values: [String: Input]

    private var op: String { node.opType }

    private func fail(_ reason: String) -> ModelError { .unsupportedGraph(node: name, op: op, reason: reason) }

    private func input(_ i: Int) throws -> Input {
        guard i < node.input.count, !node.input[i].isEmpty else { throw fail("missing input \(i)") }
        guard let v = values[node.input[i]] else { throw fail("input '\(node.input[i])' is not produced earlier in the graph") }
        return v
    }

    private func optionalInput(_ i: Int) throws -> Input? {
        guard i < node.input.count, !node.input[i].isEmpty else { return nil }
        return try input(i)
    }

    private func constant(_ i: Int) throws -> ONNXConstant {
        guard case .constant(let c) = try input(i) else { throw fail("input \(i) must be a constant (initializer)") }
        return c
    }

    private func data(_ i: Int) throws -> (width: Int, rank: Int) {
        guard case .data(let w, let r) = try input(i) else { throw fail("input \(i) must be the data tensor") }
        return (w, r)
    }

    private func attribute(_ n: String) -> Onnx_AttributeProto? { node.attribute.first { $0.name == n } }
    private func float(_ n: String, _ d: Float) -> Float { attribute(n).map { $0.f } ?? d }
    private func int(_ n: String, _ d: Int) -> Int { attribute(n).map { Int($0.i) } ?? d }

    private var allInputsConstant: Bool {
        node.input.allSatisfy { name in
            if name.isEmpty { return true }
            if case .constant? = values[name] { return true }
            return false
        }
    }

    func compile() throws -> Result {
        switch op {
        case "Constant": return .constants([try constantNode()])
        case "Gemm": return try gemm()
        case "MatMul": return try matMul()
        case "Add", "Sub", "Mul", "Div": return try arithmetic()
        case "Relu": return try activation(.relu)
        case "LeakyRelu": return try activation(.leakyRelu(alpha: float("alpha", 0.01)))
        case "Elu": return try activation(.elu(alpha: float("alpha", 1)))
        case "Selu":
            guard float("alpha", Activation.seluAlpha) == Activation.seluAlpha, float("gamma", Activation.seluGamma) == Activation.seluGamma else {
                throw fail("only the standard alpha and gamma are supported")
            }
            return try activation(.selu)
        case "Sigmoid": return try activation(.sigmoid)
        case "Tanh": return try activation(.tanh)
        case "Softmax": return try softmax()
        case "BatchNormalization": return try batchNorm()
        case "Dropout", "Identity": return try passThrough()
        case "Cast": return try cast()
        case "Flatten": return try flatten()
        case "Reshape": return try reshape()
        case "Squeeze", "Unsqueeze": return try squeezeOrUnsqueeze()
        case "Concat": return try concat()
        case "Shape": return try shape()
        case "Gather": return try gather()
        default: throw ModelError.unsupportedOperator(node: name, op: op)
        }
    }

    // MARK: Constants

    private func constantNode() throws -> ONNXConstant {
        guard let a = node.attribute.first else { throw fail("has no value attribute") }
        switch a.name {
        case "value": return try ONNXConstant(a.t)
        case "value_float": return ONNXConstant(shape: [], values: [Double(a.f)])
        case "value_floats": return ONNXConstant(shape: [a.floats.count], values: a.floats.map(Double.init))
        case "value_int": return ONNXConstant(shape: [], values: [Double(a.i)], isFloatingPoint: false)
        case "value_ints": return ONNXConstant(shape: [a.ints.count], values: a.ints.map(Double.init), isFloatingPoint: false)
        default: throw fail("value attribute '\(a.name)' is not supported")
        }
    }

    // MARK: Dense

    private func gemm() throws -> Result {
        let x = try data(0)
        guard x.rank == 2 else { throw fail("expects a rank-2 input") }
        guard int("transA", 0) == 0 else { throw fail("transA = 1 is not supported") }
        let b = try constant(1)
        guard b.shape.count == 2 else { throw fail("B must be a matrix, has shape \(b.shape)") }
        let transB = int("transB", 0) != 0
        let (k, n) = transB ? (b.shape[1], b.shape[0]) : (b.shape[0], b.shape[1])
        guard k == x.width else { throw ModelError.shapeMismatch(layer: name, expected: k, got: x.width) }
        let alpha = Double(float("alpha", 1)), beta = Double(float("beta", 1))
        var w = [Float](repeating: 0, count: k * n)
        for i in 0..<k { for j in 0..<n { w[i * n + j] = Float(alpha * (transB ? b.values[j * k + i] : b.values[i * n + j])) } }
        var bias = [Float](repeating: 0, count: n)
        if let c = try optionalInput(2) {
            guard case .constant(let cc) = c, let v = cc.perFeature(width: n) else { throw fail("C must be a constant broadcastable to [\(n)]") }
            bias = v.map { Float(beta * $0) }
        }
        return .layers([.dense(try DenseLayer(inputCount: k, outputCount: n, weight: w, bias: bias))], width: n, rank: 2)
    }

    private func matMul() throws -> Result {
        let x = try data(0)
        guard x.rank == 2 else { throw fail("expects a rank-2 data input first") }
        let b = try constant(1)
        guard b.shape.count == 2 else { throw fail("the constant must be a matrix, has shape \(b.shape)") }
        guard b.shape[0] == x.width else { throw ModelError.shapeMismatch(layer: name, expected: b.shape[0], got: x.width) }
        let n = b.shape[1]
        return .layers([.dense(try DenseLayer(inputCount: x.width, outputCount: n, weight: b.values.map(Float.init),
                                              bias: [Float](repeating: 0, count: n)))], width: n, rank: 2)
    }

    // MARK: Element-wise

    private func arithmetic() throws -> Result {
        let a = try input(0), b = try input(1)
        let (x, c, dataFirst): ((width: Int, rank: Int), ONNXConstant, Bool)
        switch (a, b) {
        case (.data(let w, let r), .constant(let k)): (x, c, dataFirst) = ((w, r), k, true)
        case (.constant(let k), .data(let w, let r)): (x, c, dataFirst) = ((w, r), k, false)
        case (.constant, .constant): throw fail("arithmetic on two constants is not supported (fold it at export)")
        case (.data, .data): throw fail("arithmetic between two data tensors is not feed-forward")
        }
        guard c.shape.count <= x.rank || c.count == 1, let v = c.perFeature(width: x.width) else {
            throw fail("constant of shape \(c.shape) does not broadcast per feature over width \(x.width)")
        }
        let n = x.width
        var scale = [Float](repeating: 1, count: n), shift = [Float](repeating: 0, count: n)
        switch (op, dataFirst) {
        case ("Add", _): shift = v.map(Float.init)
        case ("Sub", true): shift = v.map { Float(-$0) }
        case ("Sub", false): scale = [Float](repeating: -1, count: n); shift = v.map(Float.init)
        case ("Mul", _): scale = v.map(Float.init)
        case ("Div", true):
            guard !v.contains(0) else { throw fail("division by a zero constant") }
            scale = v.map { Float(1 / $0) }
        default: throw fail("dividing a constant by the data tensor is not supported")
        }
        return .layers([.affine(try AffineLayer(scale: scale, shift: shift))], width: n, rank: x.rank)
    }

    private func activation(_ a: Activation) throws -> Result {
        let x = try data(0)
        return .layers([.activation(a)], width: x.width, rank: x.rank)
    }

    private func softmax() throws -> Result {
        let x = try data(0)
        let axis = int("axis", x.rank == 2 ? -1 : 0)
        guard x.rank == 2, axis == -1 || axis == 1 else { throw fail("softmax must run over the features (axis 1 / -1 of [N, F])") }
        return .layers([.softmax], width: x.width, rank: 2)
    }

    private func batchNorm() throws -> Result {
        let x = try data(0)
        guard int("training_mode", 0) == 0, node.output.count == 1 || node.output.dropFirst().allSatisfy(\.isEmpty) else {
            throw fail("training-mode batch normalisation is not supported")
        }
        let n = x.width
        func vec(_ i: Int, _ what: String) throws -> [Double] {
            let c = try constant(i)
            guard let v = c.perFeature(width: n), c.count == n || n == 1 else { throw fail("\(what) must have \(n) values, has shape \(c.shape)") }
            return v
        }
        let layer = try AffineLayer(batchNormGamma: try vec(1, "scale"), beta: try vec(2, "B"), mean: try vec(3, "mean"),
                                    variance: try vec(4, "var"), epsilon: Double(float("epsilon", 1e-5)))
        return .layers([.affine(layer)], width: n, rank: x.rank)
    }

    // MARK: Shape plumbing

    private func passThrough() throws -> Result {
        switch try input(0) {
        case .constant(let c): return .constants([c])
        case .data(let w, let r): return .layers([], width: w, rank: r)
        }
    }

    private func cast() throws -> Result {
        let to = int("to", 1)
        switch try input(0) {
        case .constant(var c):
            c.isFloatingPoint = to == 1 || to == 10 || to == 11
            if !c.isFloatingPoint { c.values = c.values.map { $0.rounded(.towardZero) } }
            return .constants([c])
        case .data(let w, let r):
            guard to == 1 || to == 11 || to == 10 else { throw fail("casting the data tensor to type \(to) is not supported (float types only)") }
            return .layers([], width: w, rank: r)
        }
    }

    private func flatten() throws -> Result {
        let axis = int("axis", 1)
        switch try input(0) {
        case .constant(var c):
            let a = axis < 0 ? axis + c.shape.count : axis
            guard a >= 0, a <= c.shape.count else { throw fail("invalid axis \(axis)") }
            c.shape = [c.shape[..<a].reduce(1, *), c.shape[a...].reduce(1, *)]
            return .constants([c])
        case .data(let w, let r):
            guard axis == 1 || (axis == -1 && r == 2) else { throw fail("only axis 1 keeps [N, F]") }
            return .layers([], width: w, rank: 2)
        }
    }

    private func reshape() throws -> Result {
        let target = try constant(1)
        guard let dims = target.integers else { throw fail("target shape is not integral") }
        switch try input(0) {
        case .constant(var c):
            var d = dims
            for (i, v) in d.enumerated() where v == 0 && i < c.shape.count { d[i] = c.shape[i] }
            if let m = d.firstIndex(of: -1) {
                let known = d.enumerated().filter { $0.offset != m }.reduce(1) { $0 * $1.element }
                guard known > 0, c.count % known == 0 else { throw fail("cannot infer -1 in \(dims)") }
                d[m] = c.count / known
            }
            guard d.reduce(1, *) == c.count else { throw fail("shape \(dims) does not fit \(c.count) values") }
            c.shape = d
            return .constants([c])
        case .data(let w, _):
            // Accepted: [N, F] → [-1 | 0 | N, F], [0, -1]; [N, 1] ↔ [N].
            switch dims.count {
            case 2 where dims[1] == w || (dims[0] == 0 && dims[1] == -1):
                return .layers([], width: w, rank: 2)
            case 1 where w == 1 && (dims[0] == -1 || dims[0] == 0):
                return .layers([], width: 1, rank: 1)
            default:
                throw fail("reshape of [N, \(w)] to \(dims) is not supported (only [N, F] ↔ [N, F] or [N, 1] ↔ [N])")
            }
        }
    }

    private func axes() throws -> [Int]? {
        if let a = attribute("axes") { return a.ints.map { Int($0) } }
        if let c = try optionalInput(1) {
            guard case .constant(let k) = c, let v = k.integers else { throw fail("axes must be constant integers") }
            return v
        }
        return nil
    }

    private func squeezeOrUnsqueeze() throws -> Result {
        let ax = try axes()
        switch try input(0) {
        case .constant(var c):
            if op == "Squeeze" {
                if let ax {
                    let norm = Set(ax.map { $0 < 0 ? $0 + c.shape.count : $0 })
                    c.shape = c.shape.enumerated().filter { !norm.contains($0.offset) }.map(\.element)
                } else {
                    c.shape = c.shape.filter { $0 != 1 }
                }
            } else {
                guard let ax else { throw fail("Unsqueeze needs axes") }
                let rank = c.shape.count + ax.count
                let norm = Set(ax.map { $0 < 0 ? $0 + rank : $0 })
                var s: [Int] = [], it = c.shape.makeIterator()
                for i in 0..<rank { s.append(norm.contains(i) ? 1 : (it.next() ?? 1)) }
                c.shape = s
            }
            return .constants([c])
        case .data(let w, let r):
            let norm = (ax ?? []).map { $0 < 0 ? $0 + (op == "Squeeze" ? r : r + 1) : $0 }
            if op == "Squeeze", r == 2, w == 1, ax == nil || norm == [1] { return .layers([], width: 1, rank: 1) }
            if op == "Unsqueeze", r == 1, norm == [1] { return .layers([], width: 1, rank: 2) }
            throw fail("only [N, 1] ↔ [N] is supported on the data tensor (width \(w), rank \(r), axes \(ax ?? []))")
        }
    }

    private func concat() throws -> Result {
        guard allInputsConstant else { throw fail("concatenating the data tensor is not supported") }
        let parts = try (0..<node.input.count).map { try constant($0) }
        guard let first = parts.first else { throw fail("has no inputs") }
        let axis = int("axis", 0)
        let rank = first.shape.count
        let a = axis < 0 ? axis + rank : axis
        guard rank <= 1 || a == 0 else { throw fail("constant concat only along axis 0") }
        var c = first
        c.values = parts.flatMap(\.values)
        c.shape = rank == 0 ? [c.values.count] : [parts.reduce(0) { $0 + ($1.shape.first ?? 1) }] + Array(first.shape.dropFirst())
        return .constants([c])
    }

    private func shape() throws -> Result {
        switch try input(0) {
        case .constant(let c):
            return .constants([ONNXConstant(shape: [c.shape.count], values: c.shape.map(Double.init), isFloatingPoint: false)])
        case .data(let w, let r):
            // The batch dimension is unknown: -1 (Reshape infers it).
            return .constants([ONNXConstant(shape: [r], values: r == 2 ? [-1, Double(w)] : [-1], isFloatingPoint: false)])
        }
    }

    private func gather() throws -> Result {
        let c = try constant(0), idx = try constant(1)
        guard c.shape.count == 1, int("axis", 0) == 0, let ii = idx.integers else { throw fail("only gathering from a constant vector") }
        var vals: [Double] = []
        for i in ii {
            let j = i < 0 ? i + c.count : i
            guard j >= 0, j < c.count else { throw fail("index \(i) out of range \(c.count)") }
            vals.append(c.values[j])
        }
        return .constants([ONNXConstant(shape: idx.shape, values: vals, isFloatingPoint: c.isFloatingPoint)])
    }
}
