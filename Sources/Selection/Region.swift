import Columnar

/// A named control (or signal) region: a cut on events.
public struct Region: Sendable {
    public let name: String
    public let cut: CutExpression

    /// A region from a cut expression text; throws `CutExpressionError` if the cut does not parse.
    public init(name: String, cut: String) throws {
        self.name = name
        self.cut = try CutExpression(parsing: cut)
    }

    public init(name: String, cut: CutExpression) {
        self.name = name
        self.cut = cut
    }
}

/// Errors in a set of regions.
public enum RegionError: Error, Equatable, CustomStringConvertible {
    case duplicateName(String)
    case unknownSignalRegion(String, available: [String])
    case weightLengthMismatch(expected: Int, got: Int)

    public var description: String {
        switch self {
        case .duplicateName(let n): return "two regions are named '\(n)'"
        case let .unknownSignalRegion(n, available):
            return "signal region '\(n)' is not one of the regions (\(available.joined(separator: ", ")))"
        case let .weightLengthMismatch(e, g): return "weights have \(g) values, the table has \(e) events"
        }
    }
}

/// One region's events and weighted yield on a table.
public struct RegionResult: Sendable, Codable, Equatable {
    public let name: String
    public let isSignal: Bool
    /// Events passing the region's cut (not encoded in JSON).
    public let mask: [Bool]
    /// Number of events passing.
    public let selected: Int
    /// Sum of the weights of the passing events (the count when no weight is given).
    public let sumWeights: Double
    /// Sum of squared weights of the passing events (for the statistical uncertainty sqrt(sumWeights2)).
    public let sumWeights2: Double

    enum CodingKeys: String, CodingKey {
        case name, isSignal = "is_signal", selected, sumWeights = "sum_weights", sumWeights2 = "sum_weights2"
    }

    public init(name: String, isSignal: Bool, mask: [Bool], weights: [Double]?) {
        self.name = name
        self.isSignal = isSignal
        self.mask = mask
        var n = 0, s = 0.0, s2 = 0.0
        for (i, m) in mask.enumerated() where m {
            n += 1
            let w = weights?[i] ?? 1
            s += w; s2 += w * w
        }
        self.selected = n
        self.sumWeights = s
        self.sumWeights2 = s2
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        isSignal = try c.decode(Bool.self, forKey: .isSignal)
        selected = try c.decode(Int.self, forKey: .selected)
        sumWeights = try c.decode(Double.self, forKey: .sumWeights)
        sumWeights2 = try c.decode(Double.self, forKey: .sumWeights2)
        mask = []
    }
}

/// Several regions over the same events. Regions may overlap; at most one is flagged as the signal region.
public struct RegionSet: Sendable {
    public let regions: [Region]
    /// The name of the signal region, if one is flagged.
    public let signalRegionName: String?

    /// Throws `RegionError` for duplicate names or a signal name that is not a region.
    public init(_ regions: [Region], signal: String? = nil) throws {
        var seen = Set<String>()
        for r in regions {
            guard seen.insert(r.name).inserted else { throw RegionError.duplicateName(r.name) }
        }
        if let s = signal, !seen.contains(s) {
            throw RegionError.unknownSignalRegion(s, available: regions.map(\.name))
        }
        self.regions = regions
        self.signalRegionName = signal
    }

    public var signalRegion: Region? { regions.first { $0.name == signalRegionName } }

    /// The region named `name`.
    public subscript(name: String) -> Region? { regions.first { $0.name == name } }

    /// Every branch any region's cut reads.
    public var freeVariables: Set<String> { regions.reduce(into: Set<String>()) { $0.formUnion($1.cut.freeVariables) } }

    /// Each region's mask, in region order.
    public func masks(on table: EventTable) throws -> [(name: String, mask: [Bool])] {
        try regions.map { ($0.name, try $0.cut.evaluateMask(on: table)) }
    }

    /// Each region's mask and (weighted) yield; `weight` is an expression such as `genWeight * puWeight`.
    public func evaluate(on table: EventTable, weight: CutExpression? = nil) throws -> [RegionResult] {
        let weights = try weight?.evaluateNumbers(on: table)
        return try evaluate(on: table, weights: weights)
    }

    /// Each region's mask and yield with explicit per-event weights (nil: unweighted).
    public func evaluate(on table: EventTable, weights: [Double]?) throws -> [RegionResult] {
        if let w = weights, w.count != table.rowCount {
            throw RegionError.weightLengthMismatch(expected: table.rowCount, got: w.count)
        }
        return try regions.map { r in
            RegionResult(name: r.name, isSignal: r.name == signalRegionName,
                         mask: try r.cut.evaluateMask(on: table), weights: weights)
        }
    }
}
