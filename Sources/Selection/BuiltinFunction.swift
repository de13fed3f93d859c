import Foundation

/// The functions a cut expression may call, with every accepted spelling.
///
/// | function          | spellings                                   | arity | on                    |
/// |-------------------|---------------------------------------------|-------|-----------------------|
/// | absolute value    | abs, fabs, TMath::Abs                        | 1     | numbers, elementwise  |
/// | square root       | sqrt, TMath::Sqrt                            | 1     |                       |
/// | exp, log, log10   | exp, log, log10, TMath::Exp/Log/Log10        | 1     |                       |
/// | sin, cos, tan     | sin, cos, tan, TMath::Sin/Cos/Tan            | 1     |                       |
/// | power             | pow, TMath::Power                            | 2     |                       |
/// | min, max          | min, max, TMath::Min, TMath::Max             | 2     | elementwise (not Min$) |
/// | atan2, hypot      | atan2, hypot, TMath::ATan2, TMath::Hypot     | 2     |                       |
/// | aggregates        | Sum$, Max$, Min$, Length$                    | 1     | per element → per event |
/// | conditional aggr. | MaxIf$(x, cond), MinIf$(x, cond)              | 2     | per element → per event |
/// | alternative       | Alt$(value, fallback)                        | 2     | fallback where missing |
enum BuiltinFunction: String, Sendable, CaseIterable {
    case abs, sqrt, exp, log, log10, sin, cos, tan
    case pow, min, max, atan2, hypot
    case sum = "Sum$", maxOf = "Max$", minOf = "Min$", length = "Length$"
    case maxIf = "MaxIf$", minIf = "MinIf$", alt = "Alt$"

    /// Every accepted spelling → function.
    static let spellings: [String: BuiltinFunction] = {
        var table: [String: BuiltinFunction] = [:]
        for f in BuiltinFunction.allCases { table[f.rawValue] = f }
        table["fabs"] = .abs
        let tmath: [String: BuiltinFunction] = [
            "Abs": .abs, "Sqrt": .sqrt, "Exp": .exp, "Log": .log, "Log10": .log10, "Power": .pow,
            "Min": .min, "Max": .max, "ATan2": .atan2, "Sin": .sin, "Cos": .cos, "Tan": .tan, "Hypot": .hypot,
        ]
        for (name, f) in tmath { table["TMath::" + name] = f }
        return table
    }()

    var arity: Int {
        switch self {
        case .abs, .sqrt, .exp, .log, .log10, .sin, .cos, .tan, .sum, .maxOf, .minOf, .length: return 1
        case .pow, .min, .max, .atan2, .hypot, .maxIf, .minIf, .alt: return 2
        }
    }

    /// Reduces the elements of each event to one number.
    var isAggregate: Bool { [.sum, .maxOf, .minOf, .length, .maxIf, .minIf].contains(self) }

    /// The C math function for elementwise numeric functions.
    var unaryMath: ((Double) -> Double)? {
        switch self {
        case .abs: return { Swift.abs($0) }
        case .sqrt: return { $0.squareRoot() }
        case .exp: return { Foundation.exp($0) }
        case .log: return { Foundation.log($0) }
        case .log10: return { Foundation.log10($0) }
        case .sin: return { Foundation.sin($0) }
        case .cos: return { Foundation.cos($0) }
        case .tan: return { Foundation.tan($0) }
        default: return nil
        }
    }

    var binaryMath: ((Double, Double) -> Double)? {
        switch self {
        case .pow: return { Foundation.pow($0, $1) }
        // std::min/std::max semantics: min(a, b) = b < a ? b : a (NaN in a propagates, NaN in b does not).
        case .min: return { $1 < $0 ? $1 : $0 }
        case .max: return { $0 < $1 ? $1 : $0 }
        case .atan2: return { Foundation.atan2($0, $1) }
        case .hypot: return { Foundation.hypot($0, $1) }
        default: return nil
        }
    }
}
