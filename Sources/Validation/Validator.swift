import Columnar
import Statistics

/// Runs every standard check on nominal vs perturbed (and data vs simulation) per region and feature.
public enum Validator {
    public typealias Check = ValidationReport.Check

    /// Validates `input`; throws when the inputs do not fit together (lengths, feature counts).
    public static func run(_ input: ValidationInput, options: ValidationOptions = ValidationOptions()) throws -> ValidationReport {
        try checkShapes(input)
        let nNom = input.nominal.eventCount, nPert = input.perturbed.eventCount
        var regions = input.regions
        if options.includeInclusiveRegion || regions.isEmpty {
            regions.insert(ValidationRegion(name: "all", nominalMask: Array(repeating: true, count: nNom),
                                            perturbedMask: Array(repeating: true, count: nPert)), at: 0)
        }
        var checks: [Check] = [], histograms: [ValidationReport.FeatureHistograms] = []
        var correlations: [ValidationReport.CorrelationResult] = [], summaries: [ValidationReport.RegionSummary] = []
        var warnings: [String] = []
        let nominalChi2Mode: Chi2Mode = (input.nominal.weights == nil && input.perturbed.weights == nil) ? .uu : .ww

        for region in regions {
            let pMask = region.perturbedMask ?? region.nominalMask
            let dMask = input.data.map { d in region.dataMask ?? Array(repeating: true, count: d.eventCount) }
            summaries.append(.init(name: region.name,
                                   nominalEvents: region.nominalMask.filter { $0 }.count,
                                   perturbedEvents: pMask.filter { $0 }.count,
                                   dataEvents: dMask?.filter { $0 }.count,
                                   nominalWeight: weightSum(input.nominal.weights, region.nominalMask),
                                   perturbedWeight: weightSum(input.perturbed.weights, pMask),
                                   blinded: region.blinded ? true : nil))
            for (j, feature) in input.featureNames.enumerated() {
                let (xn, wn) = select(input.nominal, column: j, mask: region.nominalMask)
                let (xp, wp) = select(input.perturbed, column: j, mask: pMask)
                guard !xn.isEmpty, !xp.isEmpty else {
                    warnings.append("region '\(region.name)', feature '\(feature)': no nominal or perturbed events, checks skipped")
                    continue
                }
                let binning: Binning
                if let e = options.edges[feature] { binning = try Binning(edges: e) }
                else { binning = try Binning.fitted(to: xn, bins: options.bins) }
                let hn = try Histogram1D(binning: binning, values: xn, weights: wn)
                let hp = try Histogram1D(binning: binning, values: xp, weights: wp)
                var hd: Histogram1D?
                var sampleChecks = [(ValidationReport.Comparison, Histogram1D, [Double], [Double]?, Histogram1D, [Double], [Double]?, Chi2Mode)]()
                sampleChecks.append((.nominalVsPerturbed, hn, xn, wn, hp, xp, wp, nominalChi2Mode))
                if let data = input.data, let dMask {
                    let (xd, wd) = select(data, column: j, mask: dMask)
                    if xd.isEmpty {
                        warnings.append("region '\(region.name)', feature '\(feature)': no data events, data checks skipped")
                    } else {
                        let h = try Histogram1D(binning: binning, values: xd, weights: wd)
                        hd = h
                        let simWeighted = input.nominal.weights != nil || input.perturbed.weights != nil
                        let mode: Chi2Mode = wd != nil ? .ww : (simWeighted ? .uw : .uu)
                        sampleChecks.append((.dataVsNominal, h, xd, wd, hn, xn, wn, mode))
                        sampleChecks.append((.dataVsPerturbed, h, xd, wd, hp, xp, wp, mode))
                    }
                }
                for (cmp, h1, x1, w1, h2, x2, w2, mode) in sampleChecks {
                    let at = "region '\(region.name)', feature '\(feature)', \(cmp.rawValue)"
                    do {
                        let r = try HistogramChi2Test.test(h1, h2, mode: mode)
                        // Both samples in one and the same bin (a feature constant in this region): χ² = 0 at ndf 0,
                        // p = 1 (SpecialFunctions.chi2Survival, the definition the attack's chi2 bound uses too).
                        checks.append(Check(region: region.name, feature: feature, comparison: cmp, test: .chi2, statistic: r.statistic,
                                            pValue: r.pValue, ndf: r.ndf, mode: mode.rawValue,
                                            noticed: r.pValue < options.alpha))
                    } catch { warnings.append("\(at): chi2 not computed: \(error)") }
                    do {
                        let r = try KolmogorovSmirnovTest.test(x1, weights: w1, x2, weights: w2)
                        checks.append(Check(region: region.name, feature: feature, comparison: cmp, test: .ks, statistic: r.statistic,
                                            pValue: r.pValue, ndf: nil, mode: nil, noticed: r.pValue < options.alpha))
                    } catch { warnings.append("\(at): KS not computed: \(error)") }
                    do {
                        let d = try JensenShannonDistance.distance(h1.sumW, h2.sumW, base: options.jsdBase)
                        let k = zip(h1.sumW, h2.sumW).filter { $0 != 0 || $1 != 0 }.count
                        let threshold = CheckThresholds.jsdThreshold(
                            threshold: options.jsdThreshold, statisticalFloor: options.jsdStatisticalFloor, bins: k,
                            n1: effectiveCount(w1, x1.count), n2: effectiveCount(w2, x2.count),
                            alpha: options.alpha, base: options.jsdBase)
                        checks.append(Check(region: region.name, feature: feature, comparison: cmp, test: .jsd, statistic: d,
                                            pValue: nil, ndf: nil, mode: nil, noticed: d > threshold, threshold: threshold))
                    } catch { warnings.append("\(at): JSD not computed: \(error)") }
                }
                histograms.append(.init(region: region.name, feature: feature, edges: binning.edges,
                                        nominal: .init(hn), perturbed: .init(hp), data: hd.map { .init($0) }))
            }
            let inNominal = region.nominalMask.lazy.filter { $0 }.count, inPerturbed = pMask.lazy.filter { $0 }.count
            guard inNominal >= 2, inPerturbed >= 2 else {
                warnings.append("region '\(region.name)': fewer than two nominal or perturbed events, correlation skipped")
                continue
            }
            let cn = Correlation.matrix(input.nominal.features, weights: input.nominal.weights, mask: region.nominalMask)
            let cp = Correlation.matrix(input.perturbed.features, weights: input.perturbed.weights, mask: pMask)
            let change = Correlation.relativeFrobeniusChange(from: cn, to: cp)
            correlations.append(.init(region: region.name, features: input.featureNames, nominal: cn, perturbed: cp,
                                      relativeChange: change, noticed: change > options.correlationThreshold))
        }

        var scoreSummary: ValidationReport.ScoreSummary?
        var fooling: (Double, String)?
        if let s = input.scores {
            scoreSummary = try scoreRegions(s, input: input, regions: regions, options: options, warnings: &warnings)
            fooling = foolingRatio(s)
        }
        let blindedNames = regions.filter(\.blinded).map(\.name)
        let blindedRegions = Set(blindedNames)
        let allPerturbation = checks.filter { $0.comparison == .nominalVsPerturbed }
        let perturbation = allPerturbation.filter { !blindedRegions.contains($0.region) }
        let blinded = allPerturbation.filter { blindedRegions.contains($0.region) }
        let blindedNoticed = blinded.filter(\.noticed).count
        let validated = correlations.filter { !blindedRegions.contains($0.region) }
        let noticed = perturbation.filter(\.noticed).count
        let shifts = scoreSummary?.regions.compactMap { $0.relativeYieldShift.map(abs) } ?? []
        var verdict = noticed == 0
            ? "None of the \(perturbation.count) standard nominal-vs-perturbed checks noticed the perturbation"
            : "\(noticed) of \(perturbation.count) standard nominal-vs-perturbed checks noticed the perturbation ("
                + [ValidationReport.TestKind.chi2, .ks, .jsd].compactMap { t in
                    let ofKind = perturbation.filter { $0.test == t }
                    return ofKind.isEmpty ? nil : "\(t.rawValue): \(ofKind.filter(\.noticed).count) of \(ofKind.count)"
                }.joined(separator: ", ") + ")"
        let corrNoticed = validated.filter(\.noticed).count
        verdict += corrNoticed == 0 ? "; correlations stayed within tolerance" : "; correlations changed beyond tolerance in \(corrNoticed) region(s)"
        if !blindedRegions.isEmpty {
            verdict += "; in the blinded region \(blindedNames.joined(separator: ", ")), which data cannot check before unblinding, "
                + "\(blindedNoticed) of \(blinded.count) checks differ"
        }
        if let m = shifts.max() { verdict += String(format: "; the classifier yield above the working point moved by up to %.1f%%", m * 100) }
        verdict += "."
        let pvals = perturbation.compactMap(\.pValue)
        let summary = ValidationReport.Summary(
            perturbationChecks: perturbation.count, perturbationNoticed: noticed,
            minPValue: pvals.min(), maxJSD: perturbation.filter { $0.test == .jsd }.map(\.statistic).max(),
            maxCorrelationChange: validated.map(\.relativeChange).max(), maxRelativeYieldShift: shifts.max(), verdict: verdict,
            blindedChecks: blindedRegions.isEmpty ? nil : blinded.count,
            blindedNoticed: blindedRegions.isEmpty ? nil : blindedNoticed)
        let settings = ValidationReport.Settings(bins: options.bins, alpha: options.alpha, jsdThreshold: options.jsdThreshold,
                                                 jsdStatisticalFloor: options.jsdStatisticalFloor, jsdBase: options.jsdBase, correlationThreshold: options.correlationThreshold,
                                                 workingPoint: input.scores?.workingPoint)
        return ValidationReport(settings: settings, summary: summary, features: input.featureNames, regions: summaries, checks: checks,
                                histograms: histograms, correlation: correlations, scores: scoreSummary,
                                foolingRatio: fooling?.0, foolingDefinition: fooling?.1, attack: input.attack, warnings: warnings)
    }

