/// The validation result: what `report.json` holds (schema in docs/report.md). Codable, snake_case keys.
public struct ValidationReport: Sendable, Codable, Equatable {
    public var schemaVersion: Int = 1
    public var settings: Settings
    public var summary: Summary
    public var features: [String]
    public var regions: [RegionSummary]
    /// One entry per (comparison, region, feature, test).
    public var checks: [Check]
    public var histograms: [FeatureHistograms]
    public var correlation: [CorrelationResult]
    public var scores: ScoreSummary?
    /// Share of events whose classification the perturbation flipped (see `foolingDefinition`).
    public var foolingRatio: Double?
    public var foolingDefinition: String?
    public var attack: AttackDiagnostics?
    /// Things the validation could not do (e.g. an empty region), each saying where.
    public var warnings: [String]

    enum CodingKeys: String, CodingKey {
        case schemaVersion = "schema_version", settings, summary, features, regions, checks, histograms, correlation, scores
        case foolingRatio = "fooling_ratio", foolingDefinition = "fooling_definition", attack, warnings
    }

    public struct Settings: Sendable, Codable, Equatable {
        public var bins: Int
        public var alpha: Double
        public var jsdThreshold: Double
        public var jsdStatisticalFloor: Bool
        public var jsdBase: Double
        public var correlationThreshold: Double
        public var workingPoint: Double?
        enum CodingKeys: String, CodingKey {
            case bins, alpha, jsdThreshold = "jsd_threshold", jsdStatisticalFloor = "jsd_statistical_floor", jsdBase = "jsd_base"
            case correlationThreshold = "correlation_threshold", workingPoint = "working_point"
        }
    }

    public struct Summary: Sendable, Codable, Equatable {
        /// Nominal-vs-perturbed checks and how many of them noticed the perturbation.
        public var perturbationChecks: Int
        public var perturbationNoticed: Int
        public var minPValue: Double?
        public var maxJSD: Double?
        public var maxCorrelationChange: Double?
        /// Largest |relative change| of the yield above the working point over regions.
        public var maxRelativeYieldShift: Double?
        /// One sentence: would the standard validation have noticed?
        public var verdict: String
        /// Nominal-vs-perturbed checks in blinded regions (the signal region) and how many of them differ: shown,
        /// but not among the checks above, which an analysis can run on data before unblinding (nil: no such region).
        public var blindedChecks: Int? = nil
        public var blindedNoticed: Int? = nil
        enum CodingKeys: String, CodingKey {
            case perturbationChecks = "perturbation_checks", perturbationNoticed = "perturbation_noticed"
            case minPValue = "min_p_value", maxJSD = "max_jsd", maxCorrelationChange = "max_correlation_change"
            case maxRelativeYieldShift = "max_relative_yield_shift", verdict
            case blindedChecks = "blinded_checks", blindedNoticed = "blinded_noticed"
        }
    }

    public struct RegionSummary: Sendable, Codable, Equatable {
        public var name: String
        public var nominalEvents: Int
        public var perturbedEvents: Int
        public var dataEvents: Int?
        public var nominalWeight: Double
        public var perturbedWeight: Double
        /// true for a blinded region (the signal region): its checks are not counted in the summary's.
        public var blinded: Bool? = nil
        enum CodingKeys: String, CodingKey {
            case name, nominalEvents = "nominal_events", perturbedEvents = "perturbed_events", dataEvents = "data_events"
            case nominalWeight = "nominal_weight", perturbedWeight = "perturbed_weight", blinded
        }
    }

    /// Which two samples a check compares.
    public enum Comparison: String, Sendable, Codable, Equatable {
        case nominalVsPerturbed = "nominal_vs_perturbed", dataVsNominal = "data_vs_nominal", dataVsPerturbed = "data_vs_perturbed"
    }

    public enum TestKind: String, Sendable, Codable, Equatable { case chi2, ks, jsd }

