import Columnar

/// One sample of events: the feature matrix (rows = events) and optional per-event weights.
public struct ValidationSample: Sendable {
    public var features: FeatureMatrix
    /// Per-event weights (nil = every event weighs 1, i.e. an unweighted sample).
    public var weights: [Double]?

    public init(features: FeatureMatrix, weights: [Double]? = nil) {
        self.features = features
        self.weights = weights
    }

    /// A sample from flat columns of an EventTable; `weightColumn` names the event weight, if any.
    public init(table: EventTable, features: [String], weightColumn: String? = nil) throws {
        self.features = try table.featureMatrix(features)
        self.weights = try weightColumn.map { try table.doubles($0) }
    }

    public var eventCount: Int { features.rows }
}

/// A named region (control region, signal region, …) as event masks.
public struct ValidationRegion: Sendable {
    public var name: String
    /// Which nominal events are in the region.
    public var nominalMask: [Bool]
    /// The same selection re-evaluated on the perturbed events (nil: the nominal decision is kept,
    /// perturbed event i is in the region when nominal event i is).
    public var perturbedMask: [Bool]?
    /// The selection evaluated on the data events (nil: all data events).
    public var dataMask: [Bool]?
    /// A blinded region (the signal region): its checks are computed and shown, but not counted among the
    /// validation's, since data cannot be compared there before unblinding.
    public var blinded: Bool

    public init(name: String, nominalMask: [Bool], perturbedMask: [Bool]? = nil, dataMask: [Bool]? = nil, blinded: Bool = false) {
        self.name = name
        self.nominalMask = nominalMask
        self.perturbedMask = perturbedMask
        self.dataMask = dataMask
        self.blinded = blinded
    }
}

/// Classifier scores of the nominal and perturbed events (computed by the caller with the Model target).
public struct ScoreInput: Sendable {
    public var nominal: [Double]
    public var perturbed: [Double]
    /// True labels (1 = signal, 0 = background) when known; they sharpen the fooling ratio.
    public var labels: [Double]?
    /// Events with score > workingPoint count as selected (class 1).
    public var workingPoint: Double

    public init(nominal: [Double], perturbed: [Double], labels: [Double]? = nil, workingPoint: Double = 0.5) {
        self.nominal = nominal
        self.perturbed = perturbed
        self.labels = labels
        self.workingPoint = workingPoint
    }
}

/// Everything the validation looks at. Nominal and perturbed samples have the same events in the same
/// order (perturbed event i is nominal event i after the attack).
public struct ValidationInput: Sendable {
    public var featureNames: [String]
    public var nominal: ValidationSample
    public var perturbed: ValidationSample
    public var data: ValidationSample?
    /// Regions to check in; an inclusive region "all" is added first unless options say otherwise.
    public var regions: [ValidationRegion]
    public var scores: ScoreInput?
    /// Attack diagnostics passed through to the report as given.
    public var attack: AttackDiagnostics?

    public init(featureNames: [String], nominal: ValidationSample, perturbed: ValidationSample, data: ValidationSample? = nil,
                regions: [ValidationRegion] = [], scores: ScoreInput? = nil, attack: AttackDiagnostics? = nil) {
        self.featureNames = featureNames
        self.nominal = nominal
        self.perturbed = perturbed
        self.data = data
        self.regions = regions
        self.scores = scores
        self.attack = attack
    }
}

/// Knobs of the validation.
public struct ValidationOptions: Sendable {
    /// Equal-width bins per feature (on the nominal events' [min, max] in each region) unless `edges` has the feature.
    public var bins: Int = 40
    /// Explicit bin edges per feature name.
    public var edges: [String: [Double]] = [:]
    /// A chi2 or KS check "notices" when p < alpha.
    public var alpha: Double = 0.05
    /// A JSD check "notices" when the Jensen-Shannon distance (base `jsdBase`) exceeds this threshold
    /// and (when `jsdStatisticalFloor`) also its (1 − alpha) quantile under "no difference" for the sample sizes.
    public var jsdThreshold: Double = 0.05
    /// Raise the JSD threshold to the statistical (1 − alpha) quantile for the sample sizes (see
    /// `JensenShannonDistance.nullQuantile`); without it small samples make every JSD check fire.
    public var jsdStatisticalFloor: Bool = true
    /// Logarithm base of the reported Jensen-Shannon distance (2: bits, distance in [0, 1]).
    public var jsdBase: Double = 2
    /// A correlation matrix change "is noticed" when ‖ΔC‖_F/‖C‖_F exceeds this.
    public var correlationThreshold: Double = 0.1
    /// Bins of the score histograms on [0, 1].
    public var scoreBins: Int = 40
    /// Prepend the inclusive region "all".
    public var includeInclusiveRegion: Bool = true

    public init() {}
}

extension ValidationInput {
    /// Builds an input from event tables (what the reader and the attack produce): `features` are flat
    /// columns of every table, `weightColumn` (if any) is read from the nominal and perturbed tables and,
    /// when present there, from the data table. Region masks go in as given.
    public static func fromTables(nominal: EventTable, perturbed: EventTable, data: EventTable? = nil, features: [String],
                                  weightColumn: String? = nil, regions: [ValidationRegion] = [], scores: ScoreInput? = nil,
                                  attack: AttackDiagnostics? = nil) throws -> ValidationInput {
        guard nominal.rowCount == perturbed.rowCount else {
            throw ValidatorError.lengthMismatch(what: "perturbed table rows", expected: nominal.rowCount, got: perturbed.rowCount)
        }
        let dataWeight = weightColumn.flatMap { w in data?[w] != nil ? w : nil }
        return ValidationInput(
            featureNames: features,
            nominal: try ValidationSample(table: nominal, features: features, weightColumn: weightColumn),
            perturbed: try ValidationSample(table: perturbed, features: features, weightColumn: weightColumn),
            data: try data.map { try ValidationSample(table: $0, features: features, weightColumn: dataWeight) },
            regions: regions, scores: scores, attack: attack)
    }
}
