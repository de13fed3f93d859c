import Columnar
import Dispatch
import Foundation

/// A feed-forward network over one float input [N, F]: optional Double standardisation, then a
/// sequence of layers evaluated in Float, then an output head (sigmoid, softmax or probability).
/// Every model kind (JSON MLP, ONNX graph) compiles to this.
///
/// Evaluation is batched: rows are cut into fixed blocks of `blockRows`, spread over `threadCount`
/// threads. Each row's arithmetic is independent of the blocking, so results are bit-identical
/// for any thread count.
public struct FeedForwardNetwork: DifferentiableClassifier, Equatable {
    public let inputCount: Int
    public var featureNames: [String]?
    public let standardization: Standardization?
    public internal(set) var layers: [NetworkLayer]
    public let output: OutputKind
    /// widths[0] = inputCount, widths[k + 1] = output width of layer k.
    public let widths: [Int]
    /// Threads used by `scores`, `outputs` and `lossGradient` (default: active processors).
    public var threadCount: Int = ProcessInfo.processInfo.activeProcessorCount
    /// Rows evaluated together per block.
    public var blockRows: Int = 128

    /// Builds and checks a network. A trailing `sigmoid` activation (probability output, width 1)
    /// or trailing `softmax` is moved into the output head so gradients are taken through logits.
    public init(inputCount: Int, layers: [NetworkLayer], output: OutputKind = .probability,
                featureNames: [String]? = nil, standardization: Standardization? = nil) throws {
        guard inputCount > 0 else { throw ModelError.shapeMismatch(layer: "input", expected: 1, got: inputCount) }
        if let names = featureNames, names.count != inputCount {
            throw ModelError.shapeMismatch(layer: "feature names", expected: inputCount, got: names.count)
        }
        if let s = standardization {
            guard s.mean.count == inputCount, s.scale.count == inputCount else {
                throw ModelError.shapeMismatch(layer: "standardisation", expected: inputCount, got: min(s.mean.count, s.scale.count))
            }
            if let j = s.scale.firstIndex(where: { !($0.isFinite && $0 != 0) }) {
                throw ModelError.invalidJSON(field: "input.scale[\(j)]", reason: "must be finite and non-zero")
            }
        }
        var layers = layers, output = output
        if output == .probability, case .activation(.sigmoid)? = layers.last { layers.removeLast(); output = .sigmoid }
        if output == .probability, case .softmax? = layers.last { layers.removeLast(); output = .softmax }
        var widths = [inputCount]
        for (k, l) in layers.enumerated() {
            let n = widths[k]
            guard let m = l.outputWidth(forInput: n) else {
                throw ModelError.shapeMismatch(layer: "\(k)", expected: l.requiredInputWidth ?? n, got: n)
            }
            widths.append(m)
        }
        let last = widths[widths.count - 1]
        switch output {
        case .sigmoid, .probability:
            guard last == 1 else { throw ModelError.shapeMismatch(layer: "output (\(output.rawValue))", expected: 1, got: last) }
        case .softmax:
            guard last >= 2 else { throw ModelError.shapeMismatch(layer: "output (softmax)", expected: 2, got: last) }
        }
        self.inputCount = inputCount
        self.layers = layers
        self.output = output
        self.widths = widths
        self.featureNames = featureNames
        self.standardization = standardization
    }

    /// Width of the last layer (1 for sigmoid / probability outputs, classes for softmax).
    public var outputWidth: Int { widths[widths.count - 1] }

    /// Number of trainable parameters (dense weights and biases).
    public var parameterCount: Int {
        layers.reduce(0) { n, l in if case .dense(let d) = l { return n + d.weight.count + d.bias.count }; return n }
    }

    public static func == (a: FeedForwardNetwork, b: FeedForwardNetwork) -> Bool {
        a.inputCount == b.inputCount && a.featureNames == b.featureNames && a.standardization == b.standardization
            && a.layers == b.layers && a.output == b.output
    }

    // MARK: Evaluation

    /// One score per row: the probability of class 1 (the last class for softmax).
    public func scores(_ x: FeatureMatrix) -> [Double] {
        precondition(x.columns == inputCount, "FeatureMatrix has \(x.columns) columns, the model takes \(inputCount)")
        var out = [Double](repeating: 0, count: x.rows)
        let zw = outputWidth
        out.withUnsafeMutableBufferPointer { o in
            let o = o
            forEachBlock(rows: x.rows, withGradients: false) { ws, range in
                ws.loadInput(x, rows: range, standardization: standardization)
                ws.forward(layers, rows: range.count)
                let z = ws.activations[layers.count]
                for r in 0..<range.count { o[range.lowerBound + r] = score(z + r * zw) }
            }
        }
        return out
    }