    public struct Check: Sendable, Codable, Equatable {
        public var region: String
        public var feature: String
        public var comparison: Comparison
        public var test: TestKind
        /// chi2: X²; ks: D; jsd: the Jensen-Shannon distance.
        public var statistic: Double
        /// nil for jsd.
        public var pValue: Double?
        /// chi2 only.
        public var ndf: Int?
        /// chi2 only: "UU", "UW" or "WW".
        public var mode: String?
        /// Would the standard validation have noticed (p < alpha, or JSD > threshold)?
        public var noticed: Bool
        /// jsd only: the threshold the distance was compared with.
        public var threshold: Double? = nil
        enum CodingKeys: String, CodingKey {
            case region, feature, comparison, test, statistic, pValue = "p_value", ndf, mode, noticed, threshold
        }
        /// Encodes p_value and ndf as explicit nulls when absent (the schema always has the keys).
        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(region, forKey: .region); try c.encode(feature, forKey: .feature)
            try c.encode(comparison, forKey: .comparison); try c.encode(test, forKey: .test)
            try c.encode(statistic, forKey: .statistic); try c.encode(pValue, forKey: .pValue)
            try c.encode(ndf, forKey: .ndf); try c.encodeIfPresent(mode, forKey: .mode)
            try c.encode(noticed, forKey: .noticed); try c.encodeIfPresent(threshold, forKey: .threshold)
        }
    }

    /// Σw and Σw² per bin, index 0 underflow, last index overflow.
    public struct BinnedValues: Sendable, Codable, Equatable {
        public var sumw: [Double]
        public var sumw2: [Double]
        public init(sumw: [Double], sumw2: [Double]) { self.sumw = sumw; self.sumw2 = sumw2 }
        public init(_ h: Histogram1D) { sumw = h.sumW; sumw2 = h.sumW2 }
    }

    public struct FeatureHistograms: Sendable, Codable, Equatable {
        public var region: String
        public var feature: String
        /// Regular bin edges (count = bins + 1); under- and overflow lie outside them.
        public var edges: [Double]
        public var nominal: BinnedValues
        public var perturbed: BinnedValues
        public var data: BinnedValues?
    }

    public struct CorrelationResult: Sendable, Codable, Equatable {
        public var region: String
        public var features: [String]
        public var nominal: [[Double]]
        public var perturbed: [[Double]]
        /// ‖C_perturbed − C_nominal‖_F / ‖C_nominal‖_F.
        public var relativeChange: Double
        public var noticed: Bool
        enum CodingKeys: String, CodingKey {
            case region, features, nominal, perturbed, relativeChange = "relative_change", noticed
        }
    }

    public struct ScoreRegion: Sendable, Codable, Equatable {
        public var region: String
        public var edges: [Double]
        public var nominal: BinnedValues
        public var perturbed: BinnedValues
        /// Σw of events with score > working point.
        public var yieldNominal: Double
        public var yieldPerturbed: Double
        /// √Σw² of the nominal yield (its statistical uncertainty).
        public var yieldNominalError: Double
        /// yieldPerturbed − yieldNominal, and that over yieldNominal (nil when the nominal yield is 0).
        public var yieldShift: Double
        public var relativeYieldShift: Double?
        /// The classifier-score distributions compared like a feature (they are meant to move).
        public var chi2: Check?
        public var ks: Check?
        enum CodingKeys: String, CodingKey {
            case region, edges, nominal, perturbed, yieldNominal = "yield_nominal", yieldPerturbed = "yield_perturbed"
            case yieldNominalError = "yield_nominal_error", yieldShift = "yield_shift", relativeYieldShift = "relative_yield_shift"
            case chi2, ks
        }
    }

    public struct ScoreSummary: Sendable, Codable, Equatable {
        public var workingPoint: Double
        public var regions: [ScoreRegion]
        enum CodingKeys: String, CodingKey { case workingPoint = "working_point", regions }
    }
}

/// Attack diagnostics carried into the report as given: named per-iteration series and named scalars.
public struct AttackDiagnostics: Sendable, Codable, Equatable {
    public struct Series: Sendable, Codable, Equatable {
        public var name: String
        public var values: [Double]
        public init(name: String, values: [Double]) { self.name = name; self.values = values }
    }
    public struct Scalar: Sendable, Codable, Equatable {
        public var name: String
        public var value: Double
        public init(name: String, value: Double) { self.name = name; self.value = value }
    }
    /// Per-iteration series (value k belongs to iteration firstIteration + k); those whose name contains
    /// "fool" are drawn together as "fooling ratio by iteration" in the HTML report, up to three others alone.
    public var series: [Series]
    public var scalars: [Scalar]
    /// Number of the first value's iteration (nil means 1).
    public var firstIteration: Int?
    enum CodingKeys: String, CodingKey { case series, scalars, firstIteration = "first_iteration" }
    public init(series: [Series] = [], scalars: [Scalar] = [], firstIteration: Int? = nil) {
        self.series = series; self.scalars = scalars; self.firstIteration = firstIteration
    }
}
