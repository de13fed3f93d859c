/// Which constraint set the attack enforces (issue 7, section C).
public enum AttackMode: String, Codable, Sendable, CaseIterable {
    /// The reference's: per-feature JSD caps against the nominal histograms plus the correlation bound.
    case jsd
    /// Binned weighted chi2 test (perturbed vs nominal) per feature and population keeps p ≥ threshold,
    /// plus the correlation bound.
    case chi2
    /// Per-event envelopes |Δx| ≤ k·σ only (features without σ stay frozen).
    case envelope
    /// Exactly the checks `validate` runs, in every population, on the attack's grid (the binning `run` and
    /// `validate` use): chi2 (WW) p ≥ check_alpha, KS p ≥ check_alpha, JSD ≤ the JSD threshold for the sample
    /// sizes, relative correlation change ≤ check_correlation_threshold. See docs/attack.md.
    case checks
    /// Fast gradient sign method, L∞ scaled by each feature's standard deviation; unconstrained.
    case fgsm
    /// Projected gradient descent, L∞ scaled by each feature's standard deviation; unconstrained.
    case pgd
}

/// How the search spends the constraint budget (modes jsd, chi2, envelope, checks).
public enum AttackSearch: String, Codable, Sendable, CaseIterable {
    /// The reference's pass: every not-yet-fooled event, in order, takes the cheapest admissible candidate of
    /// each feature (the baseline).
    case greedy
    /// Events visited by their estimated cost to flip, each moved by a line search to the decision boundary
    /// (kept only if it flips), then compensating moves of the other events that pull the histograms and
    /// correlations back toward nominal (BoundarySearch.swift; docs/attack.md).
    case boundary
}

/// Every parameter of the attack. Defaults are the reference's (RunAttack.py) settings.
/// JSON keys are snake_case so the lead can read a config file or echo it into the metrics.
public struct AttackConfiguration: Codable, Sendable, Equatable {
    public var mode: AttackMode = .jsd
    /// How the budget is spent (search modes); `greedy` is the reference's pass.
    public var search: AttackSearch = .boundary
    /// Histogram bins per feature on [min, max] of the nominal (clean) inclusive sample.
    public var bins: Int = 70
    /// Number of passes over the not-yet-fooled events (PGD: number of steps).
    public var iterations: Int = 10
    /// Weight of the JSD term in a candidate's cost.
    public var alpha: Double = 6
    /// Weight of the correlation term in a candidate's cost.
    public var beta: Double = 1
    /// Smallest candidate change (absolute, in feature units).
    public var minChange: Double = 0.001
    /// Grid step of candidate changes when `candidates` is nil.
    public var step: Double = 0.001
    /// Number of random candidates per feature and event; nil = the grid min_change, +step, … up to the range.
    public var candidates: Int? = 150
    /// Grid mode only: jitter `step` and `min_change` by a uniform factor in [1 − f, 1 + f] per feature and event.
    public var randomizeStep: Double? = 0.5
    /// Keep "no change" as the fallback when no candidate is admissible (the reference's flag).
    public var useNoChange: Bool = true
    /// Cap on a candidate's JSD against the nominal histogram (acts as a cap on the total).
    public var maxStepJSD: Double = 0.005
    /// Cap on the Frobenius norm of one change's correlation-matrix change.
    public var maxStepFrob: Double = 0.05
    /// Global bound on the largest per-feature JSD (hard constraint in jsd mode).
    public var constraintJSD: Double = 0.06
    /// Global bound on ||corr − corr_nominal||_F / ||corr_nominal||_F (hard constraint in jsd and chi2 modes).
    public var constraintRelCorr: Double = 0.006
    /// chi2 mode: smallest allowed p-value of every (population, feature) test.
    public var chi2Threshold: Double = 0.05
    /// jsd, chi2 and envelope modes: when set, every (population, feature) two-sample Kolmogorov-Smirnov test,
    /// perturbed vs nominal, must keep its p-value above this (see KolmogorovBound; nil = not constrained).
    public var ksThreshold: Double? = nil
    /// checks mode: the validation's significance level (chi2 and KS notice at p < this; the JSD floor's quantile).
    public var checkAlpha: Double = 0.05
    /// checks mode: the validation's JSD threshold (base 2), raised to the statistical floor when `checkJSDFloor`.
    public var checkJSDThreshold: Double = 0.05
    /// checks mode: whether the JSD threshold is raised to its null quantile for the sample sizes (validate's default).
    public var checkJSDFloor: Bool = true
    /// checks mode: the validation's correlation tolerance (relative Frobenius change).
    public var checkCorrelationThreshold: Double = 0.1
    /// envelope mode: allowed |Δx| is `envelopeK` times each feature's σ.
    public var envelopeK: Double = 1
    /// fgsm / pgd: L∞ radius in units of each feature's standard deviation.
    public var epsilon: Double = 0.1
    /// pgd: step size in units of each feature's standard deviation; nil = 2.5·epsilon/iterations.
    public var pgdStep: Double? = nil
    /// The parameters the search enforces: in checks mode the validation's thresholds (with a relative margin
    /// of 1e-6 against rounding) replace the chi2, KS and correlation bounds, and there is no per-step cap.
    var enforced: AttackConfiguration {
        guard mode == .checks else { return self }
        var c = self
        c.chi2Threshold = checkAlpha * (1 + 1e-6)
        c.ksThreshold = checkAlpha * (1 + 1e-6)
        c.constraintRelCorr = checkCorrelationThreshold * (1 - 1e-6)
        c.maxStepFrob = .infinity
        return c
    }
    /// After each iteration, move fooled events back toward nominal when that lowers the cost and keeps them fooled.
    public var optimizeFooled: Bool = false
    /// Reproduce the published reference's behaviour (float32 clean histogram, indexing slip, mixed variances,
    /// negative-direction candidate range, bounds tracked but not enforced). See docs/attack.md.
    public var referenceQuirks: Bool = false
    /// Seed of the deterministic random generator.
    public var seed: UInt64 = 1
    /// Threads for the classifier (gradients, scores); results do not depend on it.
    public var threads: Int = 1

