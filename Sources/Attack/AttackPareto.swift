import Columnar
import Foundation
import Model

/// The fooling-ratio-against-budget table of `make bench` and docs/attack.md: for each correlation bound (and
/// JSD cap), the greedy baseline and the boundary search on the same problem in the same run.
public enum AttackPareto {
    /// One cell: a search at one bound.
    public struct Point: Sendable {
        public var search: AttackSearch
        public var relCorrBound: Double, jsdCap: Double
        public var foolingRatio: Double, maxJSD: Double, relCorrChange: Double, constraintsMet: Bool
        public var seconds: Double
    }

    /// Runs `configuration` (its search, constraint_rel_corr and max_step_jsd replaced) on the problem.
    public static func point(problem: AttackProblem, classifier: any DifferentiableClassifier,
                             configuration: AttackConfiguration, search: AttackSearch, relCorrBound: Double,
                             jsdCap: Double, compensation: Bool = true,
                             knobs: ((AttackEngine) -> Void)? = nil) throws -> Point {
        var cfg = configuration
        cfg.search = search; cfg.constraintRelCorr = relCorrBound; cfg.maxStepJSD = jsdCap
        cfg.constraintJSD = max(cfg.constraintJSD, jsdCap)
        let engine = try AttackEngine(problem: problem, classifier: classifier, configuration: cfg)
        engine.compensationEnabled = compensation
        knobs?(engine)
        let t0 = Date()
        let r = try engine.run()
        return Point(search: search, relCorrBound: relCorrBound, jsdCap: jsdCap, foolingRatio: r.metrics.foolingRatio,
                     maxJSD: r.metrics.maxJSD, relCorrChange: r.metrics.relCorrChange,
                     constraintsMet: r.metrics.constraintsMet, seconds: Date().timeIntervalSince(t0))
    }

    /// Markdown rows (one per bound pair): greedy and boundary side by side.
    public static func table(name: String, problem: AttackProblem, classifier: any DifferentiableClassifier,
                             configuration: AttackConfiguration, relCorrBounds: [Double], jsdCaps: [Double]) throws -> [String] {
        var rows: [String] = []
        for jc in jsdCaps {
            for rc in relCorrBounds {
                let g = try point(problem: problem, classifier: classifier, configuration: configuration, search: .greedy,
                                  relCorrBound: rc, jsdCap: jc)
                let b = try point(problem: problem, classifier: classifier, configuration: configuration, search: .boundary,
                                  relCorrBound: rc, jsdCap: jc)
                rows.append(String(format: "| %@ | %.3g | %.4g | %.3f | %.3f | %.4f / %.4f | %.4f / %.4f | %.1f / %.1f |",
                                   name, rc, jc, g.foolingRatio, b.foolingRatio, g.relCorrChange, b.relCorrChange,
                                   g.maxJSD, b.maxJSD, g.seconds, b.seconds))
            }
        }
        return rows
    }

    public static let header = [
        "| problem | corr bound | JSD cap | fooling greedy | fooling boundary | corr change g / b | max JSD g / b | seconds g / b |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
}
