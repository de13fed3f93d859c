import Foundation
import SwiftProtobuf

/// Compiles an ONNX model (ModelProto bytes) into a `FeedForwardNetwork`.
///
/// Accepted graphs: one float input [N, F], one output, and a chain of nodes in which every
/// non-constant node consumes the chain's latest tensor (plus constants). Supported operators:
/// Gemm, MatMul, Add, Sub, Mul, Div (with constants), Relu, LeakyRelu, Elu, Selu, Sigmoid, Tanh,
/// Softmax, BatchNormalization (inference), Dropout, Identity, Flatten, Reshape, Squeeze,
/// Unsqueeze, Cast, Concat, Constant, and Shape / Gather on constants (shape arithmetic).
/// Anything else throws `ModelError.unsupportedOperator` / `.unsupportedGraph` naming the node.
public enum ONNXImporter {
    /// How to read the output when the graph does not end in Sigmoid or Softmax.
    public struct Options: Sendable {
        /// nil: infer (trailing Sigmoid → sigmoid, trailing Softmax → softmax, one value → probability,
        /// several values → error). Set it to read the graph's output as logits, for example.
        public var output: OutputKind?
        /// Fold per-feature affine steps (BatchNormalization, Add/Mul with constants) into the
        /// neighbouring dense layer (faster; results change only by float rounding).
        public var foldAffine: Bool

        public init(output: OutputKind? = nil, foldAffine: Bool = true) {
            self.output = output
            self.foldAffine = foldAffine
        }
    }

    /// Parses and compiles ONNX bytes.
    public static func load(_ data: Data, options: Options = Options()) throws -> FeedForwardNetwork {
        let model: Onnx_ModelProto
        do { model = try Onnx_ModelProto(serializedBytes: data) } catch {
            throw ModelError.unreadable(path: "<onnx>", reason: "not a valid ONNX protobuf: \(error)")
        }
        return try compile(model.graph, options: options)
    }

    /// What a tensor name stands for while walking the graph.
    private enum Value {
        case constant(ONNXConstant)
        /// The chain's data tensor after `layerCount` layers: [N, width] (rank 2) or [N] (rank 1, width 1).
        case data(width: Int, rank: Int, layerCount: Int)
    }

    static func compile(_ graph: Onnx_GraphProto, options: Options) throws -> FeedForwardNetwork {
        var values: [String: Value] = [:]
        for t in graph.initializer { values[t.name] = .constant(try ONNXConstant(t)) }
        let dataInputs = graph.input.filter { values[$0.name] == nil }
        guard dataInputs.count == 1, let input = dataInputs.first else {
            throw ModelError.unsupportedGraph(node: "<graph inputs>", op: "input",
                                              reason: "expected one data input, found \(dataInputs.count): \(dataInputs.map(\.name))")
        }
        let elem = input.type.tensorType.elemType
        guard elem == 1 || elem == 11 || elem == 10 else {
            throw ModelError.unsupportedGraph(node: input.name, op: "input", reason: "input element type \(elem) is not a float type")
        }
        let dims = input.type.tensorType.shape.dim
        guard dims.count == 2, case .dimValue(let f)? = dims[1].value, f > 0, f < 1 << 20 else {
            throw ModelError.unsupportedGraph(node: input.name, op: "input", reason: "input must be [N, F] with a known F")
        }
        let features = Int(f)
        values[input.name] = .data(width: features, rank: 2, layerCount: 0)
        var layers: [NetworkLayer] = []
        var latest = input.name
        var lastOp = ""

        for (index, node) in graph.node.enumerated() {
            let name = node.name.isEmpty ? "#\(index) \(node.opType)" : node.name
            let op = node.opType
            guard node.domain.isEmpty || node.domain == "ai.onnx" else {
                throw ModelError.unsupportedOperator(node: name, op: "\(node.domain).\(op)")
            }
            let step = NodeCompiler(node: node, name: name, values: values.mapValues { v -> NodeCompiler.Input in
                switch v {
                case .constant(let c): return .constant(c)
                case .data(let w, let r, _): return .data(width: w, rank: r)
                }
            })
            let result = try step.compile()
            // Data-consuming nodes must consume the latest data tensor: a chain, no branches.
            let dataInputs = node.input.filter { if case .data? = values[$0] { return true }; return false }
            switch result {
            case .constants(let outs):
                guard dataInputs.isEmpty || op == "Shape" else {
                    throw ModelError.unsupportedGraph(node: name, op: op, reason: "produces a constant from the data tensor")
                }
                for (o, c) in zip(node.output, outs) { values[o] = .constant(c) }
            case .layers(let newLayers, let width, let rank):
                guard dataInputs.count == 1, dataInputs[0] == latest else {
                    throw ModelError.unsupportedGraph(node: name, op: op,
                        reason: "not a feed-forward chain: consumes \(dataInputs) while the chain is at '\(latest)'")
                }
                guard case .data(_, _, let count)? = values[latest], count == layers.count else {
                    throw ModelError.unsupportedGraph(node: name, op: op, reason: "not a feed-forward chain: '\(latest)' was already consumed")
                }
                layers += newLayers
                guard let out = node.output.first else {
                    throw ModelError.unsupportedGraph(node: name, op: op, reason: "has no output")
                }
                values[out] = .data(width: width, rank: rank, layerCount: layers.count)
                latest = out
                if !newLayers.isEmpty || !["Identity", "Dropout", "Cast", "Flatten", "Reshape", "Squeeze", "Unsqueeze"].contains(op) { lastOp = op }
            }
        }
        let outputs = graph.output.map(\.name)
        guard outputs.count == 1, outputs[0] == latest else {
            throw ModelError.unsupportedGraph(node: "<graph outputs>", op: "output",
                                              reason: "expected one output equal to the chain's end '\(latest)', found \(outputs)")
        }
        if options.foldAffine { layers = AffineFolding.fold(layers) }
        var output = options.output ?? .probability
        if options.output == nil, case .data(let w, _, _)? = values[latest], w > 1 {
            guard case .softmax? = layers.last else {
                throw ModelError.unsupportedGraph(node: latest, op: lastOp,
                    reason: "output has \(w) values but no Softmax: pass Options(output: .softmax) to read them as logits")
            }
            output = .probability
        }
        return try FeedForwardNetwork(inputCount: features, layers: layers, output: output)
    }
}