    /// The last layer's values (logits for sigmoid/softmax heads), rows × outputWidth.
    public func outputs(_ x: FeatureMatrix) -> FeatureMatrix {
        precondition(x.columns == inputCount)
        let zw = outputWidth
        var out = [Double](repeating: 0, count: x.rows * zw)
        out.withUnsafeMutableBufferPointer { o in
            let o = o
            forEachBlock(rows: x.rows, withGradients: false) { ws, range in
                ws.loadInput(x, rows: range, standardization: standardization)
                ws.forward(layers, rows: range.count)
                let z = ws.activations[layers.count]
                for i in 0..<(range.count * zw) { o[range.lowerBound * zw + i] = Double(z[i]) }
            }
        }
        return FeatureMatrix(rows: x.rows, columns: zw, values: out)
    }

    /// d/dx of the binary cross-entropy of each row's score against `labels` (rows × inputCount).
    public func lossGradient(_ x: FeatureMatrix, labels: [Double]) -> FeatureMatrix {
        precondition(x.columns == inputCount && labels.count == x.rows, "shape mismatch in lossGradient")
        var out = [Double](repeating: 0, count: x.rows * inputCount)
        let f = inputCount
        out.withUnsafeMutableBufferPointer { o in
            let o = o
            labels.withUnsafeBufferPointer { y in
                let y = y
                forEachBlock(rows: x.rows, withGradients: true) { ws, range in
                    ws.loadInput(x, rows: range, standardization: standardization)
                    ws.forward(layers, rows: range.count)
                    seedLossGradient(ws, rows: range.count) { y[range.lowerBound + $0] }
                    ws.backward(layers, rows: range.count)
                    let g = ws.gradients[0]
                    for r in 0..<range.count {
                        let base = (range.lowerBound + r) * f
                        for j in 0..<f {
                            var v = Double(g[r * f + j])
                            if let s = standardization { v /= s.scale[j] }
                            o[base + j] = v
                        }
                    }
                }
            }
        }
        return FeatureMatrix(rows: x.rows, columns: inputCount, values: out, names: x.names)
    }

    // MARK: Head

    /// The score of one row from the last layer's values `z`.
    func score(_ z: UnsafePointer<Float>) -> Double {
        switch output {
        case .sigmoid: return 1 / (1 + Foundation.exp(-Double(z[0])))
        case .probability: return Double(z[0])
        case .softmax:
            let c = outputWidth
            var mx = -Double.infinity
            for j in 0..<c { mx = max(mx, Double(z[j])) }
            var sum = 0.0
            for j in 0..<c { sum += Foundation.exp(Double(z[j]) - mx) }
            return Foundation.exp(Double(z[c - 1]) - mx) / sum
        }
    }

    /// Sets gradients[layers.count] to dBCE/dz for every row (weights optional: per-row factor).
    func seedLossGradient(_ ws: BlockWorkspace, rows: Int, label: (Int) -> Double, weight: ((Int) -> Double)? = nil) {
        let z = ws.activations[layers.count], g = ws.gradients[layers.count]
        let c = outputWidth
        for r in 0..<rows {
            let y = label(r), w = weight?(r) ?? 1
            let zr = z + r * c, gr = g + r * c
            switch output {
            case .sigmoid:
                gr[0] = Float(w * (score(zr) - y))
            case .probability:
                let s = min(max(Double(zr[0]), 1e-7), 1 - 1e-7)
                gr[0] = Float(w * (s - y) / (s * (1 - s)))
            case .softmax:
                // p = softmax(z); q = 1 − p_last = Σ_{k<last} p_k; r_k = p_k / q (softmax of the others).
                var mx = -Double.infinity, mxOthers = -Double.infinity
                for j in 0..<c { mx = max(mx, Double(zr[j])); if j < c - 1 { mxOthers = max(mxOthers, Double(zr[j])) } }
                var sum = 0.0, sumOthers = 0.0
                for j in 0..<c { sum += Foundation.exp(Double(zr[j]) - mx) }
                for j in 0..<(c - 1) { sumOthers += Foundation.exp(Double(zr[j]) - mxOthers) }
                let pLast = Foundation.exp(Double(zr[c - 1]) - mx) / sum
                for j in 0..<(c - 1) {
                    let p = Foundation.exp(Double(zr[j]) - mx) / sum
                    let ratio = Foundation.exp(Double(zr[j]) - mxOthers) / sumOthers
                    gr[j] = Float(w * (y * p - (1 - y) * pLast * ratio))
                }
                gr[c - 1] = Float(w * (pLast - y))
            }
        }
    }

    // MARK: Parallel driver

    /// Calls `body` for every block of rows, spread over `threadCount` threads, one workspace per thread.
    func forEachBlock(rows: Int, withGradients: Bool, _ body: (BlockWorkspace, Range<Int>) -> Void) {
        guard rows > 0 else { return }
        let b = max(1, blockRows)
        let blocks = (rows + b - 1) / b
        let threads = max(1, min(threadCount, blocks))
        func run(_ t: Int) {
            let ws = BlockWorkspace(widths: widths, capacity: b, withGradients: withGradients)
            var k = t
            while k < blocks {
                body(ws, (k * b) ..< min(rows, (k + 1) * b))
                k += threads
            }
        }
        if threads == 1 { run(0) } else { DispatchQueue.concurrentPerform(iterations: threads) { run($0) } }
    }
}
