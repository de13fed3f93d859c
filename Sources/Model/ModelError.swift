/// Errors raised while loading, building or training a model. Each case says where the problem is.
public enum ModelError: Error, Equatable, CustomStringConvertible {
    /// The file could not be read or is neither JSON nor ONNX.
    case unreadable(path: String, reason: String)
    /// A JSON model document is malformed: `field` is a path such as `layers[2].weight`.
    case invalidJSON(field: String, reason: String)
    /// Layer widths do not chain: layer `index` expects `expected` inputs but receives `got`.
    case shapeMismatch(layer: String, expected: Int, got: Int)
    /// An ONNX node uses an operator this importer does not support.
    case unsupportedOperator(node: String, op: String)
    /// An ONNX node is supported but used in a way that does not form a feed-forward MLP.
    case unsupportedGraph(node: String, op: String, reason: String)
    /// An ONNX tensor (initializer or constant) could not be decoded.
    case invalidTensor(name: String, reason: String)
    /// Training was given inconsistent data or settings.
    case invalidTrainingData(String)

    public var description: String {
        switch self {
        case let .unreadable(p, r): return "cannot load model '\(p)': \(r)"
        case let .invalidJSON(f, r): return "JSON model: field '\(f)': \(r)"
        case let .shapeMismatch(l, e, g): return "layer \(l): expects \(e) inputs, receives \(g)"
        case let .unsupportedOperator(n, o): return "ONNX node '\(n)': operator '\(o)' is not supported"
        case let .unsupportedGraph(n, o, r): return "ONNX node '\(n)' (\(o)): \(r)"
        case let .invalidTensor(n, r): return "ONNX tensor '\(n)': \(r)"
        case let .invalidTrainingData(r): return "training: \(r)"
        }
    }
}
