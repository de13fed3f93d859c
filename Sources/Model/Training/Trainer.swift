import Columnar
import Dispatch
import Foundation

/// Trains a sigmoid-output MLP with Adam on weighted binary cross-entropy.
///
/// Deterministic: the seed fixes initialisation, split and shuffles; each batch is cut into fixed
/// chunks whose gradients are summed in chunk order, so the thread count does not change results.
public enum Trainer {
    static let chunkRows = 64

    /// Trains on `x` (rows × features) with 0/1 `labels` and optional per-event `weights`.
    /// `progress` is called after every epoch; return false from it to stop.
    public static func train(x: FeatureMatrix, labels: [Double], weights: [Double]? = nil,
                             featureNames: [String]? = nil, configuration c: TrainingConfiguration = .init(),
                             progress: ((TrainingProgress) -> Bool)? = nil) throws -> TrainingResult {
        guard x.rows == labels.count else { throw ModelError.invalidTrainingData("\(x.rows) rows but \(labels.count) labels") }
        if let w = weights, w.count != x.rows { throw ModelError.invalidTrainingData("\(x.rows) rows but \(w.count) weights") }
        if let w = weights, w.contains(where: { !($0.isFinite && $0 >= 0) }) { throw ModelError.invalidTrainingData("weights must be finite and ≥ 0") }
        if let i = labels.firstIndex(where: { $0 != 0 && $0 != 1 }) { throw ModelError.invalidTrainingData("label \(labels[i]) at row \(i) is not 0 or 1") }
        if let i = x.values.firstIndex(where: { !$0.isFinite }) { throw ModelError.invalidTrainingData("non-finite input at row \(i / max(1, x.columns)), column \(i % max(1, x.columns))") }
        guard c.batchSize > 0, c.maxEpochs > 0, c.hiddenLayers.allSatisfy({ $0 > 0 }), c.validationFraction >= 0, c.validationFraction < 1 else {
            throw ModelError.invalidTrainingData("invalid configuration")
        }

        var rng = SeededGenerator(seed: c.seed)
        var order = Array(0..<x.rows)
        rng.shuffle(&order)
        let nValidation = Int((Double(x.rows) * c.validationFraction).rounded())
        return try train(x: x, labels: labels, weights: weights, featureNames: featureNames, configuration: c,
                         trainRows: Array(order.dropFirst(nValidation)), validationRows: Array(order.prefix(nValidation)),
                         rng: &rng, progress: progress)
    }

    /// Trains on the rows `trainingRows` of `x` and stops early on the rows `validationRows` (an explicit split,
    /// e.g. one that keeps related events together); `configuration.validationFraction` is ignored.
    /// The seed fixes initialisation and shuffles as in `train(x:labels:...)`.
    public static func train(x: FeatureMatrix, labels: [Double], weights: [Double]? = nil,
                             trainingRows: [Int], validationRows: [Int],
                             featureNames: [String]? = nil, configuration c: TrainingConfiguration = .init(),
                             progress: ((TrainingProgress) -> Bool)? = nil) throws -> TrainingResult {
        guard x.rows == labels.count else { throw ModelError.invalidTrainingData("\(x.rows) rows but \(labels.count) labels") }
        if let r = (trainingRows + validationRows).first(where: { !(0..<x.rows).contains($0) }) {
            throw ModelError.invalidTrainingData("row \(r) is outside 0..<\(x.rows)")
        }
        var rng = SeededGenerator(seed: c.seed)
        return try train(x: x, labels: labels, weights: weights, featureNames: featureNames, configuration: c,
                         trainRows: trainingRows, validationRows: validationRows, rng: &rng, progress: progress)
    }

