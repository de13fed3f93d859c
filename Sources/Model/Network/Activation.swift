import Foundation

/// Element-wise activation functions, applied in Float on contiguous buffers.
public enum Activation: Sendable, Equatable {
    case identity
    case relu
    /// x for x > 0, alpha·x otherwise (ONNX default alpha 0.01).
    case leakyRelu(alpha: Float)
    /// x for x > 0, alpha·(exp(x) − 1) otherwise (ONNX default alpha 1).
    case elu(alpha: Float)
    /// gamma·(x for x > 0, alpha·(exp(x) − 1) otherwise), with the ONNX / Keras constants.
    case selu
    case sigmoid
    case tanh

    static let seluAlpha: Float = 1.67326319217681884765625
    static let seluGamma: Float = 1.05070102214813232421875

    /// Name used in the JSON model format.
    public var name: String {
        switch self {
        case .identity: return "linear"
        case .relu: return "relu"
        case .leakyRelu: return "leaky_relu"
        case .elu: return "elu"
        case .selu: return "selu"
        case .sigmoid: return "sigmoid"
        case .tanh: return "tanh"
        }
    }

    /// The parameter (alpha) of leaky_relu and elu, if any.
    public var alpha: Float? {
        switch self {
        case .leakyRelu(let a), .elu(let a): return a
        default: return nil
        }
    }

    /// Parses a JSON activation name (Keras spellings accepted); `alpha` for leaky_relu / elu.
    public init?(name: String, alpha: Float? = nil) {
        switch name.lowercased() {
        case "linear", "identity", "none", "": self = .identity
        case "relu": self = .relu
        case "leaky_relu", "leakyrelu": self = .leakyRelu(alpha: alpha ?? 0.01)
        case "elu": self = .elu(alpha: alpha ?? 1)
        case "selu": self = .selu
        case "sigmoid": self = .sigmoid
        case "tanh": self = .tanh
        default: return nil
        }
    }

    /// y[i] = f(x[i]) for i < count (x and y may alias).
    func apply(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
        switch self {
        case .identity:
            if UnsafePointer(y) != x { y.update(from: x, count: count) }
        case .relu:
            for i in 0..<count { let v = x[i]; y[i] = v > 0 ? v : 0 }
        case .leakyRelu(let a):
            for i in 0..<count { let v = x[i]; y[i] = v > 0 ? v : a * v }
        case .elu(let a):
            for i in 0..<count { let v = x[i]; y[i] = v > 0 ? v : a * Float(Foundation.expm1(Double(v))) }
        case .selu:
            let a = Activation.seluAlpha, g = Activation.seluGamma
            for i in 0..<count { let v = x[i]; y[i] = g * (v > 0 ? v : a * Float(Foundation.expm1(Double(v)))) }
        case .sigmoid:
            for i in 0..<count { y[i] = Float(1 / (1 + Foundation.exp(-Double(x[i])))) }
        case .tanh:
            for i in 0..<count { y[i] = Float(Foundation.tanh(Double(x[i]))) }
        }
    }

    /// g[i] ← g[i] · f′(x[i]), given the input x and output y = f(x) of the forward pass.
    func backward(input x: UnsafePointer<Float>, output y: UnsafePointer<Float>,
                  gradient g: UnsafeMutablePointer<Float>, count: Int) {
        switch self {
        case .identity: return
        case .relu:
            for i in 0..<count where !(x[i] > 0) { g[i] = 0 }
        case .leakyRelu(let a):
            for i in 0..<count where !(x[i] > 0) { g[i] *= a }
        case .elu(let a):
            for i in 0..<count where !(x[i] > 0) { g[i] *= y[i] + a }
        case .selu:
            let a = Activation.seluAlpha, s = Activation.seluGamma
            for i in 0..<count { g[i] *= x[i] > 0 ? s : y[i] + s * a }
        case .sigmoid:
            for i in 0..<count { let s = y[i]; g[i] *= s * (1 - s) }
        case .tanh:
            for i in 0..<count { let t = y[i]; g[i] *= 1 - t * t }
        }
    }
}
