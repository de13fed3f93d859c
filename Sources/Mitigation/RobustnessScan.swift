import Attack
import Columnar
import Foundation
import Model

/// Which constraint bound the robustness scan varies.
public enum RobustnessBoundKind: String, Codable, Sendable {
    /// jsd mode; the bound is the JSD cap (constraint_jsd = max_step_jsd = bound). Larger = looser.
    case jsd
    /// chi2 mode; the bound is the smallest admissible chi2 p-value (chi2_threshold). Smaller = looser.
    case chi2

    /// The bounds ordered from the tightest to the loosest.
    public func tightToLoose(_ bounds: [Double]) -> [Double] {
        self == .jsd ? bounds.sorted() : bounds.sorted(by: >)
    }

    /// The attack configuration at one bound (everything else from `base`).
    public func configuration(_ base: AttackConfiguration, bound: Double) -> AttackConfiguration {
        var c = base
        switch self {
        case .jsd: c.mode = .jsd; c.constraintJSD = bound; c.maxStepJSD = bound
        case .chi2: c.mode = .chi2; c.chi2Threshold = bound
        }
        return c
    }
}

/// One point of a robustness curve.
public struct RobustnessPoint: Codable, Sendable, Equatable {
    public var bound: Double
    /// Best fooling ratio found at this bound or any tighter one (every such solution is admissible here).
    public var foolingRatio: Double
    public var fooled: Int
    /// The attack's own result at this bound.
    public var rawFoolingRatio: Double
    /// The bound whose attack gave `foolingRatio` (this one or a tighter one).
    public var achievedAtBound: Double
    public var maxJSD: Double
    public var relCorrChange: Double
    public var minChi2P: Double?
    public var constraintsMet: Bool
    public var seconds: Double

    enum CodingKeys: String, CodingKey {
        case bound, foolingRatio = "fooling_ratio", fooled, rawFoolingRatio = "raw_fooling_ratio"
        case achievedAtBound = "achieved_at_bound", maxJSD = "max_jsd", relCorrChange = "rel_corr_change"
        case minChi2P = "min_chi2_p", constraintsMet = "constraints_met", seconds
    }
}

/// Fooling ratio against the constraint bound for one classifier on one sample, and its one-number summary.
public struct RobustnessCurve: Codable, Sendable, Equatable {
    /// Name of the classifier (e.g. its file).
    public var model: String
    public var kind: RobustnessBoundKind
    public var events: Int
    public var initiallyCorrect: Int
    public var seed: UInt64
    public var iterations: Int
    /// Ordered from the tightest to the loosest bound; `fooling_ratio` is non-decreasing along it.
    public var points: [RobustnessPoint]
    /// Mean of `fooling_ratio` over the points (each bound counts once).
    public var meanFoolingRatio: Double
    /// 1 − meanFoolingRatio: 1 = never fooled at any bound, 0 = always fooled.
    public var robustnessScore: Double

    enum CodingKeys: String, CodingKey {
        case model, kind, events, initiallyCorrect = "initially_correct", seed, iterations, points
        case meanFoolingRatio = "mean_fooling_ratio", robustnessScore = "robustness_score"
    }
}

/// Runs the attack at a list of bounds and builds the robustness curve.
public enum RobustnessScan {
    /// Index, for each position, of the largest value at that position or before it (first one on ties).
    public static func runningMaximumIndex(_ values: [Double]) -> [Int] {
        var out: [Int] = [], best = -1
        for (i, v) in values.enumerated() {
            if best < 0 || v > values[best] { best = i }
            out.append(best)
        }
        return out
    }

    /// Builds the curve from per-bound attack metrics (`metrics[k]` at `bounds[k]`, tight to loose).
    public static func curve(model: String, kind: RobustnessBoundKind, bounds: [Double], metrics: [AttackMetrics],
                             seed: UInt64, iterations: Int) throws -> RobustnessCurve {
        guard !bounds.isEmpty, bounds.count == metrics.count else {
            throw MitigationError.shapeMismatch(what: "attack results per bound", expected: bounds.count, got: metrics.count)
        }
        guard kind.tightToLoose(bounds) == bounds else { throw MitigationError.invalidSetting("bounds must be ordered from the tightest to the loosest") }
        let correct = metrics[0].initiallyCorrect
        if let m = metrics.first(where: { $0.initiallyCorrect != correct }) {
            throw MitigationError.shapeMismatch(what: "initially correct events (one classifier, one sample)", expected: correct, got: m.initiallyCorrect)
        }
        // A bound that gave no constraint-satisfying state contributes nothing of its own.
        let admissible = metrics.map { $0.constraintsMet ? Double($0.fooled) : -1 }
        let best = runningMaximumIndex(admissible)
        let points = bounds.indices.map { k -> RobustnessPoint in
            let m = metrics[k], b = metrics[best[k]]
            let fooled = b.constraintsMet ? b.fooled : 0
            return RobustnessPoint(bound: bounds[k], foolingRatio: correct > 0 ? Double(fooled) / Double(correct) : 0,
                                   fooled: fooled, rawFoolingRatio: m.foolingRatio, achievedAtBound: bounds[best[k]],
                                   maxJSD: m.maxJSD, relCorrChange: m.relCorrChange, minChi2P: m.minChi2P,
                                   constraintsMet: m.constraintsMet, seconds: m.seconds)
        }
        let mean = points.map(\.foolingRatio).reduce(0, +) / Double(points.count)
        return RobustnessCurve(model: model, kind: kind, events: metrics[0].events, initiallyCorrect: correct, seed: seed,
                               iterations: iterations, points: points, meanFoolingRatio: mean, robustnessScore: 1 - mean)
    }

    /// Attacks `problem` with `classifier` at every bound (from `base`, with the bound set by `kind`) and
    /// returns the curve. `progress(k, n)` is called before the attack at the k-th of n bounds.
    public static func run(problem: AttackProblem, classifier: DifferentiableClassifier, model: String,
                           base: AttackConfiguration, kind: RobustnessBoundKind, bounds: [Double],
                           progress: ((Int, Int) -> Void)? = nil) throws -> RobustnessCurve {
        guard !bounds.isEmpty else { throw MitigationError.invalidSetting("no bounds to scan") }
        for b in bounds where !(b.isFinite && b > 0 && (kind == .jsd || b < 1)) {
            throw MitigationError.invalidSetting("bound \(b) is not valid for \(kind.rawValue) (jsd: > 0; chi2: a p-value in (0, 1))")
        }
        let ordered = kind.tightToLoose(bounds)
        var metrics: [AttackMetrics] = []
        for (k, b) in ordered.enumerated() {
            progress?(k, ordered.count)
            let engine = try AttackEngine(problem: problem, classifier: classifier, configuration: kind.configuration(base, bound: b))
            metrics.append(try engine.run().metrics)
        }
        return try curve(model: model, kind: kind, bounds: ordered, metrics: metrics, seed: base.seed, iterations: base.iterations)
    }
}
