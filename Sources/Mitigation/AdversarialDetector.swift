import Columnar
import Foundation
import Model

/// Settings of the adversarial-perturbation detector.
public struct DetectorSettings: Sendable {
    /// Fractions of the events (not rows) for training and validation; the rest is the test split.
    public var trainFraction = 0.6
    public var validationFraction = 0.2
    /// Seeds the event split (the network's initialisation and shuffles use `training.seed`).
    public var splitSeed: UInt64 = 1
    /// A row is flagged as perturbed when the detector's score is above this.
    public var threshold = 0.5
    /// The detector network and its training: class-balanced weights and early stopping on the validation split.
    public var training: TrainingConfiguration

    public init() {
        var t = TrainingConfiguration()
        t.hiddenLayers = [128, 64, 32]
        t.maxEpochs = 200
        t.patience = 10
        t.balanceClasses = true
        training = t
    }
}

/// What detector.json's `detector` block holds.
public struct DetectorSummary: Codable, Sendable, Equatable {
    /// Rows per split: attacked events (one clean row each), additional clean events, fooling perturbed rows.
    public struct SplitSize: Codable, Sendable, Equatable {
        public var events: Int
        public var clean: Int
        public var extraClean: Int
        public var fooling: Int
        enum CodingKeys: String, CodingKey { case events, clean, extraClean = "extra_clean", fooling }
    }

    /// Attacked events (clean / perturbed pairs).
    public var events: Int
    /// Additional clean events (negatives only).
    public var extraCleanEvents: Int
    public var features: [String]
    public var trueClass: Int?
    public var positives: String
    public var splitSeed: UInt64
    public var trainingSeed: UInt64
    public var hiddenLayers: [Int]
    public var splits: [String: SplitSize]
    public var bestEpoch: Int
    public var epochs: Int
    public var validationLoss: Double
    public var validationAUC: Double?
    /// On the test split: the numbers to quote.
    public var test: DetectorEfficiencies
    /// The same on the test split at thresholds 0.1, 0.2, …, 0.9 (the trade-off between the two efficiencies).
    public var thresholdScan: [DetectorEfficiencies]

    enum CodingKeys: String, CodingKey {
        case events, extraCleanEvents = "extra_clean_events", features, trueClass = "true_class", positives, splitSeed = "split_seed", trainingSeed = "training_seed"
        case hiddenLayers = "hidden_layers", splits, bestEpoch = "best_epoch", epochs, validationLoss = "validation_loss"
        case validationAUC = "validation_auc", test, thresholdScan = "threshold_scan"
    }
}

/// The trained detector, its summary and every scored row (all splits).
public struct DetectorOutcome: Sendable {
    public var network: FeedForwardNetwork
    public var summary: DetectorSummary
    public var rows: [DetectorRow]
    public var split: EventSplit
}

