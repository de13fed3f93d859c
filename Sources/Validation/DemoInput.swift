import Foundation
import Columnar

/// A synthetic, reproducible validation input: what the report looks like without any ROOT file.
///
/// Four correlated Gaussian-ish features, a logistic toy classifier, per-event weights, an unweighted
/// "data" sample and two regions. The perturbation moves events by a small step (a few % of a
/// feature's spread) along the classifier gradient: events just above the working point down across it,
/// events far below it a little up — small enough that per-feature checks barely move, while the
/// yield above the working point does.
public enum DemoInput {
    public static let featureNames = ["lep_pt", "met", "m_jj", "delta_eta"]

    public static func make(events: Int = 4000, step: Double = 0.12, seed: UInt64 = 42) -> ValidationInput {
        var rng = SeededRandom(seed: seed)
        let p = featureNames.count
        func draw(_ n: Int) -> FeatureMatrix {
            var m = FeatureMatrix(rows: n, columns: p, names: featureNames)
            for i in 0..<n {
                let a = rng.gaussian(), b = rng.gaussian(), c = rng.gaussian(), d = rng.gaussian()
                m[i, 0] = 40 + 12 * a
                m[i, 1] = 30 + 8 * (0.6 * a + 0.8 * b)
                m[i, 2] = 120 + 25 * c
                m[i, 3] = 1.5 * (0.5 * c + 0.87 * d)
            }
            return m
        }
        let coefficients = [0.06, -0.05, 0.03, -0.8], offset = -40 * 0.06 + 30 * 0.05 - 120 * 0.03
        let spread = [12.0, 8.0, 25.0, 1.5]
        func score(_ row: [Double]) -> Double {
            var z = offset
            for k in 0..<p { z += coefficients[k] * row[k] }
            return 1 / (1 + exp(-z))
        }
        let nominal = draw(events)
        var perturbed = nominal
        var sNom = [Double](), sPert = [Double](), labels = [Double]()
        for i in 0..<events {
            let s = score(nominal.row(i))
            sNom.append(s)
            labels.append(rng.uniform() < s ? 1 : 0)
            // Push events just above the working point down across it (hides signal-like events),
            // and events far below it slightly up, which keeps each feature's mean roughly in place.
            let direction = s > 0.5 && s < 0.75 ? -1.0 : (s < 0.2 ? 0.5 : 0)
            for k in 0..<p { perturbed[i, k] += direction * step * spread[k] * (coefficients[k] > 0 ? 1 : -1) }
            sPert.append(score(perturbed.row(i)))
        }
        let weights = (0..<events).map { _ in 0.5 + rng.uniform() }
        let data = draw(events)
        var highMET = [Bool](), highMETPert = [Bool]()
        for i in 0..<events { highMET.append(nominal[i, 1] > 30); highMETPert.append(perturbed[i, 1] > 30) }
        let dataHighMET = (0..<data.rows).map { data[$0, 1] > 30 }
        let series = (0...20).map { 0.42 * (1 - exp(-Double($0) / 5)) }
        return ValidationInput(
            featureNames: featureNames,
            nominal: ValidationSample(features: nominal, weights: weights),
            perturbed: ValidationSample(features: perturbed, weights: weights),
            data: ValidationSample(features: data),
            regions: [ValidationRegion(name: "CR_highMET", nominalMask: highMET, perturbedMask: highMETPert, dataMask: dataHighMET)],
            scores: ScoreInput(nominal: sNom, perturbed: sPert, labels: labels, workingPoint: 0.5),
            attack: AttackDiagnostics(series: [.init(name: "fooling_ratio", values: series)],
                                  scalars: [.init(name: "iterations", value: 20), .init(name: "epsilon", value: step)],
                                    firstIteration: 0))
    }
}

/// A small, seedable generator (the SplitMix64 algorithm) so demos and tests are reproducible everywhere.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    public mutating func uniform() -> Double { Double(next() >> 11) * 0x1p-53 }
    /// Standard normal (Box-Muller).
    public mutating func gaussian() -> Double {
        let u = max(uniform(), 1e-300), v = uniform()
        return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
    }
}
