import Columnar
import Foundation

/// One row of a cutflow: the events surviving this term and every term before it.
public struct CutflowStep: Sendable, Codable, Equatable {
    /// The term's expression text.
    public let term: String
    /// Events passing this and all previous terms.
    public let events: Int
    /// Their summed weight (the count when unweighted).
    public let sumWeights: Double
    /// `events` relative to the previous row (the first row: relative to all entries); NaN if that is 0.
    public let efficiency: Double
    /// `events` relative to all entries.
    public let cumulativeEfficiency: Double

    enum CodingKeys: String, CodingKey {
        case term, events, sumWeights = "sum_weights", efficiency, cumulativeEfficiency = "cumulative_efficiency"
    }
}

/// Events and weighted sums after each term of a cut's top-level `&&` chain.
public struct Cutflow: Sendable, Codable, Equatable {
    /// Events in the table.
    public let entries: Int
    /// Summed weight of all events.
    public let totalSumWeights: Double
    public let steps: [CutflowStep]

    enum CodingKeys: String, CodingKey {
        case entries, totalSumWeights = "total_sum_weights", steps
    }

    /// Splits `cut` at its top-level `&&` (a parenthesised group stays one term) and counts the events
    /// surviving each prefix of the chain. The last row equals the full cut.
    public static func compute(cut: CutExpression, weight: CutExpression? = nil, table: EventTable) throws -> Cutflow {
        let weights = try weight?.evaluateNumbers(on: table)
        return try compute(cut: cut, weights: weights, table: table).cutflow
    }

    /// The cutflow and the final mask, with explicit weights (nil: unweighted).
    static func compute(cut: CutExpression, weights: [Double]?, table: EventTable) throws -> (cutflow: Cutflow, mask: [Bool]) {
        let terms = try cut.termMasks(on: table)
        var alive = [Bool](repeating: true, count: table.rowCount)
        let total = weights.map { $0.reduce(0, +) } ?? Double(table.rowCount)
        var steps: [CutflowStep] = []
        var previous = table.rowCount
        for (text, mask) in terms {
            alive = Kernels.zip(alive, mask) { $0 && $1 }
            var n = 0, s = 0.0
            for i in 0..<alive.count where alive[i] { n += 1; s += weights?[i] ?? 1 }
            steps.append(CutflowStep(term: text, events: n, sumWeights: s,
                                     efficiency: previous == 0 ? .nan : Double(n) / Double(previous),
                                     cumulativeEfficiency: table.rowCount == 0 ? .nan : Double(n) / Double(table.rowCount)))
            previous = n
        }
        return (Cutflow(entries: table.rowCount, totalSumWeights: total, steps: steps), alive)
    }

    /// A plain-text table: one row per term with events, efficiencies and weighted sums.
    public func textTable() -> String {
        let termWidth = max(13, min(60, steps.map { $0.term.count }.max() ?? 13))
        func pad(_ s: String, _ w: Int, right: Bool = false) -> String {
            let t = s.count > w ? String(s.prefix(w - 1)) + "…" : s
            let fill = String(repeating: " ", count: max(0, w - t.count))
            return right ? fill + t : t + fill
        }
        func pct(_ x: Double) -> String { x.isFinite ? String(format: "%.2f%%", 100 * x) : "-" }
        func num(_ x: Double) -> String { x.isFinite ? String(format: "%.6g", x) : "\(x)" }
        var lines = [pad("cut", termWidth) + "  " + pad("events", 10, right: true) + "  " + pad("eff", 8, right: true)
                     + "  " + pad("cum. eff", 8, right: true) + "  " + pad("sum w", 12, right: true)]
        lines.append(String(repeating: "-", count: termWidth + 48))
        lines.append(pad("(all entries)", termWidth) + "  " + pad("\(entries)", 10, right: true) + "  "
                     + pad("", 8, right: true) + "  " + pad("", 8, right: true) + "  " + pad(num(totalSumWeights), 12, right: true))
        for s in steps {
            lines.append(pad(s.term, termWidth) + "  " + pad("\(s.events)", 10, right: true) + "  "
                         + pad(pct(s.efficiency), 8, right: true) + "  " + pad(pct(s.cumulativeEfficiency), 8, right: true)
                         + "  " + pad(num(s.sumWeights), 12, right: true))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