    // MARK: - Scores

    static func scoreRegions(_ s: ScoreInput, input: ValidationInput, regions: [ValidationRegion], options: ValidationOptions,
                             warnings: inout [String]) throws -> ValidationReport.ScoreSummary {
        let binning = try Binning(bins: options.scoreBins, lower: 0, upper: 1)
        var out: [ValidationReport.ScoreRegion] = []
        for region in regions {
            let pMask = region.perturbedMask ?? region.nominalMask
            var sn: [Double] = [], wn: [Double] = [], sp: [Double] = [], wp: [Double] = []
            for i in 0..<s.nominal.count where region.nominalMask[i] { sn.append(s.nominal[i]); wn.append(input.nominal.weights?[i] ?? 1) }
            for i in 0..<s.perturbed.count where pMask[i] { sp.append(s.perturbed[i]); wp.append(input.perturbed.weights?[i] ?? 1) }
            let hn = try Histogram1D(binning: binning, values: sn, weights: wn)
            let hp = try Histogram1D(binning: binning, values: sp, weights: wp)
            var yn = 0.0, yn2 = 0.0, yp = 0.0
            for (v, w) in zip(sn, wn) where v > s.workingPoint { yn += w; yn2 += w * w }
            for (v, w) in zip(sp, wp) where v > s.workingPoint { yp += w }
            var chi2: Check?, ks: Check?
            let unweighted = input.nominal.weights == nil && input.perturbed.weights == nil
            if !sn.isEmpty && !sp.isEmpty {
                if let r = try? HistogramChi2Test.test(hn, hp, mode: unweighted ? .uu : .ww) {
                    chi2 = Check(region: region.name, feature: "score", comparison: .nominalVsPerturbed, test: .chi2, statistic: r.statistic,
                                 pValue: r.pValue, ndf: r.ndf, mode: r.mode.rawValue, noticed: r.pValue < options.alpha)
                }
                if let r = try? KolmogorovSmirnovTest.test(sn, weights: unweighted ? nil : wn, sp, weights: unweighted ? nil : wp) {
                    ks = Check(region: region.name, feature: "score", comparison: .nominalVsPerturbed, test: .ks, statistic: r.statistic,
                               pValue: r.pValue, ndf: nil, mode: nil, noticed: r.pValue < options.alpha)
                }
            } else {
                warnings.append("region '\(region.name)': no scored events, score comparison skipped")
            }
            out.append(.init(region: region.name, edges: binning.edges, nominal: .init(hn), perturbed: .init(hp),
                             yieldNominal: yn, yieldPerturbed: yp, yieldNominalError: yn2.squareRoot(), yieldShift: yp - yn,
                             relativeYieldShift: yn != 0 ? (yp - yn) / yn : nil, chi2: chi2, ks: ks))
        }
        return .init(workingPoint: s.workingPoint, regions: out)
    }

