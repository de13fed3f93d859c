import Foundation
import Mitigation

/// Renders a MitigationReport as one self-contained HTML page (inline SVG, no JavaScript), in the
/// validation report's style: header with key numbers, detector table, robustness curves.
public enum MitigationHTML {
    public static func render(_ r: MitigationReport, title: String = "ConservAttack mitigation report") -> String {
        var h = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        h += "<title>\(SVG.escape(title))</title><style>\(HTMLReport.css)</style></head><body><main><header><h1>\(SVG.escape(title))</h1>"
        h += "<p class=\"lead\">Two mitigations against perturbations that pass the standard validation: <em>can a second network detect the perturbed events, and how fast does the classifier's fooling ratio grow as the validation bound is loosened?</em></p><div class=\"cards\">"
        if let t = r.detector?.test {
            h += HTMLReport.card("detector: fooling events flagged", pct(t.foolingEfficiency), "test split, score &gt; \(SVG.num(t.threshold))")
            h += HTMLReport.card("detector: clean events flagged", pct(t.cleanFlaggedFraction), "false-positive rate on the test split")
            h += HTMLReport.card("corrected fooling ratio", pct(t.correctedFoolingRatio), "fooling and not detected, of the initially correct (uncorrected \(pct(t.initialFoolingRatio)))")
        }
        for c in r.robustness {
            h += HTMLReport.card("robustness score: \(SVG.escape(c.model))", String(format: "%.3f", c.robustnessScore), "1 − mean fooling ratio over the \(c.points.count) bounds")
        }
        h += "</div>" + r.notes.map { "<p class=\"small\">\(SVG.escape($0))</p>" }.joined() + "</header>"
        if let d = r.detector { h += detectorSection(d) }
        if !r.robustness.isEmpty { h += robustnessSection(r.robustness, number: r.detector == nil ? 1 : 2) }
        h += "<footer><h2>Definitions</h2><ul>"
        h += "<li>Detector rows: every clean event (negative) and every perturbed event that fools the classifier (positive). Events are split into train / validation / test; an event's clean and perturbed versions are always in the same split.</li>"
        h += "<li>Flagged: detector score above the threshold. Clean efficiency = 1 − fraction of clean events flagged. Corrected fooling ratio = fooling events not flagged / initially correct events (test split).</li>"
        h += "<li>Robustness curve: the attack is run at every bound; the fooling ratio at a bound is the best one found at that bound or any tighter one (a solution of a tighter bound is admissible at a looser one), so it never decreases as the bound loosens. Robustness score = 1 − the mean of the curve over the bounds.</li>"
        return h + "</ul></footer></main></body></html>\n"
    }

    static func pct(_ v: Double?) -> String { v.map { String(format: "%.1f%%", $0 * 100) } ?? "—" }