    public init() {}

    enum CodingKeys: String, CodingKey {
        case mode, search, bins, iterations, alpha, beta
        case minChange = "min_change", step, candidates
        case randomizeStep = "randomize_step", useNoChange = "use_no_change"
        case maxStepJSD = "max_step_jsd", maxStepFrob = "max_step_frob"
        case constraintJSD = "constraint_jsd", constraintRelCorr = "constraint_rel_corr"
        case chi2Threshold = "chi2_threshold", ksThreshold = "ks_threshold", envelopeK = "envelope_k", epsilon
        case checkAlpha = "check_alpha", checkJSDThreshold = "check_jsd_threshold", checkJSDFloor = "check_jsd_floor"
        case checkCorrelationThreshold = "check_correlation_threshold"
        case pgdStep = "pgd_step", optimizeFooled = "optimize_fooled"
        case referenceQuirks = "reference_quirks", seed, threads
    }

    /// Decodes with every missing key at its default.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = AttackConfiguration()
        mode = try c.decodeIfPresent(AttackMode.self, forKey: .mode) ?? d.mode
        search = try c.decodeIfPresent(AttackSearch.self, forKey: .search) ?? d.search
        bins = try c.decodeIfPresent(Int.self, forKey: .bins) ?? d.bins
        iterations = try c.decodeIfPresent(Int.self, forKey: .iterations) ?? d.iterations
        alpha = try c.decodeIfPresent(Double.self, forKey: .alpha) ?? d.alpha
        beta = try c.decodeIfPresent(Double.self, forKey: .beta) ?? d.beta
        minChange = try c.decodeIfPresent(Double.self, forKey: .minChange) ?? d.minChange
        step = try c.decodeIfPresent(Double.self, forKey: .step) ?? d.step
        candidates = c.contains(.candidates) ? try c.decodeIfPresent(Int.self, forKey: .candidates) : d.candidates
        randomizeStep = c.contains(.randomizeStep) ? try c.decodeIfPresent(Double.self, forKey: .randomizeStep) : d.randomizeStep
        useNoChange = try c.decodeIfPresent(Bool.self, forKey: .useNoChange) ?? d.useNoChange
        maxStepJSD = try c.decodeIfPresent(Double.self, forKey: .maxStepJSD) ?? d.maxStepJSD
        maxStepFrob = try c.decodeIfPresent(Double.self, forKey: .maxStepFrob) ?? d.maxStepFrob
        constraintJSD = try c.decodeIfPresent(Double.self, forKey: .constraintJSD) ?? d.constraintJSD
        constraintRelCorr = try c.decodeIfPresent(Double.self, forKey: .constraintRelCorr) ?? d.constraintRelCorr
        chi2Threshold = try c.decodeIfPresent(Double.self, forKey: .chi2Threshold) ?? d.chi2Threshold
        ksThreshold = try c.decodeIfPresent(Double.self, forKey: .ksThreshold)
        envelopeK = try c.decodeIfPresent(Double.self, forKey: .envelopeK) ?? d.envelopeK
        checkAlpha = try c.decodeIfPresent(Double.self, forKey: .checkAlpha) ?? d.checkAlpha
        checkJSDThreshold = try c.decodeIfPresent(Double.self, forKey: .checkJSDThreshold) ?? d.checkJSDThreshold
        checkJSDFloor = try c.decodeIfPresent(Bool.self, forKey: .checkJSDFloor) ?? d.checkJSDFloor
        checkCorrelationThreshold = try c.decodeIfPresent(Double.self, forKey: .checkCorrelationThreshold) ?? d.checkCorrelationThreshold
        epsilon = try c.decodeIfPresent(Double.self, forKey: .epsilon) ?? d.epsilon
        pgdStep = try c.decodeIfPresent(Double.self, forKey: .pgdStep)
        optimizeFooled = try c.decodeIfPresent(Bool.self, forKey: .optimizeFooled) ?? d.optimizeFooled
        referenceQuirks = try c.decodeIfPresent(Bool.self, forKey: .referenceQuirks) ?? d.referenceQuirks
        seed = try c.decodeIfPresent(UInt64.self, forKey: .seed) ?? d.seed
        threads = try c.decodeIfPresent(Int.self, forKey: .threads) ?? d.threads
    }

    /// Checks every parameter's range; throws `AttackError.invalidParameter` naming the first bad one.
    public func validate() throws {
        func bad(_ name: String, _ value: Any, _ why: String) -> AttackError {
            .invalidParameter(name: name, value: "\(value)", reason: why)
        }
        if bins < 1 { throw bad("bins", bins, "must be ≥ 1") }
        if iterations < 1 { throw bad("iterations", iterations, "must be ≥ 1") }
        if !(alpha.isFinite && alpha >= 0) { throw bad("alpha", alpha, "must be finite and ≥ 0") }
        if !(beta.isFinite && beta >= 0) { throw bad("beta", beta, "must be finite and ≥ 0") }
        if !(minChange.isFinite && minChange >= 0) { throw bad("min_change", minChange, "must be finite and ≥ 0") }
        if !(step.isFinite && step > 0) { throw bad("step", step, "must be finite and > 0") }
        if let c = candidates, c < 1 { throw bad("candidates", c, "must be ≥ 1 (or absent for the grid)") }
        if let f = randomizeStep, !(f >= 0 && f < 1) { throw bad("randomize_step", f, "must be in [0, 1)") }
        if !(maxStepJSD >= 0) { throw bad("max_step_jsd", maxStepJSD, "must be ≥ 0") }
        if !(maxStepFrob >= 0) { throw bad("max_step_frob", maxStepFrob, "must be ≥ 0") }
        if !(constraintJSD >= 0) { throw bad("constraint_jsd", constraintJSD, "must be ≥ 0") }
        if !(constraintRelCorr >= 0) { throw bad("constraint_rel_corr", constraintRelCorr, "must be ≥ 0") }
        if !(chi2Threshold > 0 && chi2Threshold < 1) { throw bad("chi2_threshold", chi2Threshold, "must be in (0, 1)") }
        if let k = ksThreshold, !(k > 0 && k < 1) { throw bad("ks_threshold", k, "must be in (0, 1)") }
        if ksThreshold != nil && referenceQuirks { throw bad("ks_threshold", ksThreshold!, "the reference has no KS constraint") }
        if !(checkAlpha > 0 && checkAlpha < 1) { throw bad("check_alpha", checkAlpha, "must be in (0, 1)") }
        if !(checkJSDThreshold >= 0) { throw bad("check_jsd_threshold", checkJSDThreshold, "must be ≥ 0") }
        if !(checkCorrelationThreshold >= 0) { throw bad("check_correlation_threshold", checkCorrelationThreshold, "must be ≥ 0") }
        if !(envelopeK.isFinite && envelopeK >= 0) { throw bad("envelope_k", envelopeK, "must be finite and ≥ 0") }
        if !(epsilon.isFinite && epsilon >= 0) { throw bad("epsilon", epsilon, "must be finite and ≥ 0") }
        if let s = pgdStep, !(s.isFinite && s > 0) { throw bad("pgd_step", s, "must be finite and > 0") }
        if threads < 1 { throw bad("threads", threads, "must be ≥ 1") }
        if referenceQuirks && !(mode == .jsd) { throw bad("reference_quirks", true, "only exists for mode jsd") }
    }
}

