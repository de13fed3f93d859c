/// A fully connected layer y = x·W + b with W stored row-major as inputCount × outputCount
/// (weight[i * outputCount + j] connects input i to output j).
public struct DenseLayer: Sendable, Equatable {
    public let inputCount: Int
    public let outputCount: Int
    public private(set) var weight: [Float]
    public private(set) var bias: [Float]
    private(set) var packed: PackedMatrix
    private(set) var packedTranspose: PackedMatrix

    public init(inputCount: Int, outputCount: Int, weight: [Float], bias: [Float]) throws {
        guard inputCount > 0, outputCount > 0 else {
            throw ModelError.shapeMismatch(layer: "dense \(inputCount)->\(outputCount)", expected: 1, got: 0)
        }
        guard weight.count == inputCount * outputCount else {
            throw ModelError.shapeMismatch(layer: "dense weight", expected: inputCount * outputCount, got: weight.count)
        }
        guard bias.count == outputCount else {
            throw ModelError.shapeMismatch(layer: "dense bias", expected: outputCount, got: bias.count)
        }
        self.inputCount = inputCount
        self.outputCount = outputCount
        self.weight = weight
        self.bias = bias
        self.packed = PackedMatrix(rows: inputCount, columns: outputCount, values: weight)
        self.packedTranspose = PackedMatrix(transposeOf: weight, rows: inputCount, columns: outputCount)
    }

    /// Replaces the parameters (same shapes) and re-packs them.
    mutating func setParameters(weight: [Float], bias: [Float]) {
        precondition(weight.count == self.weight.count && bias.count == self.bias.count)
        self.weight = weight
        self.bias = bias
        self.packed = PackedMatrix(rows: inputCount, columns: outputCount, values: weight)
        self.packedTranspose = PackedMatrix(transposeOf: weight, rows: inputCount, columns: outputCount)
    }
}

/// A per-feature affine map y_j = x_j · scale_j + shift_j (inference batch normalisation,
/// element-wise arithmetic with constants).
public struct AffineLayer: Sendable, Equatable {
    public let scale: [Float]
    public let shift: [Float]

    public init(scale: [Float], shift: [Float]) throws {
        guard scale.count == shift.count, !scale.isEmpty else {
            throw ModelError.shapeMismatch(layer: "affine", expected: scale.count, got: shift.count)
        }
        self.scale = scale
        self.shift = shift
    }

    /// Inference batch normalisation: gamma · (x − mean) / sqrt(variance + epsilon) + beta.
    public init(batchNormGamma gamma: [Double], beta: [Double], mean: [Double], variance: [Double],
                epsilon: Double) throws {
        let n = gamma.count
        guard beta.count == n, mean.count == n, variance.count == n, n > 0 else {
            throw ModelError.shapeMismatch(layer: "batchnorm", expected: n, got: min(beta.count, mean.count, variance.count))
        }
        var s = [Float](), t = [Float]()
        for j in 0..<n {
            let sc = gamma[j] / (variance[j] + epsilon).squareRoot()
            s.append(Float(sc))
            t.append(Float(beta[j] - mean[j] * sc))
        }
        try self.init(scale: s, shift: t)
    }

    public var width: Int { scale.count }
}

/// One step of a feed-forward network.
public enum NetworkLayer: Sendable, Equatable {
    case dense(DenseLayer)
    case affine(AffineLayer)
    case activation(Activation)
    /// Softmax over the features of each row.
    case softmax

    /// Output width for input width `n`, or nil when the layer cannot take `n` inputs.
    func outputWidth(forInput n: Int) -> Int? {
        switch self {
        case .dense(let d): return d.inputCount == n ? d.outputCount : nil
        case .affine(let a): return a.width == n ? n : nil
        case .activation, .softmax: return n
        }
    }

    /// Expected input width, when the layer fixes one.
    var requiredInputWidth: Int? {
        switch self {
        case .dense(let d): return d.inputCount
        case .affine(let a): return a.width
        case .activation, .softmax: return nil
        }
    }
}

/// How the network's last values become the score (probability of class 1).
public enum OutputKind: String, Sendable, Equatable, Codable {
    /// One logit z; score = sigmoid(z).
    case sigmoid
    /// C ≥ 2 logits; score = softmax(z)[C − 1].
    case softmax
    /// One value that already is the probability (clamped to [1e-7, 1 − 1e-7] for the loss gradient).
    case probability
}

/// Input standardisation applied in Double before the Float network: x′ = (x − mean) / scale.
public struct Standardization: Sendable, Equatable, Codable {
    public var mean: [Double]
    public var scale: [Double]

    public init(mean: [Double], scale: [Double]) {
        self.mean = mean
        self.scale = scale
    }

    /// Mean and standard deviation (population; 1 where the deviation is 0) of each column of `x`.
    public init(fitting x: [[Double]]) {
        let f = x.first?.count ?? 0
        var m = [Double](repeating: 0, count: f), s = [Double](repeating: 0, count: f)
        for row in x { for j in 0..<f { m[j] += row[j] } }
        let n = Double(max(x.count, 1))
        for j in 0..<f { m[j] /= n }
        for row in x { for j in 0..<f { let d = row[j] - m[j]; s[j] += d * d } }
        for j in 0..<f { let sd = (s[j] / n).squareRoot(); s[j] = sd > 0 ? sd : 1 }
        self.init(mean: m, scale: s)
    }
}
