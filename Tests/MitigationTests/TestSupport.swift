import Columnar
import Foundation
import Model

/// Class 1 outside radius r: s = σ(k·(|x|² − r²)), exact input gradients (a donut-like boundary).
struct RadialClassifier: DifferentiableClassifier {
    let k: Double, r: Double
    var inputCount: Int { 2 }
    var featureNames: [String]? { nil }
    func scores(_ x: FeatureMatrix) -> [Double] {
        (0..<x.rows).map { i in 1 / (1 + exp(-k * (x[i, 0] * x[i, 0] + x[i, 1] * x[i, 1] - r * r))) }
    }
    func lossGradient(_ x: FeatureMatrix, labels: [Double]) -> FeatureMatrix {
        let s = scores(x)
        var g = FeatureMatrix(rows: x.rows, columns: 2)
        for i in 0..<x.rows { for j in 0..<2 { g[i, j] = (s[i] - labels[i]) * k * 2 * x[i, j] } }
        return g
    }
}

/// Seeded Gaussian samples.
struct Gaussian {
    var rng: SeededGenerator
    init(seed: UInt64) { rng = SeededGenerator(seed: seed) }
    mutating func next() -> Double {
        let u = max(rng.unit(), 1e-300), v = rng.unit()
        return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
    }
}

/// The reference's donut data (../shared/reference), when present.
enum DonutData {
    static let referenceDir = ProcessInfo.processInfo.environment["CONSERVATTACK_SHARED"].map { $0 + "/reference" }
        ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../../shared/reference").standardized.path

    /// The first `limit` attacked background events and the reference classifier.
    static func load(limit: Int = 1000) throws -> (FeatureMatrix, FeedForwardNetwork)? {
        let csv = referenceDir + "/donut_attack_input_N1000.csv", model = referenceDir + "/donut_model.json"
        guard FileManager.default.fileExists(atPath: csv), FileManager.default.fileExists(atPath: model) else { return nil }
        var values = [Double]()
        for line in try String(contentsOfFile: csv, encoding: .utf8).split(separator: "\n").dropFirst().prefix(limit) {
            let f = line.split(separator: ",")
            guard f.count >= 4, let a = Double(f[2]), let b = Double(f[3]) else { continue }
            values += [a, b]
        }
        var net = try ModelLoader.load(path: model)
        net.threadCount = 1
        return (FeatureMatrix(rows: values.count / 2, columns: 2, values: values, names: ["x1", "x2"]), net)
    }
}