    /// With labels: among events the classifier got right on the nominal sample (score > wp ⇔ label 1), the share it
    /// gets wrong after the perturbation. Without labels: the share of events whose predicted class flipped.
    static func foolingRatio(_ s: ScoreInput) -> (Double, String)? {
        let n = min(s.nominal.count, s.perturbed.count)
        guard n > 0 else { return nil }
        if let labels = s.labels, labels.count == n {
            var correct = 0, fooled = 0
            for i in 0..<n {
                let y = labels[i] > 0.5
                guard (s.nominal[i] > s.workingPoint) == y else { continue }
                correct += 1
                if (s.perturbed[i] > s.workingPoint) != y { fooled += 1 }
            }
            guard correct > 0 else { return nil }
            return (Double(fooled) / Double(correct),
                    "share of events correctly classified on the nominal sample (score > working point ⇔ label 1) that the perturbation misclassifies")
        }
        var flipped = 0
        for i in 0..<n where (s.nominal[i] > s.workingPoint) != (s.perturbed[i] > s.workingPoint) { flipped += 1 }
        return (Double(flipped) / Double(n), "share of events whose predicted class (score > working point) the perturbation flipped")
    }

    // MARK: - Helpers

    static func checkShapes(_ input: ValidationInput) throws {
        let p = input.featureNames.count
        func sample(_ s: ValidationSample, _ name: String) throws {
            guard s.features.columns == p else {
                throw ValidatorError.lengthMismatch(what: "\(name) feature columns", expected: p, got: s.features.columns)
            }
            if let w = s.weights, w.count != s.eventCount {
                throw ValidatorError.lengthMismatch(what: "\(name) weights", expected: s.eventCount, got: w.count)
            }
        }
        try sample(input.nominal, "nominal")
        try sample(input.perturbed, "perturbed")
        if let d = input.data { try sample(d, "data") }
        for r in input.regions {
            guard r.nominalMask.count == input.nominal.eventCount else {
                throw ValidatorError.lengthMismatch(what: "region '\(r.name)' nominal mask", expected: input.nominal.eventCount, got: r.nominalMask.count)
            }
            if let m = r.perturbedMask, m.count != input.perturbed.eventCount {
                throw ValidatorError.lengthMismatch(what: "region '\(r.name)' perturbed mask", expected: input.perturbed.eventCount, got: m.count)
            }
            if let m = r.dataMask {
                guard let d = input.data else { throw ValidatorError.invalidInput("region '\(r.name)' has a data mask but no data sample is given") }
                guard m.count == d.eventCount else {
                    throw ValidatorError.lengthMismatch(what: "region '\(r.name)' data mask", expected: d.eventCount, got: m.count)
                }
            }
        }
        if let s = input.scores {
            guard s.nominal.count == input.nominal.eventCount else {
                throw ValidatorError.lengthMismatch(what: "nominal scores", expected: input.nominal.eventCount, got: s.nominal.count)
            }
            guard s.perturbed.count == input.perturbed.eventCount else {
                throw ValidatorError.lengthMismatch(what: "perturbed scores", expected: input.perturbed.eventCount, got: s.perturbed.count)
            }
            if let l = s.labels, l.count != s.nominal.count {
                throw ValidatorError.lengthMismatch(what: "labels", expected: s.nominal.count, got: l.count)
            }
        }
    }

    static func select(_ s: ValidationSample, column j: Int, mask: [Bool]) -> ([Double], [Double]?) {
        var x: [Double] = [], w: [Double] = []
        for i in 0..<s.eventCount where mask[i] {
            x.append(s.features[i, j])
            if let sw = s.weights { w.append(sw[i]) }
        }
        return (x, s.weights == nil ? nil : w)
    }

    /// Kish effective size (Σw)²/Σw², or the count when unweighted.
    static func effectiveCount(_ w: [Double]?, _ n: Int) -> Double {
        guard let w else { return Double(n) }
        var s = 0.0, s2 = 0.0
        for v in w { s += v; s2 += v * v }
        return s2 > 0 ? s * s / s2 : 0
    }

    static func weightSum(_ w: [Double]?, _ mask: [Bool]) -> Double {
        guard let w else { return Double(mask.filter { $0 }.count) }
        var s = 0.0
        for (i, m) in mask.enumerated() where m { s += w[i] }
        return s
    }
}
