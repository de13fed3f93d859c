import Columnar
import Foundation

/// Scratch memory for evaluating one block of rows through a network: the input (after
/// standardisation), every layer's output and one gradient buffer per layer boundary.
/// One workspace per thread; never shared.
final class BlockWorkspace {
    let capacity: Int
    let widths: [Int]
    /// activations[0] = input, activations[k + 1] = output of layer k; each capacity × widths[k].
    let activations: [UnsafeMutablePointer<Float>]
    /// gradients[k] = dLoss / d activations[k]; allocated only when `withGradients`.
    let gradients: [UnsafeMutablePointer<Float>]

    init(widths: [Int], capacity: Int, withGradients: Bool) {
        self.capacity = capacity
        self.widths = widths
        self.activations = widths.map { w in
            let p = UnsafeMutablePointer<Float>.allocate(capacity: max(1, capacity * w))
            p.initialize(repeating: 0, count: max(1, capacity * w))
            return p
        }
        self.gradients = withGradients ? widths.map { w in
            let p = UnsafeMutablePointer<Float>.allocate(capacity: max(1, capacity * w))
            p.initialize(repeating: 0, count: max(1, capacity * w))
            return p
        } : []
    }

    deinit {
        for p in activations { p.deallocate() }
        for p in gradients { p.deallocate() }
    }

    /// Copies rows `range` of `x` into the input buffer, standardised, as Float.
    func loadInput(_ x: FeatureMatrix, rows range: Range<Int>, standardization: Standardization?) {
        let f = widths[0]
        let dst = activations[0]
        x.values.withUnsafeBufferPointer { src in
            for (r, i) in range.enumerated() {
                let s = i * f, d = r * f
                if let st = standardization {
                    for j in 0..<f { dst[d + j] = Float((src[s + j] - st.mean[j]) / st.scale[j]) }
                } else {
                    for j in 0..<f { dst[d + j] = Float(src[s + j]) }
                }
            }
        }
    }

    /// Runs `layers` on the first `rows` rows of the input buffer.
    func forward(_ layers: [NetworkLayer], rows: Int) {
        for (k, layer) in layers.enumerated() {
            let x = UnsafePointer(activations[k]), y = activations[k + 1]
            let n = widths[k], m = widths[k + 1]
            switch layer {
            case .dense(let d):
                d.bias.withUnsafeBufferPointer { b in
                    PackedGemm.multiply(x, rows: rows, by: d.packed, bias: b.baseAddress, into: y)
                }
            case .affine(let a):
                a.scale.withUnsafeBufferPointer { s in
                    a.shift.withUnsafeBufferPointer { t in
                        for r in 0..<rows {
                            let o = r * n
                            for j in 0..<n { y[o + j] = x[o + j] * s[j] + t[j] }
                        }
                    }
                }
            case .activation(let f):
                f.apply(x, y, count: rows * n)
            case .softmax:
                for r in 0..<rows { Self.softmaxRow(x + r * m, y + r * m, count: m) }
            }
        }
    }

    /// Back-propagates gradients[layers.count] (set by the caller) down to gradients[0].
    /// When `parameterGradients` is given, accumulates dLoss/dW and dLoss/db of dense layer k into it.
    func backward(_ layers: [NetworkLayer], rows: Int, parameterGradients: ParameterGradients? = nil) {
        for k in stride(from: layers.count - 1, through: 0, by: -1) {
            let x = UnsafePointer(activations[k]), y = UnsafePointer(activations[k + 1])
            let gy = gradients[k + 1], gx = gradients[k]
            let n = widths[k], m = widths[k + 1]
            switch layers[k] {
            case .dense(let d):
                if let pg = parameterGradients { pg.accumulate(layer: k, input: x, outputGradient: UnsafePointer(gy), rows: rows, inputWidth: n, outputWidth: m) }
                if k > 0 || parameterGradients == nil {
                    PackedGemm.multiply(UnsafePointer(gy), rows: rows, by: d.packedTranspose, bias: nil, into: gx)
                }
            case .affine(let a):
                a.scale.withUnsafeBufferPointer { s in
                    for r in 0..<rows {
                        let o = r * n
                        for j in 0..<n { gx[o + j] = gy[o + j] * s[j] }
                    }
                }
            case .activation(let f):
                gx.update(from: gy, count: rows * n)
                f.backward(input: x, output: y, gradient: gx, count: rows * n)
            case .softmax:
                for r in 0..<rows {
                    let o = r * n
                    var dot: Float = 0
                    for j in 0..<n { dot += gy[o + j] * y[o + j] }
                    for j in 0..<n { gx[o + j] = y[o + j] * (gy[o + j] - dot) }
                }
            }
        }
    }

    /// Numerically stable softmax of one row.
    static func softmaxRow(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
        var mx = -Float.infinity
        for j in 0..<count { mx = max(mx, x[j]) }
        var sum: Double = 0
        for j in 0..<count { let e = Foundation.exp(Double(x[j] - mx)); y[j] = Float(e); sum += e }
        for j in 0..<count { y[j] = Float(Double(y[j]) / sum) }
    }
}

/// Accumulators for dLoss/dW and dLoss/db of every dense layer (indexed by layer position).
final class ParameterGradients {
    /// weight[k] / bias[k]: gradients of dense layer k (empty for other layers).
    var weight: [[Float]]
    var bias: [[Float]]

    init(layers: [NetworkLayer]) {
        weight = layers.map { l in
            if case .dense(let d) = l { return [Float](repeating: 0, count: d.weight.count) }
            return []
        }
        bias = layers.map { l in
            if case .dense(let d) = l { return [Float](repeating: 0, count: d.bias.count) }
            return []
        }
    }

    func reset() {
        for k in weight.indices {
            weight[k].withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
            bias[k].withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
        }
    }

    /// Adds `other` element-wise (fixed order: used to reduce per-chunk partial sums).
    func add(_ other: ParameterGradients) {
        for k in weight.indices {
            for i in weight[k].indices { weight[k][i] += other.weight[k][i] }
            for i in bias[k].indices { bias[k][i] += other.bias[k][i] }
        }
    }

    /// dW[i, j] += Σ_r x[r, i] · g[r, j];  db[j] += Σ_r g[r, j].
    func accumulate(layer k: Int, input x: UnsafePointer<Float>, outputGradient g: UnsafePointer<Float>,
                    rows: Int, inputWidth n: Int, outputWidth m: Int) {
        weight[k].withUnsafeMutableBufferPointer { w in
            guard let wb = w.baseAddress else { return }
            for r in 0..<rows {
                let gr = g + r * m
                for i in 0..<n {
                    let xi = x[r * n + i]
                    if xi == 0 { continue }
                    let wi = wb + i * m
                    for j in 0..<m { wi[j] += xi * gr[j] }
                }
            }
        }
        bias[k].withUnsafeMutableBufferPointer { b in
            for r in 0..<rows { for j in 0..<m { b[j] += g[r * m + j] } }
        }
    }
}
