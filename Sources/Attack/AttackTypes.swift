import Columnar

/// What is attacked: the nominal events and everything that constrains their perturbation.
public struct AttackProblem: Sendable {
    /// Nominal feature values, events × features.
    public var features: FeatureMatrix
    /// True label (0 or 1) per event.
    public var labels: [Double]
    /// Event (MC) weights; nil = all 1.
    public var weights: [Double]?
    /// Control regions (masks decided on the nominal events); the inclusive sample is always constrained too.
    public var regions: [ConstraintPopulation]
    /// One entry per feature; nil = defaults (free, real-valued, no envelope).
    public var featureSettings: [FeatureSettings]?
    /// Per feature (one entry each, nil = unbounded), per-event bounds on the value: e.g. the range within
    /// which the event stays in the control regions it is in (the CLI derives them from the region cuts with
    /// Selection's `RegionMembershipBounds`).
    public var eventBounds: [PerEventBounds?]?

    public init(features: FeatureMatrix, labels: [Double], weights: [Double]? = nil,
                regions: [ConstraintPopulation] = [], featureSettings: [FeatureSettings]? = nil,
                eventBounds: [PerEventBounds?]? = nil) {
        self.features = features; self.labels = labels; self.weights = weights
        self.regions = regions; self.featureSettings = featureSettings; self.eventBounds = eventBounds
    }

    /// Every event has the same true class.
    public init(features: FeatureMatrix, trueClass: Int, weights: [Double]? = nil,
                regions: [ConstraintPopulation] = [], featureSettings: [FeatureSettings]? = nil,
                eventBounds: [PerEventBounds?]? = nil) {
        self.init(features: features, labels: Array(repeating: Double(trueClass), count: features.rows),
                  weights: weights, regions: regions, featureSettings: featureSettings, eventBounds: eventBounds)
    }
}

/// Per-event closed interval [lower[i], upper[i]] that one feature of event i must stay in.
public struct PerEventBounds: Sendable, Equatable {
    public var lower: [Double]
    public var upper: [Double]

    public init(lower: [Double], upper: [Double]) {
        self.lower = lower; self.upper = upper
    }
}

/// Progress report, sent every few thousand events and at the end of each iteration.
public struct AttackProgress: Sendable, Equatable {
    /// 1-based iteration.
    public var iteration: Int
    public var iterations: Int
    /// Events of this iteration searched so far, out of `eventsTotal` (the not-yet-fooled ones).
    public var eventsDone: Int
    public var eventsTotal: Int
    /// Fooling ratio at the start of this iteration (at its end when eventsDone == eventsTotal).
    public var foolingRatio: Double
}

/// Metrics of one iteration (snake_case JSON keys).
public struct IterationMetrics: Codable, Sendable, Equatable {
    public var iteration: Int
    public var foolingRatio: Double
    public var maxJSD: Double
    public var relCorrChange: Double
    /// chi2 mode: smallest p-value over populations and features (nil in other modes).
    public var minChi2P: Double?
    public var constraintsMet: Bool
    /// Events whose features changed in this iteration.
    public var changedEvents: Int
    public var seconds: Double

    enum CodingKeys: String, CodingKey {
        case iteration, foolingRatio = "fooling_ratio", maxJSD = "max_jsd", relCorrChange = "rel_corr_change"
        case minChi2P = "min_chi2_p", constraintsMet = "constraints_met", changedEvents = "changed_events", seconds
    }
}

/// Per-population summary of the output (inclusive first, then each region).
public struct PopulationMetrics: Codable, Sendable, Equatable {
    public var name: String
    public var events: Int
    public var maxJSD: Double
    public var relCorrChange: Double
    /// JSD per feature, in feature order.
    public var jsd: [Double]
    /// chi2 p-value per feature (always computed; constrained in chi2 mode).
    public var chi2P: [Double]
    /// With a KS constraint: per feature, the largest CDF difference at the KS grid's cuts (nil: none).
    public var ksDistance: [Double]?
    /// Features taking one single value on the population's nominal events (undefined correlations; in jsd and
    /// chi2 modes they stay constant there). nil: none.
    public var constantFeatures: [String]?
    /// Nominally constant features that no longer are in the output (only possible in fgsm/pgd/envelope modes);
    /// the correlation constraint of the population then fails. nil: none.
    public var constantFeaturesChanged: [String]?

    enum CodingKeys: String, CodingKey {
        case name, events, maxJSD = "max_jsd", relCorrChange = "rel_corr_change", jsd, chi2P = "chi2_p", ksDistance = "ks_distance"
        case constantFeatures = "constant_features", constantFeaturesChanged = "constant_features_changed"
    }
}

/// The METRICS.json content.
public struct AttackMetrics: Codable, Sendable, Equatable {
    public var mode: AttackMode
    public var events: Int
    public var initiallyCorrect: Int
    public var fooled: Int
    /// Fooled among the initially correctly classified events, for the output state.
    public var foolingRatio: Double
    public var maxJSD: Double
    public var relCorrChange: Double
    public var minChi2P: Double?
    /// Whether the output state satisfies the global constraints (false: no iteration did; the last is output).
    public var constraintsMet: Bool
    /// 1-based iteration whose state is output.
    public var bestIteration: Int
    public var seconds: Double
    public var features: [String]
    public var populations: [PopulationMetrics]
    public var iterations: [IterationMetrics]
    public var configuration: AttackConfiguration

    enum CodingKeys: String, CodingKey {
        case mode, events, initiallyCorrect = "initially_correct", fooled, foolingRatio = "fooling_ratio"
        case maxJSD = "max_jsd", relCorrChange = "rel_corr_change", minChi2P = "min_chi2_p"
        case constraintsMet = "constraints_met", bestIteration = "best_iteration", seconds, features
        case populations, iterations, configuration
    }
}

/// Everything needed to resume an attack exactly where it stopped (written after each iteration).
public struct AttackCheckpoint: Codable, Sendable, Equatable {
    public var version: Int = 1
    public var configuration: AttackConfiguration
    public var events: Int
    public var featureCount: Int
    public var completedIterations: Int
    /// Current perturbed values, row-major.
    public var values: [Double]
    public var fooled: [Bool]
    /// Values of the best constraint-satisfying iteration so far (nil: none yet).
    public var bestValues: [Double]?
    public var bestIteration: Int?
    public var bestFoolingRatio: Double
    public var iterations: [IterationMetrics]
    public var seconds: Double

    enum CodingKeys: String, CodingKey {
        case version, configuration, events, featureCount = "feature_count"
        case completedIterations = "completed_iterations", values, fooled, bestValues = "best_values"
        case bestIteration = "best_iteration", bestFoolingRatio = "best_fooling_ratio", iterations, seconds
    }
}

/// The outcome: the output state and its metrics.
public struct AttackResult: Sendable {
    /// Perturbed features of the best constraint-satisfying iteration (the last one if none; see metrics).
    public var perturbed: FeatureMatrix
    /// Whether each event is fooled in `perturbed`.
    public var fooled: [Bool]
    /// Whether each event was classified correctly before the attack.
    public var initiallyCorrect: [Bool]
    public var metrics: AttackMetrics
    /// State after the last iteration (resume from it to run more iterations).
    public var checkpoint: AttackCheckpoint
}
