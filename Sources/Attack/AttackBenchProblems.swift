import Columnar
import Foundation
import Model

/// Reproducible attack problems for tests and `make bench`: two classes of correlated Gaussians with an MLP
/// trained on them by our Trainer (the kind of problem issue 19 measures on).
///
/// Class 0 ~ N(0, Σ), class 1 ~ N(μ, Σ); Σ is an AR(1) correlation (neighbouring features correlated by
/// `rho`), μ_j = `shift`·(1, −½, 1, −½, …) so the classes differ in means and in the sign of some
/// differences. The classifier: 32→16 ReLU MLP, standardised inputs, seeded Adam training.
public enum AttackBenchProblems {
    public struct Problem: Sendable {
        public var features: FeatureMatrix
        public var labels: [Double]
        public var network: FeedForwardNetwork
        /// Validation accuracy of the trained network.
        public var accuracy: Double
    }

    /// `events` events (half per class) with `features` features; the MLP trains on a separate sample of
    /// `trainingEvents` events drawn from the same law.
    public static func correlatedGaussian(events: Int, features: Int, seed: UInt64 = 7, rho: Double = 0.6,
                                          shift: Double = 0.45, trainingEvents: Int = 20_000,
                                          epochs: Int = 12) throws -> Problem {
        let (xTrain, yTrain) = sample(events: trainingEvents, features: features, seed: seed &+ 1, rho: rho, shift: shift)
        var cfg = TrainingConfiguration()
        cfg.hiddenLayers = [32, 16]
        cfg.maxEpochs = epochs
        cfg.learningRate = 3e-3
        cfg.seed = seed
        cfg.threadCount = 2
        let trained = try Trainer.train(x: xTrain, labels: yTrain, configuration: cfg)
        var net = trained.network
        net.threadCount = 1
        let (x, y) = sample(events: events, features: features, seed: seed, rho: rho, shift: shift)
        return Problem(features: x, labels: y, network: net, accuracy: trained.validationAccuracy)
    }

    /// The events alone (labels alternate 0, 1).
    public static func sample(events: Int, features: Int, seed: UInt64, rho: Double, shift: Double) -> (FeatureMatrix, [Double]) {
        var rng = SplitMix64(seed: seed)
        var x = FeatureMatrix(rows: events, columns: features, values: [Double](repeating: 0, count: events * features),
                              names: (0..<features).map { "f\($0)" })
        var y = [Double](repeating: 0, count: events)
        let tail = (1 - rho * rho).squareRoot()
        for i in 0..<events {
            let label = Double(i % 2)
            y[i] = label
            var prev = 0.0
            for j in 0..<features {
                let u1 = max(rng.nextUnit(), 1e-300), u2 = rng.nextUnit()
                let z = (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
                prev = j == 0 ? z : rho * prev + tail * z
                x[i, j] = prev + label * shift * (j % 2 == 0 ? 1 : -0.5)
            }
        }
        return (x, y)
    }
}
