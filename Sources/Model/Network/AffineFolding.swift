/// Folds per-feature affine layers into an adjacent dense layer (exact in real arithmetic):
///   dense then affine:  (x·W + b)·s + t = x·(W·diag(s)) + (b·s + t)
///   affine then dense:  (x·s + t)·W + b = x·(diag(s)·W) + (t·W + b)
enum AffineFolding {
    static func fold(_ layers: [NetworkLayer]) -> [NetworkLayer] {
        var out: [NetworkLayer] = []
        // Pass 1: dense followed by affine.
        for l in layers {
            if case .affine(let a) = l, case .dense(let d)? = out.last, let merged = try? denseThenAffine(d, a) {
                out[out.count - 1] = .dense(merged)
            } else {
                out.append(l)
            }
        }
        // Pass 2: affine followed by dense.
        var result: [NetworkLayer] = []
        var i = 0
        while i < out.count {
            if i + 1 < out.count, case .affine(let a) = out[i], case .dense(let d) = out[i + 1], let merged = try? affineThenDense(a, d) {
                result.append(.dense(merged))
                i += 2
            } else {
                result.append(out[i])
                i += 1
            }
        }
        return result
    }

    static func denseThenAffine(_ d: DenseLayer, _ a: AffineLayer) throws -> DenseLayer {
        let n = d.outputCount
        var w = d.weight, b = d.bias
        for i in 0..<d.inputCount { for j in 0..<n { w[i * n + j] = Float(Double(w[i * n + j]) * Double(a.scale[j])) } }
        for j in 0..<n { b[j] = Float(Double(b[j]) * Double(a.scale[j]) + Double(a.shift[j])) }
        return try DenseLayer(inputCount: d.inputCount, outputCount: n, weight: w, bias: b)
    }

    static func affineThenDense(_ a: AffineLayer, _ d: DenseLayer) throws -> DenseLayer {
        let n = d.outputCount
        var w = d.weight
        var b = d.bias.map(Double.init)
        for i in 0..<d.inputCount {
            for j in 0..<n {
                b[j] += Double(a.shift[i]) * Double(d.weight[i * n + j])
                w[i * n + j] = Float(Double(d.weight[i * n + j]) * Double(a.scale[i]))
            }
        }
        return try DenseLayer(inputCount: d.inputCount, outputCount: n, weight: w, bias: b.map(Float.init))
    }
}
