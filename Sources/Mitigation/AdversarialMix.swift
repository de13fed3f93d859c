import Columnar
import Model

/// Mixes perturbed events found by an attack into a training sample, with their true label
/// (adversarial training).
public enum AdversarialMix {
    /// The combined sample and how many adversarial events went into it.
    public struct Mixed: Sendable {
        public var x: FeatureMatrix
        public var labels: [Double]
        public var weights: [Double]?
        /// Rows appended (after the original rows), in the order of `adversarialEvents`.
        public var added: Int
        /// Indices into the adversarial sample of the events that were added.
        public var adversarialEvents: [Int]
    }

    /// Appends to (`x`, `labels`, `weights`) a seeded random `fraction` of the events of `adversarial`
    /// (all with label `trueClass`), keeping only events that differ from their twin in `clean` when it is
    /// given (same events, same order: the attack's input). An added event carries `adversarialWeights[i]`
    /// (1 when nil) when the base sample is weighted. `keep` (per adversarial event) restricts the candidates
    /// further, e.g. to the events that fool the attacked classifier (`FoolingLabels.fooling`).
    public static func mix(x: FeatureMatrix, labels: [Double], weights: [Double]?,
                           adversarial: FeatureMatrix, adversarialWeights: [Double]? = nil, clean: FeatureMatrix? = nil,
                           keep: [Bool]? = nil, trueClass: Int, fraction: Double = 1, seed: UInt64 = 1) throws -> Mixed {
        guard trueClass == 0 || trueClass == 1 else { throw MitigationError.invalidSetting("adversarial true class \(trueClass) is not 0 or 1") }
        guard fraction > 0, fraction <= 1 else { throw MitigationError.invalidSetting("adversarial fraction \(fraction) must be in (0, 1]") }
        guard adversarial.columns == x.columns else {
            throw MitigationError.shapeMismatch(what: "adversarial features", expected: x.columns, got: adversarial.columns)
        }
        guard labels.count == x.rows else { throw MitigationError.shapeMismatch(what: "labels", expected: x.rows, got: labels.count) }
        if let w = adversarialWeights, w.count != adversarial.rows {
            throw MitigationError.shapeMismatch(what: "adversarial weights", expected: adversarial.rows, got: w.count)
        }
        if let k = keep, k.count != adversarial.rows { throw MitigationError.shapeMismatch(what: "adversarial keep mask", expected: adversarial.rows, got: k.count) }
        let d = x.columns
        let changed = try clean.map { try FoolingLabels.fromChanges(clean: $0, perturbed: adversarial).fooling }
        var candidates = Array(0..<adversarial.rows).filter { (keep?[$0] ?? true) && (changed?[$0] ?? true) }
        var rng = SeededGenerator(seed: seed)
        rng.shuffle(&candidates)
        let chosen = Array(candidates.prefix(Int((Double(candidates.count) * fraction).rounded()))).sorted()
        var values = x.values
        for i in chosen { values += adversarial.values[(i * d)..<((i + 1) * d)] }
        let newWeights = weights.map { $0 + chosen.map { adversarialWeights?[$0] ?? 1 } }
        return Mixed(x: FeatureMatrix(rows: x.rows + chosen.count, columns: d, values: values, names: x.names),
                     labels: labels + Array(repeating: Double(trueClass), count: chosen.count),
                     weights: newWeights, added: chosen.count, adversarialEvents: chosen)
    }
}
