import Columnar
import Foundation

/// What `conservattack select FILE[:TREE] --cut EXPR [--weight EXPR] [--cutflow] [--json]` reports.
///
/// JSON: `{"entries": N, "selected": n, "sum_weights": w, "total_sum_weights": W, "cut": "...", "weight": "...",
/// "cutflow": [...]}`
/// (`weight` and `cutflow` only when given / requested; non-finite numbers as "nan", "inf", "-inf").
public struct SelectionSummary: Sendable, Codable, Equatable {
    public let entries: Int
    public let selected: Int
    public let sumWeights: Double
    /// Summed weight of all entries (the entry count when unweighted).
    public let totalSumWeights: Double
    public let cut: String
    public let weight: String?
    public let cutflow: [CutflowStep]?

    enum CodingKeys: String, CodingKey {
        case entries, selected, sumWeights = "sum_weights", totalSumWeights = "total_sum_weights", cut, weight, cutflow
    }

    /// Evaluates `cut` (and `weight`) on `table`; `includeCutflow` adds the per-term rows.
    public static func compute(cut: CutExpression, weight: CutExpression? = nil, table: EventTable,
                               includeCutflow: Bool = false) throws -> SelectionSummary {
        let weights = try weight?.evaluateNumbers(on: table)
        let (flow, mask) = try Cutflow.compute(cut: cut, weights: weights, table: table)
        let result = RegionResult(name: "selection", isSignal: false, mask: mask, weights: weights)
        return SelectionSummary(entries: table.rowCount, selected: result.selected, sumWeights: result.sumWeights,
                                totalSumWeights: flow.totalSumWeights, cut: cut.source, weight: weight?.source, cutflow: includeCutflow ? flow.steps : nil)
    }

    /// Parses and evaluates in one go (what the CLI calls after reading the branches in `branchesNeeded`).
    public static func compute(cut: String, weight: String?, table: EventTable,
                               includeCutflow: Bool = false) throws -> SelectionSummary {
        try compute(cut: CutExpression(parsing: cut), weight: weight.map { try CutExpression(parsing: $0) },
                    table: table, includeCutflow: includeCutflow)
    }

    /// The branches the CLI must read for `cut` and `weight`.
    public static func branchesNeeded(cut: CutExpression, weight: CutExpression?) -> [String] {
        cut.freeVariables.union(weight?.freeVariables ?? []).sorted()
    }

    /// Pretty-printed JSON with sorted keys.
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    /// Decodes what `json()` wrote.
    public static func decode(json: String) throws -> SelectionSummary {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try decoder.decode(SelectionSummary.self, from: Data(json.utf8))
    }

    /// Human-readable summary (plus the cutflow table when present).
    public func text() -> String {
        var out = "cut:      \(cut)\n"
        if let w = weight { out += "weight:   \(w)\n" }
        out += "entries:  \(entries)\nselected: \(selected)"
        if entries > 0 { out += String(format: " (%.2f%%)", 100 * Double(selected) / Double(entries)) }
        out += "\nsum of weights: \(String(format: "%.6g", sumWeights))\n"
        if let steps = cutflow {
            out += "\n" + Cutflow(entries: entries, totalSumWeights: totalSumWeights, steps: steps).textTable()
        }
        return out
    }
}