/// Trains a network to tell clean events (label 0) from perturbed events that fool the classifier (label 1).
///
/// Rows: every event's clean version, and its perturbed version when `labels.fooling` says so, plus optional
/// additional clean events (`extraClean`, e.g. the other class: without them the detector can simply learn the
/// classifier's decision boundary, since every clean attacked event sits on its correct side). Events are
/// split into train / validation / test (`EventSplit`), and both versions of an event follow it, so the three
/// splits never share an event. Training uses `Trainer` with class-balanced weights and early stopping on the
/// validation rows; the efficiencies are measured on the test rows.
public enum AdversarialDetector {
    public static func train(clean: FeatureMatrix, perturbed: FeatureMatrix, labels: FoolingLabels,
                             extraClean: FeatureMatrix? = nil, trueClass: Int?, settings: DetectorSettings = .init(),
                             split given: EventSplit? = nil,
                             progress: ((TrainingProgress) -> Bool)? = nil) throws -> DetectorOutcome {
        try FoolingLabels.checkShapes(clean, perturbed)
        let n = clean.rows, d = clean.columns
        guard labels.fooling.count == n, labels.initiallyCorrect.count == n else {
            throw MitigationError.shapeMismatch(what: "fooling labels", expected: n, got: labels.fooling.count)
        }
        let m = extraClean?.rows ?? 0
        if let e = extraClean, e.columns != d { throw MitigationError.shapeMismatch(what: "additional clean features", expected: d, got: e.columns) }
        // Events 0..<n: attacked; n..<n+m: additional clean events. The split is over all of them.
        // `given` (e.g. the split the perturbed events were generated in) must cover the same events.
        let split = try given ?? EventSplit(events: n + m, trainFraction: settings.trainFraction,
                                            validationFraction: settings.validationFraction, seed: settings.splitSeed)
        guard split.assignment.count == n + m else {
            throw MitigationError.shapeMismatch(what: "events in the given split", expected: n + m, got: split.assignment.count)
        }
        for s in [SplitName.train, .validation] where !split.events(s).contains(where: { $0 < n && labels.fooling[$0] }) {
            throw MitigationError.insufficientData("no fooling perturbed event in the \(s.rawValue) split (\(labels.fooling.filter { $0 }.count) of \(n) events fool): nothing to train the detector on")
        }
        // Rows 0..<n+m: clean events; then the fooling perturbed events in event order.
        let foolingEvents = (0..<n).filter { labels.fooling[$0] }
        var values = clean.values + (extraClean?.values ?? [])
        values.reserveCapacity((n + m + foolingEvents.count) * d)
        for i in foolingEvents { values += perturbed.values[(i * d)..<((i + 1) * d)] }
        let x = FeatureMatrix(rows: n + m + foolingEvents.count, columns: d, values: values, names: clean.names)
        let y = [Double](repeating: 0, count: n + m) + [Double](repeating: 1, count: foolingEvents.count)
        let rowEvent = Array(0..<(n + m)) + foolingEvents
        let rowsOf = { (s: SplitName) in rowEvent.indices.filter { split.assignment[rowEvent[$0]] == s } }
        let names = clean.names.count == d ? clean.names : nil
        let result = try Trainer.train(x: x, labels: y, trainingRows: rowsOf(.train), validationRows: rowsOf(.validation),
                                       featureNames: names, configuration: settings.training, progress: progress)
        let scores = result.network.scores(x)
        let rows = rowEvent.indices.map { r in
            let e = rowEvent[r]
            return DetectorRow(event: e, split: split.assignment[e], kind: r >= n + m ? .fooling : (e < n ? .clean : .extraClean),
                               initiallyCorrect: e < n && labels.initiallyCorrect[e], score: scores[r])
        }
        var sizes: [String: DetectorSummary.SplitSize] = [:]
        for s in SplitName.allCases {
            let ev = split.events(s)
            sizes[s.rawValue] = .init(events: ev.count, clean: ev.filter { $0 < n }.count, extraClean: ev.filter { $0 >= n }.count,
                                      fooling: ev.filter { $0 < n && labels.fooling[$0] }.count)
        }
        let summary = DetectorSummary(events: n, extraCleanEvents: m, features: clean.names, trueClass: trueClass, positives: labels.definition,
                                      splitSeed: settings.splitSeed, trainingSeed: settings.training.seed,
                                      hiddenLayers: settings.training.hiddenLayers, splits: sizes, bestEpoch: result.bestEpoch,
                                      epochs: result.history.count, validationLoss: result.validationLoss,
                                      validationAUC: result.validationAUC,
                                      test: DetectorEfficiencies(rows: rows, split: .test, threshold: settings.threshold),
                                      thresholdScan: (1...9).map { DetectorEfficiencies(rows: rows, split: .test, threshold: Double($0) / 10) })
        return DetectorOutcome(network: result.network, summary: summary, rows: rows, split: split)
    }

    /// The scored rows as CSV: `event,split,class,initially_correct,score` (score with 17 significant digits).
    public static func scoresCSV(_ rows: [DetectorRow]) -> String {
        var s = "event,split,class,initially_correct,score\n"
        for r in rows {
            s += "\(r.event),\(r.split.rawValue),\(r.kind.rawValue),\(r.initiallyCorrect ? 1 : 0),\(String(format: "%.17g", r.score))\n"
        }
        return s
    }

    /// detector.json: the network in our JSON model format (loadable by `ModelLoader`) with a `detector` block.
    public static func documentJSON(network: FeedForwardNetwork, summary: DetectorSummary) throws -> Data {
        let model = String(decoding: NetworkJSON.encode(network), as: UTF8.self)
        guard let close = model.lastIndex(of: "}") else { throw MitigationError.invalidSetting("model encoding is not a JSON object") }
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys]
        enc.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        let block = String(decoding: try enc.encode(summary), as: UTF8.self)
        var head = String(model[..<close])
        while head.last?.isWhitespace == true { head.removeLast() }
        return Data((head + ",\n \"detector\": " + block + "\n}\n").utf8)
    }

    /// Reads the `detector` block of a detector.json.
    public static func summary(fromDocument data: Data) throws -> DetectorSummary {
        struct Doc: Decodable { var detector: DetectorSummary }
        let dec = JSONDecoder()
        dec.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return try dec.decode(Doc.self, from: data).detector
    }
}