    static func detectorSection(_ d: DetectorSummary) -> String {
        var h = "<section id=\"detector\"><h2>1. Adversarial-perturbation detector</h2>"
        h += "<p class=\"small\">Features: \(d.features.map(SVG.escape).joined(separator: ", ")). Positives: \(SVG.escape(d.positives)). Hidden layers \(d.hiddenLayers.map(String.init).joined(separator: "-")), best epoch \(d.bestEpoch) of \(d.epochs), validation loss \(SVG.num(d.validationLoss)), validation AUC \(d.validationAUC.map { SVG.num($0) } ?? "—"). Split seed \(d.splitSeed), training seed \(d.trainingSeed).</p>"
        h += "<table class=\"detector-splits\"><thead><tr><th>split</th><th>attacked events (clean rows)</th><th>additional clean events</th><th>fooling rows</th></tr></thead><tbody>"
        for s in SplitName.allCases {
            guard let z = d.splits[s.rawValue] else { continue }
            h += "<tr><td>\(s.rawValue)</td><td>\(z.clean)</td><td>\(z.extraClean)</td><td>\(z.fooling)</td></tr>"
        }
        h += "</tbody></table>"
        let t = d.test
        h += "<table class=\"detector-test\"><thead><tr><th>test split, threshold \(SVG.num(t.threshold))</th><th>value</th><th>counts</th></tr></thead><tbody>"
        h += "<tr><td>efficiency on fooling events (flagged)</td><td>\(pct(t.foolingEfficiency))</td><td>\(t.foolingFlagged) / \(t.foolingEvents)</td></tr>"
        h += "<tr><td>clean events flagged (false-positive rate)</td><td>\(pct(t.cleanFlaggedFraction))</td><td>\(t.cleanFlagged) / \(t.cleanEvents)</td></tr>"
        h += "<tr><td>efficiency on clean events (accepted)</td><td>\(pct(t.cleanEfficiency))</td><td>\(t.cleanEvents - t.cleanFlagged) / \(t.cleanEvents)</td></tr>"
        if t.extraCleanEvents > 0 {
            h += "<tr><td>efficiency on the additional clean events (accepted)</td><td>\(pct(t.extraCleanEfficiency))</td><td>\(t.extraCleanEvents - t.extraCleanFlagged) / \(t.extraCleanEvents)</td></tr>"
        }
        h += "<tr><td>fooling ratio without detector</td><td>\(pct(t.initialFoolingRatio))</td><td>\(t.foolingEvents) / \(t.initiallyCorrect)</td></tr>"
        h += "<tr><td>corrected fooling ratio (fooling, not detected)</td><td>\(pct(t.correctedFoolingRatio))</td><td>\(t.foolingEvents - t.foolingFlagged) / \(t.initiallyCorrect)</td></tr>"
        h += "</tbody></table>"
        if !d.thresholdScan.isEmpty {
            h += "<p class=\"small\">The threshold trades the two efficiencies (test split):</p><table class=\"detector-scan\"><thead><tr><th>threshold</th><th>fooling flagged</th><th>clean flagged</th>"
            h += (t.extraCleanEvents > 0 ? "<th>additional clean flagged</th>" : "") + "<th>corrected fooling ratio</th></tr></thead><tbody>"
            for e in d.thresholdScan {
                h += "<tr><td>\(SVG.num(e.threshold))</td><td>\(pct(e.foolingEfficiency))</td><td>\(pct(e.cleanFlaggedFraction))</td>"
                h += (t.extraCleanEvents > 0 ? "<td>\(pct(e.extraCleanEfficiency.map { 1 - $0 }))</td>" : "") + "<td>\(pct(e.correctedFoolingRatio))</td></tr>"
            }
            h += "</tbody></table>"
        }
        return h + "</section>"
    }

    static func robustnessSection(_ curves: [RobustnessCurve], number: Int) -> String {
        let colours = [Palette.perturbed, Palette.nominal, "#2ca02c", "#9467bd", "#8c564b"]
        let kind = curves[0].kind
        let xLabel = kind == .jsd ? "JSD cap (looser →)" : "smallest chi2 p-value (looser →)"
        var h = "<section id=\"robustness\"><h2>\(number). Robustness: fooling ratio against the bound</h2>"
        h += "<p class=\"small\">Same sample and bounds for every classifier; bounds from the tightest (left) to the loosest (right).</p>"
        let labels = curves[0].points.map { SVG.num($0.bound) }
        let plot = LinePlot(title: "fooling ratio vs \(kind == .jsd ? "JSD cap" : "chi2 p-value threshold")", xLabel: xLabel,
                            yLabel: "fooling ratio",
                            series: curves.enumerated().map { ($1.model, $1.points.map(\.foolingRatio), colours[$0 % colours.count]) },
                            xTickLabels: labels)
        h += "<figure>\(plot.svg())</figure>"
        h += "<table class=\"robustness\"><thead><tr><th>model</th><th>bound</th><th>fooling ratio</th><th>attack at this bound</th><th>largest JSD</th><th>correlation change</th><th>constraints met</th></tr></thead><tbody>"
        for c in curves {
            for p in c.points {
                h += "<tr><td>\(SVG.escape(c.model))</td><td>\(SVG.num(p.bound))</td><td>\(String(format: "%.4f", p.foolingRatio))</td><td>\(String(format: "%.4f", p.rawFoolingRatio))</td><td>\(SVG.num(p.maxJSD))</td><td>\(SVG.num(p.relCorrChange))</td><td>\(p.constraintsMet ? "yes" : "no")</td></tr>"
            }
        }
        h += "</tbody></table><table><thead><tr><th>model</th><th>events</th><th>initially correct</th><th>mean fooling ratio</th><th>robustness score</th><th>seed</th><th>iterations</th></tr></thead><tbody>"
        for c in curves {
            h += "<tr><td>\(SVG.escape(c.model))</td><td>\(c.events)</td><td>\(c.initiallyCorrect)</td><td>\(String(format: "%.4f", c.meanFoolingRatio))</td><td>\(String(format: "%.4f", c.robustnessScore))</td><td>\(c.seed)</td><td>\(c.iterations)</td></tr>"
        }
        return h + "</tbody></table></section>"
    }
}