/// How the per-event envelope σ of a feature is given.
public enum EnvelopeSigma: Codable, Sendable, Equatable {
    /// σ in the feature's units.
    case absolute(Double)
    /// σ = fraction × |nominal value| (e.g. 0.02 for a ±2 % energy scale).
    case relative(Double)
}

/// Per-feature settings of the attack.
public struct FeatureSettings: Codable, Sendable, Equatable {
    /// Never changed.
    public var frozen: Bool
    /// Moves only to values observed in the nominal sample (multiplicities, charges, …).
    public var integerValued: Bool
    /// Envelope σ (used in envelope mode; in jsd/chi2 mode it adds |Δx| ≤ envelope_k·σ when set).
    public var envelope: EnvelopeSigma?
    /// chi2 mode: relative systematic uncertainty added per bin (fraction of the nominal bin content).
    public var relativeSystematic: Double

    public init(frozen: Bool = false, integerValued: Bool = false, envelope: EnvelopeSigma? = nil,
                relativeSystematic: Double = 0) {
        self.frozen = frozen
        self.integerValued = integerValued
        self.envelope = envelope
        self.relativeSystematic = relativeSystematic
    }

    enum CodingKeys: String, CodingKey {
        case frozen, integerValued = "integer_valued", envelope, relativeSystematic = "relative_systematic"
    }
}

/// A constraint population: a named mask over the events (a control region), decided on the nominal events.
public struct ConstraintPopulation: Sendable, Equatable {
    public var name: String
    public var mask: [Bool]
    public init(name: String, mask: [Bool]) { self.name = name; self.mask = mask }
}