    private static func train(x: FeatureMatrix, labels: [Double], weights: [Double]?, featureNames: [String]?,
                              configuration c: TrainingConfiguration, trainRows: [Int], validationRows: [Int],
                              rng: inout SeededGenerator, progress: ((TrainingProgress) -> Bool)?) throws -> TrainingResult {
        if let w = weights, w.count != x.rows { throw ModelError.invalidTrainingData("\(x.rows) rows but \(w.count) weights") }
        if let w = weights, w.contains(where: { !($0.isFinite && $0 >= 0) }) { throw ModelError.invalidTrainingData("weights must be finite and ≥ 0") }
        if let i = labels.firstIndex(where: { $0 != 0 && $0 != 1 }) { throw ModelError.invalidTrainingData("label \(labels[i]) at row \(i) is not 0 or 1") }
        if let i = x.values.firstIndex(where: { !$0.isFinite }) { throw ModelError.invalidTrainingData("non-finite input at row \(i / max(1, x.columns)), column \(i % max(1, x.columns))") }
        guard c.batchSize > 0, c.maxEpochs > 0, c.hiddenLayers.allSatisfy({ $0 > 0 }) else {
            throw ModelError.invalidTrainingData("invalid configuration")
        }
        guard !trainRows.isEmpty else { throw ModelError.invalidTrainingData("no training events") }

        var w = weights ?? [Double](repeating: 1, count: x.rows)
        if c.balanceClasses {
            var sum = [0.0, 0.0]
            for i in trainRows { sum[Int(labels[i])] += w[i] }
            guard sum[0] > 0, sum[1] > 0 else { throw ModelError.invalidTrainingData("one class has no weight") }
            let total = sum[0] + sum[1]
            for i in 0..<w.count { w[i] *= total / (2 * sum[Int(labels[i])]) }
        }

        let standardization = c.standardize ? Standardization(fitting: trainRows.map { x.row($0) }) : nil
        var network = try initialNetwork(inputCount: x.columns, configuration: c, standardization: standardization,
                                         featureNames: featureNames ?? (x.names.count == x.columns ? x.names : nil), rng: &rng)
        network.threadCount = c.threadCount
        var adam = AdamState(network.layers, configuration: c)

        let xValidation = x.gatheredRows(validationRows)
        let yValidation = validationRows.map { labels[$0] }, wValidation = validationRows.map { w[$0] }
        var best = network, bestLoss = Double.infinity, bestEpoch = 0, sinceBest = 0
        var history: [TrainingProgress] = []
        var stoppedEarly = false
        let chunksPerBatch = (c.batchSize + chunkRows - 1) / chunkRows
        let workspaces = (0..<chunksPerBatch).map { _ in BlockWorkspace(widths: network.widths, capacity: chunkRows, withGradients: true) }
        let partials = (0..<chunksPerBatch).map { _ in ParameterGradients(layers: network.layers) }
        var shuffled = trainRows

        for epoch in 1...c.maxEpochs {
            rng.shuffle(&shuffled)
            var lossSum = 0.0, weightSum = 0.0
            var start = 0
            while start < shuffled.count {
                let batch = Array(shuffled[start..<min(start + c.batchSize, shuffled.count)])
                start += c.batchSize
                let batchWeight = batch.reduce(0.0) { $0 + w[$1] }
                guard batchWeight > 0 else { continue }
                let chunkCount = (batch.count + chunkRows - 1) / chunkRows
                var chunkLoss = [Double](repeating: 0, count: chunkCount)
                let net = network
                chunkLoss.withUnsafeMutableBufferPointer { lossOut in
                    let lossOut = lossOut
                    let work = { (ci: Int) in
                        let rows = Array(batch[(ci * chunkRows)..<min((ci + 1) * chunkRows, batch.count)])
                        let ws = workspaces[ci], pg = partials[ci]
                        pg.reset()
                        let sub = x.gatheredRows(rows)
                        ws.loadInput(sub, rows: 0..<rows.count, standardization: net.standardization)
                        ws.forward(net.layers, rows: rows.count)
                        net.seedLossGradient(ws, rows: rows.count, label: { labels[rows[$0]] }, weight: { w[rows[$0]] / batchWeight })
                        ws.backward(net.layers, rows: rows.count, parameterGradients: pg)
                        var l = 0.0
                        let z = ws.activations[net.layers.count]
                        for r in 0..<rows.count {
                            let s = min(max(net.score(z + r * net.outputWidth), 1e-7), 1 - 1e-7), y = labels[rows[r]]
                            l -= w[rows[r]] * (y * log(s) + (1 - y) * log(1 - s))
                        }
                        lossOut[ci] = l
                    }
                    if c.threadCount > 1 && chunkCount > 1 {
                        DispatchQueue.concurrentPerform(iterations: chunkCount) { work($0) }
                    } else {
                        for ci in 0..<chunkCount { work(ci) }
                    }
                }
                for ci in 1..<max(1, chunkCount) { partials[0].add(partials[ci]) }
                lossSum += chunkLoss.reduce(0, +)
                weightSum += batchWeight
                adam.step(&network, gradients: partials[0])
            }
            let trainingLoss = weightSum > 0 ? lossSum / weightSum : 0
            let evalSet = validationRows.isEmpty ? (x.gatheredRows(trainRows), trainRows.map { labels[$0] }, trainRows.map { w[$0] })
                                                 : (xValidation, yValidation, wValidation)
            let s = network.scores(evalSet.0)
            let vLoss = ClassifierMetrics.binaryCrossEntropy(scores: s, labels: evalSet.1, weights: evalSet.2)
            let vAcc = ClassifierMetrics.accuracy(scores: s, labels: evalSet.1, weights: evalSet.2)
            let p = TrainingProgress(epoch: epoch, trainingLoss: trainingLoss, validationLoss: vLoss, validationAccuracy: vAcc)
            history.append(p)
            if vLoss < bestLoss - c.minDelta {
                bestLoss = vLoss; best = network; bestEpoch = epoch; sinceBest = 0
            } else {
                sinceBest += 1
            }
            if let progress, !progress(p) { stoppedEarly = true; break }
            if sinceBest >= c.patience { stoppedEarly = epoch < c.maxEpochs; break }
        }
        if bestEpoch == 0 { best = network; bestEpoch = history.count }
        best.threadCount = ProcessInfo.processInfo.activeProcessorCount
        let evalX = validationRows.isEmpty ? x.gatheredRows(trainRows) : xValidation
        let evalY = validationRows.isEmpty ? trainRows.map { labels[$0] } : yValidation
        let evalW = validationRows.isEmpty ? trainRows.map { w[$0] } : wValidation
        let s = best.scores(evalX)
        return TrainingResult(network: best, history: history, bestEpoch: bestEpoch, stoppedEarly: stoppedEarly,
                              validationAUC: ClassifierMetrics.auc(scores: s, labels: evalY, weights: evalW),
                              validationAccuracy: ClassifierMetrics.accuracy(scores: s, labels: evalY, weights: evalW),
                              validationLoss: ClassifierMetrics.binaryCrossEntropy(scores: s, labels: evalY, weights: evalW))
    }

