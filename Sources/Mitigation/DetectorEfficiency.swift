/// One row the detector scored: an event's clean version or its fooling perturbed version.
public struct DetectorRow: Sendable, Equatable {
    /// What the row is: an attacked event's clean version (negative), an additional clean event that was not
    /// attacked (negative, e.g. the other class), or an attacked event's perturbed twin that fools the classifier (positive).
    public enum Kind: String, Codable, Sendable { case clean, extraClean = "extra_clean", fooling }
    /// Index of the event: 0..<n in the clean / perturbed inputs (which share it), then n… for additional clean events.
    public var event: Int
    public var split: SplitName
    public var kind: Kind
    /// Whether the clean event was classified correctly (the corrected fooling ratio's denominator).
    public var initiallyCorrect: Bool
    /// The detector's output: probability that the row is a fooling perturbed event.
    public var score: Double

    public init(event: Int, split: SplitName, kind: Kind, initiallyCorrect: Bool, score: Double) {
        self.event = event; self.split = split; self.kind = kind; self.initiallyCorrect = initiallyCorrect; self.score = score
    }
}

/// The detector's performance on one split at one threshold (a row is flagged when score > threshold).
public struct DetectorEfficiencies: Codable, Sendable, Equatable {
    public var threshold: Double
    /// Clean rows of the split: attacked events' clean versions plus additional clean events.
    public var cleanEvents: Int
    /// Of them, additional clean events (not attacked; e.g. the other class).
    public var extraCleanEvents: Int
    /// Fooling perturbed rows of the split.
    public var foolingEvents: Int
    /// Clean events classified correctly before the attack.
    public var initiallyCorrect: Int
    /// Clean events the detector flags.
    public var cleanFlagged: Int
    /// Additional clean events the detector flags.
    public var extraCleanFlagged: Int
    /// Fooling events the detector flags.
    public var foolingFlagged: Int
    /// cleanFlagged / cleanEvents: the false-positive rate (nil without clean events).
    public var cleanFlaggedFraction: Double?
    /// 1 − cleanFlaggedFraction: fraction of clean events accepted as clean.
    public var cleanEfficiency: Double?
    /// 1 − extraCleanFlagged / extraCleanEvents: the same on the additional clean events only (the reference's
    /// "efficiency on clean signal events" when they are the signal); nil without them.
    public var extraCleanEfficiency: Double?
    /// foolingFlagged / foolingEvents: fraction of fooling events detected (nil without fooling events).
    public var foolingEfficiency: Double?
    /// foolingEvents / initiallyCorrect: the fooling ratio without a detector (nil when nothing was correct).
    public var initialFoolingRatio: Double?
    /// (foolingEvents − foolingFlagged) / initiallyCorrect: fooling and not detected.
    public var correctedFoolingRatio: Double?

    enum CodingKeys: String, CodingKey {
        case threshold, cleanEvents = "clean_events", extraCleanEvents = "extra_clean_events", extraCleanFlagged = "extra_clean_flagged"
        case extraCleanEfficiency = "extra_clean_efficiency", foolingEvents = "fooling_events", initiallyCorrect = "initially_correct"
        case cleanFlagged = "clean_flagged", foolingFlagged = "fooling_flagged", cleanFlaggedFraction = "clean_flagged_fraction"
        case cleanEfficiency = "clean_efficiency", foolingEfficiency = "fooling_efficiency"
        case initialFoolingRatio = "initial_fooling_ratio", correctedFoolingRatio = "corrected_fooling_ratio"
    }

    /// Counts the rows of `split` (all rows when nil) against `threshold`.
    public init(rows: [DetectorRow], split: SplitName?, threshold: Double) {
        let r = rows.filter { split == nil || $0.split == split }
        let clean = r.filter { $0.kind != .fooling }, fooling = r.filter { $0.kind == .fooling }
        let extra = r.filter { $0.kind == .extraClean }
        self.threshold = threshold
        cleanEvents = clean.count
        extraCleanEvents = extra.count
        extraCleanFlagged = extra.filter { $0.score > threshold }.count
        foolingEvents = fooling.count
        initiallyCorrect = clean.filter(\.initiallyCorrect).count
        cleanFlagged = clean.filter { $0.score > threshold }.count
        foolingFlagged = fooling.filter { $0.score > threshold }.count
        func ratio(_ a: Int, _ b: Int) -> Double? { b > 0 ? Double(a) / Double(b) : nil }
        cleanFlaggedFraction = ratio(cleanFlagged, cleanEvents)
        cleanEfficiency = cleanFlaggedFraction.map { 1 - $0 }
        extraCleanEfficiency = ratio(extraCleanFlagged, extraCleanEvents).map { 1 - $0 }
        foolingEfficiency = ratio(foolingFlagged, foolingEvents)
        initialFoolingRatio = ratio(foolingEvents, initiallyCorrect)
        correctedFoolingRatio = ratio(foolingEvents - foolingFlagged, initiallyCorrect)
    }
}
