import ArgumentParser
import Columnar
import Foundation
import Model
import Selection
import Templates
import Validation

/// From nominal and perturbed samples to fit templates: the observable (classifier score or an expression) per
/// event, each region's selection on each sample, weights, then `TemplateBuilder` and `TemplateFiles`.
/// Shared by `templates` and `run`.
struct TemplatesJob {
    var nominal: EventTable
    var perturbed: EventTable
    var data: EventTable?
    var signal: EventTable?
    /// "score" (the classifier's output) or a numeric expression of branches.
    var observable = "score"
    var network: FeedForwardNetwork?
    var features: [String] = []
    var weight: String?
    /// nil: a single region "inclusive" selecting every event.
    var regions: RegionSet?
    var bins = 20
    var range: (Double, Double)?
    var process = "background"
    var signalProcess = "signal"

    var isScore: Bool { observable == "score" }

    /// The templates of every region.
    func build() throws -> TemplateSet {
        let weightExpr = try weight.map { try CutExpression(parsing: $0) }
        let observableExpr = isScore ? nil : try CutExpression(parsing: observable)
        if isScore && network == nil { throw ValidationError("--observable score needs --model") }
        func values(_ t: EventTable, _ what: String) throws -> [Double] {
            if let e = observableExpr { return try e.evaluateNumbers(on: t) }
            guard let net = network else { return [] }
            do { return net.scores(try t.featureMatrix(features)) } catch {
                throw ValidationError("\(what): the classifier's inputs: \(error)")
            }
        }
        func masks(_ t: EventTable) throws -> [[Bool]] {
            guard let rs = regions else { return [Array(repeating: true, count: t.rowCount)] }
            return try rs.regions.map { try $0.cut.evaluateMask(on: t) }
        }
        func sample(_ t: EventTable, _ name: String, weighted: Bool) throws -> TemplateSample {
            try TemplateSample(name: name, values: try values(t, name),
                               weights: weighted ? try weightExpr.map { try $0.evaluateNumbers(on: t) } : nil, regionMasks: try masks(t))
        }
        let nom = try sample(nominal, "nominal", weighted: true)
        let up = try sample(perturbed, "perturbed", weighted: true)
        let d = try data.map { try sample($0, "data", weighted: false) }   // data events count once each
        let sig = try signal.map { try sample($0, "signal", weighted: true) }
        let scoreRange: (Double, Double)? = isScore ? (0, 1) : nil
        let binning = try TemplateBuilder.binning(bins: bins, range: range ?? scoreRange,
                                                  values: [nom.values, up.values] + [d?.values, sig?.values].compactMap { $0 })
        return try TemplateBuilder.build(process: process, observable: isScore ? "classifier score" : observable, binning: binning,
                                         regions: regions?.regions.map(\.name) ?? ["inclusive"], nominal: nom, perturbed: up,
                                         data: d, signal: sig, signalProcess: signalProcess)
    }

    /// Lines for the terminal: per region the yields and the relative shift of the up template.
    static func summary(_ t: TemplateSet, files: (root: String, workspace: String)) -> String {
        var lines = ["templates of \(t.observable) for \(t.process), systematic \(t.systematic):"]
        for r in t.regions {
            let n = r.nominal.integral, u = r.up.integral
            let rel = n != 0 ? String(format: " (%+.2f%%)", 100 * (u - n) / n) : ""
            let shape = zip(r.nominal.sumw, r.up.sumw).map { abs($0 - $1) }.reduce(0, +) / 2
            lines.append(String(format: "  %@: nominal %.6g, up %.6g%@, down %.6g; events moved between bins: Σw %.4g",
                                r.name, n, u, rel, r.down.integral, shape))
        }
        for w in t.warnings { lines.append("  warning: " + w) }
        lines.append("wrote \(files.root) and \(files.workspace)")
        return lines.joined(separator: "\n")
    }

    /// `A:B` → (A, B).
    static func parseRange(_ s: String) throws -> (Double, Double) {
        let parts = s.split(separator: ":", omittingEmptySubsequences: false).map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 2, let a = parts[0], let b = parts[1], a.isFinite, b.isFinite, a < b else {
            throw ValidationError("--range '\(s)': expected A:B with finite numbers A < B (e.g. 0:1)")
        }
        return (a, b)
    }
}