    /// A fresh network: Glorot-uniform weights (seeded), zero biases, `activation` on hidden layers,
    /// one sigmoid output.
    public static func initialNetwork(inputCount: Int, configuration c: TrainingConfiguration,
                                      standardization: Standardization? = nil, featureNames: [String]? = nil,
                                      rng: inout SeededGenerator) throws -> FeedForwardNetwork {
        var layers: [NetworkLayer] = []
        var n = inputCount
        for (k, m) in (c.hiddenLayers + [1]).enumerated() {
            let limit = (6.0 / Double(n + m)).squareRoot()
            let weight = (0..<(n * m)).map { _ in Float((2 * rng.unit() - 1) * limit) }
            layers.append(.dense(try DenseLayer(inputCount: n, outputCount: m, weight: weight, bias: [Float](repeating: 0, count: m))))
            if k < c.hiddenLayers.count && c.activation != .identity { layers.append(.activation(c.activation)) }
            n = m
        }
        return try FeedForwardNetwork(inputCount: inputCount, layers: layers, output: .sigmoid,
                                      featureNames: featureNames, standardization: standardization)
    }
}

/// Adam moments for every dense layer's parameters.
struct AdamState {
    var mW: [[Float]], vW: [[Float]], mB: [[Float]], vB: [[Float]]
    var t = 0
    let lr: Double, b1: Double, b2: Double, eps: Double

    init(_ layers: [NetworkLayer], configuration c: TrainingConfiguration) {
        func zeros(_ f: (DenseLayer) -> Int) -> [[Float]] {
            layers.map { l in if case .dense(let d) = l { return [Float](repeating: 0, count: f(d)) }; return [] }
        }
        mW = zeros { $0.weight.count }; vW = mW
        mB = zeros { $0.bias.count }; vB = mB
        lr = c.learningRate; b1 = c.beta1; b2 = c.beta2; eps = c.epsilon
    }

    mutating func step(_ network: inout FeedForwardNetwork, gradients g: ParameterGradients) {
        t += 1
        let a = Float(lr * (1 - pow(b2, Double(t))).squareRoot() / (1 - pow(b1, Double(t))))
        let fb1 = Float(b1), fb2 = Float(b2), feps = Float(eps)
        for k in network.layers.indices {
            guard case .dense(var d) = network.layers[k] else { continue }
            var w = d.weight, b = d.bias
            Self.update(&w, g.weight[k], &mW[k], &vW[k], a, fb1, fb2, feps)
            Self.update(&b, g.bias[k], &mB[k], &vB[k], a, fb1, fb2, feps)
            d.setParameters(weight: w, bias: b)
            network.layers[k] = .dense(d)
        }
    }

    private static func update(_ p: inout [Float], _ g: [Float], _ m: inout [Float], _ v: inout [Float],
                               _ a: Float, _ b1: Float, _ b2: Float, _ eps: Float) {
        for i in p.indices {
            m[i] = b1 * m[i] + (1 - b1) * g[i]
            v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i]
            p[i] -= a * m[i] / (v[i].squareRoot() + eps)
        }
    }
}
