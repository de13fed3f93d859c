import Columnar
import Model

/// Which events of a clean/perturbed pair (same events, same order) were classified correctly before the
/// perturbation and which perturbed events fool the classifier.
public struct FoolingLabels: Sendable, Equatable {
    /// Per event: the clean event counts towards the fooling ratio's denominator.
    public var initiallyCorrect: [Bool]
    /// Per event: the perturbed event is a positive for the detector.
    public var fooling: [Bool]
    /// How `fooling` was decided (written into detector.json).
    public var definition: String

    public init(initiallyCorrect: [Bool], fooling: [Bool], definition: String) {
        self.initiallyCorrect = initiallyCorrect; self.fooling = fooling; self.definition = definition
    }

    /// With a classifier: the clean event is classified as `trueClass` (score > 0.5 ⇔ class 1) and its
    /// perturbed twin is not — the attack's definition of "fooled".
    public static func fromClassifier(_ classifier: DifferentiableClassifier, clean: FeatureMatrix,
                                      perturbed: FeatureMatrix, trueClass: Int) throws -> FoolingLabels {
        try checkShapes(clean, perturbed)
        guard trueClass == 0 || trueClass == 1 else { throw MitigationError.invalidSetting("true class \(trueClass) is not 0 or 1") }
        guard clean.columns == classifier.inputCount else {
            throw MitigationError.shapeMismatch(what: "classifier inputs", expected: classifier.inputCount, got: clean.columns)
        }
        let y = Double(trueClass)
        let sc = classifier.scores(clean), sp = classifier.scores(perturbed)
        let correct = sc.map { ($0 > 0.5 ? 1.0 : 0.0) == y }
        let fooling = (0..<clean.rows).map { correct[$0] && (sp[$0] > 0.5 ? 1.0 : 0.0) != y }
        return FoolingLabels(initiallyCorrect: correct, fooling: fooling,
                             definition: "classifier: clean event classified as true class \(trueClass) (score > 0.5 means class 1), perturbed twin not")
    }

    /// Without a classifier: every perturbed event that differs from its clean twin in some feature is a
    /// positive; every event counts as initially correct.
    public static func fromChanges(clean: FeatureMatrix, perturbed: FeatureMatrix) throws -> FoolingLabels {
        try checkShapes(clean, perturbed)
        let d = clean.columns
        let changed = (0..<clean.rows).map { i in (0..<d).contains { clean.values[i * d + $0] != perturbed.values[i * d + $0] } }
        return FoolingLabels(initiallyCorrect: Array(repeating: true, count: clean.rows), fooling: changed,
                             definition: "no classifier: perturbed event differs from its clean twin in at least one feature")
    }

    static func checkShapes(_ a: FeatureMatrix, _ b: FeatureMatrix) throws {
        guard a.rows == b.rows else { throw MitigationError.shapeMismatch(what: "perturbed events (must equal the clean events, same order)", expected: a.rows, got: b.rows) }
        guard a.columns == b.columns else { throw MitigationError.shapeMismatch(what: "perturbed features", expected: a.columns, got: b.columns) }
    }
}
