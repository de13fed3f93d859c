import Attack
import Columnar
import Foundation
import Model
import Report
import Selection
import Validation

/// Runs the standard data/simulation checks on nominal vs perturbed samples and writes the report.
struct ValidationJob {
    var nominal: EventTable
    var perturbed: EventTable
    var data: EventTable?
    var features: [String]
    var weight: String?
    var regions: RegionSet?
    var network: FeedForwardNetwork?
    var trueClass: Int?
    var workingPoint = 0.5
    var attack: AttackMetrics?
    var bins = 40
    /// Explicit bin edges per feature (the attack's grid in `run`); features without edges use `bins`.
    var edges: [String: [Double]] = [:]
    /// The thresholds of the checks (ValidationOptions; `run` takes them from an attack in checks mode).
    var alpha = 0.05, jsdThreshold = 0.05, jsdStatisticalFloor = true, correlationThreshold = 0.1

    /// The thresholds an attack in checks mode stayed inside (the defaults otherwise).
    mutating func useThresholds(of c: AttackConfiguration) {
        guard c.mode == .checks else { return }
        alpha = c.checkAlpha; jsdThreshold = c.checkJSDThreshold
        jsdStatisticalFloor = c.checkJSDFloor; correlationThreshold = c.checkCorrelationThreshold
    }

    /// The grid the attack constrains: its `BinGrid` on the inclusive nominal [min, max] of each feature.
    /// The attack's last bin holds the maximum itself, while an explicit edge list puts a value equal to
    /// the last edge in the overflow (ROOT's convention); so the last edge moves up by one ulp, and the
    /// validation sees every event in the bin the attack counted it in.
    static func grid(_ table: EventTable, features: [String], bins: Int) throws -> [String: [Double]] {
        var out: [String: [Double]] = [:]
        for f in features {
            let v = try table.doubles(f).filter { $0.isFinite }
            guard let lo = v.min(), let hi = v.max(), hi > lo else { continue }
            var edges = BinGrid(lower: lo, upper: hi, count: bins).edges
            edges[edges.count - 1] = hi.nextUp
            out[f] = edges
        }
        return out
    }

    func run() throws -> ValidationReport {
        let weightExpr = try weight.map { try CutExpression(parsing: $0) }
        func sample(_ t: EventTable) throws -> ValidationSample {
            ValidationSample(features: try t.featureMatrix(features), weights: try weightExpr.map { try $0.evaluateNumbers(on: t) })
        }
        let regionInputs = try regions?.regions.map { r in
            ValidationRegion(name: r.name, nominalMask: try r.cut.evaluateMask(on: nominal),
                             perturbedMask: try r.cut.evaluateMask(on: perturbed),
                             dataMask: try data.map { try r.cut.evaluateMask(on: $0) },
                             blinded: r.name == regions?.signalRegionName)
        } ?? []
        var scores: ScoreInput? = nil
        if let net = network {
            let sn = net.scores(try nominal.featureMatrix(features)), sp = net.scores(try perturbed.featureMatrix(features))
            scores = ScoreInput(nominal: sn, perturbed: sp,
                                labels: trueClass.map { Array(repeating: Double($0), count: sn.count) }, workingPoint: workingPoint)
        }
        let input = ValidationInput(featureNames: features, nominal: try sample(nominal), perturbed: try sample(perturbed),
                                    data: try data.map(sample), regions: regionInputs, scores: scores,
                                    attack: attack.map(Self.diagnostics))
        var options = ValidationOptions()
        options.bins = bins
        options.edges = edges
        options.alpha = alpha; options.jsdThreshold = jsdThreshold
        options.jsdStatisticalFloor = jsdStatisticalFloor; options.correlationThreshold = correlationThreshold
        return try Validator.run(input, options: options)
    }

    /// The attack's per-iteration metrics as the report shows them.
    static func diagnostics(_ m: AttackMetrics) -> AttackDiagnostics {
        AttackDiagnostics(series: [
            .init(name: "fooling_ratio", values: m.iterations.map(\.foolingRatio)),
            .init(name: "max_jsd", values: m.iterations.map(\.maxJSD)),
            .init(name: "rel_corr_change", values: m.iterations.map(\.relCorrChange)),
        ], scalars: [
            .init(name: "fooling_ratio", value: m.foolingRatio),
            .init(name: "best_iteration", value: Double(m.bestIteration)),
            .init(name: "initially_correct", value: Double(m.initiallyCorrect)),
            .init(name: "seconds", value: m.seconds),
        ], firstIteration: 1)
    }

    /// Human summary: the checks and whether they would notice.
    static func summary(_ r: ValidationReport) -> String {
        let s = r.summary
        var lines = ["checks: \(s.perturbationNoticed) of \(s.perturbationChecks) nominal-vs-perturbed checks would notice"]
        if let b = s.blindedChecks, let n = s.blindedNoticed { lines[0] += " (blinded signal region: \(n) of \(b) differ, not counted)" }
        if let p = s.minPValue { lines.append(String(format: "smallest p-value %.3g", p)) }
        if let j = s.maxJSD { lines.append(String(format: "largest JSD %.4f", j)) }
        if let c = s.maxCorrelationChange { lines.append(String(format: "largest correlation change %.4f", c)) }
        if let y = s.maxRelativeYieldShift { lines.append(String(format: "largest yield shift above the working point %+.1f%%", 100 * y)) }
        return lines.joined(separator: "; ") + "\nverdict: " + s.verdict
    }
}
