/// The templates of one systematic for a statistical fit: per region (a fit channel) the process's nominal,
/// up (the attacked sample) and down (mirrored) histograms of the fitted observable, and optionally the observed
/// data and a signal process.
public struct TemplateSet: Sendable, Equatable, Codable {
    /// The process the attack perturbed (the background sample's name in the fit).
    public var process: String
    /// The nuisance parameter's name (Combine's `$SYSTEMATIC`, pyhf's histosys modifier).
    public var systematic: String
    /// What was histogrammed ("score" or a numeric expression).
    public var observable: String
    /// The signal process's name when a signal sample was given.
    public var signalProcess: String?
    public var regions: [RegionTemplates]
    /// What the user should know (events outside the axis range, non-finite observables), each naming the region.
    public var warnings: [String]

    public init(process: String, systematic: String = "conservattack", observable: String, signalProcess: String? = nil,
                regions: [RegionTemplates], warnings: [String] = []) {
        self.process = process; self.systematic = systematic; self.observable = observable
        self.signalProcess = signalProcess; self.regions = regions; self.warnings = warnings
    }

    /// Combine's name of the up or down template: `PROCESS_SYSTEMATICUp`.
    public func variationName(up: Bool) -> String { "\(process)_\(systematic)\(up ? "Up" : "Down")" }
}

/// One region's templates.
public struct RegionTemplates: Sendable, Equatable, Codable {
    public var name: String
    public var nominal: TemplateHistogram
    /// The perturbed (attacked) sample.
    public var up: TemplateHistogram
    /// `up` mirrored about `nominal`, floored at 0.
    public var down: TemplateHistogram
    public var data: TemplateHistogram?
    public var signal: TemplateHistogram?
    /// Events selected in the region (nominal, perturbed).
    public var nominalEvents: Int
    public var perturbedEvents: Int

    public init(name: String, nominal: TemplateHistogram, up: TemplateHistogram, data: TemplateHistogram? = nil,
                signal: TemplateHistogram? = nil, nominalEvents: Int, perturbedEvents: Int) {
        self.name = name; self.nominal = nominal; self.up = up; self.down = up.mirrored(about: nominal)
        self.data = data; self.signal = signal; self.nominalEvents = nominalEvents; self.perturbedEvents = perturbedEvents
    }
}

/// Errors building or writing templates; each names the sample, region, event or file concerned.
public enum TemplateError: Error, Equatable, CustomStringConvertible {
    case lengthMismatch(sample: String, what: String, expected: Int, got: Int)
    case nonFiniteWeight(sample: String, event: Int, value: Double)
    case invalidName(String, reason: String)
    case invalidBinning(String)
    case noRegions
    case io(path: String, reason: String)

    public var description: String {
        switch self {
        case let .lengthMismatch(s, w, e, g): return "sample '\(s)': \(w) has \(g) values, expected \(e)"
        case let .nonFiniteWeight(s, i, v): return "sample '\(s)': event \(i) has the weight \(v) (weights must be finite)"
        case let .invalidName(n, r): return "name '\(n)': \(r)"
        case let .invalidBinning(r): return "binning: \(r)"
        case .noRegions: return "no regions to build templates in"
        case let .io(p, r): return "\(p): \(r)"
        }
    }
}
