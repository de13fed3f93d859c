import Model

/// Which part of the sample an event belongs to.
public enum SplitName: String, Codable, Sendable, CaseIterable {
    case train, validation, test
}

/// A seeded partition of event indices 0..<events into train, validation and test.
///
/// The split is by event: every row derived from an event (its clean and its perturbed version) goes to
/// the event's split, so no event is shared between training, validation and test.
public struct EventSplit: Sendable, Equatable {
    public let train: [Int]
    public let validation: [Int]
    public let test: [Int]
    /// Split of each event, by index.
    public let assignment: [SplitName]

    /// Shuffles 0..<events with `seed` (SplitMix64, platform independent) and cuts it into
    /// round(events·trainFraction) training, round(events·validationFraction) validation events and the rest.
    public init(events: Int, trainFraction: Double, validationFraction: Double, seed: UInt64) throws {
        guard events >= 3 else { throw MitigationError.insufficientData("\(events) events: need at least 3 to split") }
        guard trainFraction > 0, validationFraction > 0, trainFraction + validationFraction < 1 else {
            throw MitigationError.invalidSetting("train fraction \(trainFraction) and validation fraction \(validationFraction) must be > 0 with a sum < 1")
        }
        var order = Array(0..<events)
        var rng = SeededGenerator(seed: seed)
        rng.shuffle(&order)
        let nTrain = max(1, Int((Double(events) * trainFraction).rounded()))
        let nValidation = max(1, min(events - nTrain - 1, Int((Double(events) * validationFraction).rounded())))
        train = Array(order[0..<nTrain]).sorted()
        validation = Array(order[nTrain..<(nTrain + nValidation)]).sorted()
        test = Array(order[(nTrain + nValidation)...]).sorted()
        var a = [SplitName](repeating: .test, count: events)
        for i in train { a[i] = .train }
        for i in validation { a[i] = .validation }
        assignment = a
    }

    /// The events of one split, in increasing order.
    public func events(_ s: SplitName) -> [Int] {
        switch s {
        case .train: return train
        case .validation: return validation
        case .test: return test
        }
    }
}
