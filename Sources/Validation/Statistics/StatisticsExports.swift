/// The statistics core (SpecialFunctions, KolmogorovDistribution, CheckThresholds, CorrelationChange) is the
/// one definition shared with the attack; re-exported so users of Validation see it.
@_exported import Statistics
