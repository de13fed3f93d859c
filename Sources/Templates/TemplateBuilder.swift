import Validation

/// One sample's observable per event, its weights (nil = 1 each) and, per region, which events it selects.
public struct TemplateSample: Sendable {
    public var name: String
    public var values: [Double]
    public var weights: [Double]?
    /// One mask per region, in region order (each as long as `values`).
    public var regionMasks: [[Bool]]

    /// Checks the lengths and that every weight is finite.
    public init(name: String, values: [Double], weights: [Double]?, regionMasks: [[Bool]]) throws {
        if let w = weights {
            guard w.count == values.count else {
                throw TemplateError.lengthMismatch(sample: name, what: "weights", expected: values.count, got: w.count)
            }
            if let i = w.firstIndex(where: { !$0.isFinite }) { throw TemplateError.nonFiniteWeight(sample: name, event: i, value: w[i]) }
        }
        for m in regionMasks where m.count != values.count {
            throw TemplateError.lengthMismatch(sample: name, what: "a region mask", expected: values.count, got: m.count)
        }
        self.name = name; self.values = values; self.weights = weights; self.regionMasks = regionMasks
    }
}

/// Fills the templates of every region: nominal and perturbed (up) samples of the process, the mirrored down
/// template, and the optional data and signal samples, all on one binning.
public enum TemplateBuilder {
    /// `regions` names the channels (no '/', unique); every sample has one mask per region.
    public static func build(process: String, observable: String, binning: Binning, regions: [String],
                             nominal: TemplateSample, perturbed: TemplateSample, data: TemplateSample? = nil,
                             signal: TemplateSample? = nil, signalProcess: String = "signal") throws -> TemplateSet {
        guard !regions.isEmpty else { throw TemplateError.noRegions }
        try checkName(process, what: "process")
        if signal != nil {
            try checkName(signalProcess, what: "signal process")
            guard signalProcess != process else { throw TemplateError.invalidName(signalProcess, reason: "the signal and the process need different names") }
        }
        var seen = Set<String>()
        for r in regions {
            try checkName(r, what: "region")
            guard seen.insert(r).inserted else { throw TemplateError.invalidName(r, reason: "two regions have this name") }
        }
        for s in [nominal, perturbed] + [data, signal].compactMap({ $0 }) where s.regionMasks.count != regions.count {
            throw TemplateError.lengthMismatch(sample: s.name, what: "region masks", expected: regions.count, got: s.regionMasks.count)
        }
        guard nominal.values.count == perturbed.values.count else {
            throw TemplateError.lengthMismatch(sample: perturbed.name, what: "events (the perturbed sample holds the nominal's events)",
                                               expected: nominal.values.count, got: perturbed.values.count)
        }
        var warnings: [String] = []
        var out: [RegionTemplates] = []
        for (r, region) in regions.enumerated() {
            let nom = fill(nominal, region: r, binning: binning)
            let up = fill(perturbed, region: r, binning: binning)
            let d = data.map { fill($0, region: r, binning: binning) }
            let sig = signal.map { fill($0, region: r, binning: binning) }
            let t = RegionTemplates(name: region, nominal: nom.histogram, up: up.histogram, data: d?.histogram, signal: sig?.histogram,
                                    nominalEvents: nom.selected, perturbedEvents: up.selected)
            var flows: [String] = [], nan: [String] = []
            for (sample, f) in [(nominal.name, nom), (perturbed.name, up)] + [d.map { (data!.name, $0) }, sig.map { (signal!.name, $0) }].compactMap({ $0 }) {
                let h = f.histogram
                if h.flowSum != 0 { flows.append("\(sample) \(short(h.sumw[0])) / \(short(h.sumw[h.sumw.count - 1]))") }
                if f.nonFinite > 0 { nan.append("\(sample) \(f.nonFinite)") }
            }
            if !flows.isEmpty {
                warnings.append("region \(region): Σw below / above the axis range: \(flows.joined(separator: ", ")) (kept in the ROOT file's "
                                + "under/overflow bins, which Combine ignores; folded into the first/last bin in workspace.json)")
            }
            if !nan.isEmpty { warnings.append("region \(region): events with a NaN observable, in no bin: \(nan.joined(separator: ", "))") }
            let expected = zip(t.nominal.folded.sumw, t.signal?.folded.sumw ?? Array(repeating: 0, count: binning.binCount)).map(+)
            let empty = expected.indices.filter { expected[$0] <= 0 }
            if !empty.isEmpty {
                warnings.append("region \(region): bins \(empty.map { "\($0 + 1)" }.joined(separator: ", ")) of \(binning.binCount) expect no events; "
                                + "a fit fails if data fall there (choose fewer bins or another range)")
            }
            out.append(t)
        }
        return TemplateSet(process: process, observable: observable, signalProcess: signal == nil ? nil : signalProcess,
                           regions: out, warnings: warnings)
    }

    /// Equal-width bins on [lower, upper] when given, else on the finite range of `values` (the largest value
    /// kept inside the last bin).
    public static func binning(bins: Int, range: (Double, Double)?, values: [[Double]]) throws -> Binning {
        guard bins >= 1 && bins <= 100_000 else { throw TemplateError.invalidBinning("bins must be in 1...100000, got \(bins)") }
        if let (lo, hi) = range {
            guard lo.isFinite, hi.isFinite, hi > lo else { throw TemplateError.invalidBinning("range \(lo):\(hi) is not a finite interval with A < B") }
            return try Binning(bins: bins, lower: lo, upper: hi)
        }
        return try Binning.fitted(to: values.flatMap { $0 }, bins: bins)
    }

    static func fill(_ s: TemplateSample, region: Int, binning: Binning) -> (histogram: TemplateHistogram, selected: Int, nonFinite: Int) {
        var h = TemplateHistogram(edges: binning.edges)
        var selected = 0, nonFinite = 0
        let mask = s.regionMasks[region]
        for (i, pass) in mask.enumerated() where pass {
            selected += 1
            let x = s.values[i]
            guard let bin = binning.index(of: x) else { nonFinite += 1; continue }   // NaN; ±inf go to the flow bins, as in ROOT
            h.fill(bin: bin, x: x, weight: s.weights?[i] ?? 1)
        }
        return (h, selected, nonFinite)
    }

    static func short(_ v: Double) -> String { String(format: "%.4g", v) }

    /// Names become ROOT directory and key names: non-empty, no '/', no ';', printable.
    static func checkName(_ name: String, what: String) throws {
        guard !name.isEmpty, !name.contains("/"), !name.contains(";"), !name.unicodeScalars.contains(where: { $0.value < 0x20 }) else {
            throw TemplateError.invalidName(name, reason: "a \(what) name must be non-empty, without '/', ';' or control characters")
        }
    }
}
