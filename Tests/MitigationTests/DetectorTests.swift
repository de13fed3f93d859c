import Columnar
import Foundation
import Model
import XCTest
@testable import Mitigation

final class EventSplitTests: XCTestCase {
    func testSplitsAreDisjointCoverEverythingAndFollowTheSeed() throws {
        let s = try EventSplit(events: 1001, trainFraction: 0.6, validationFraction: 0.2, seed: 7)
        XCTAssertEqual(s.train.count, 601)
        XCTAssertEqual(s.validation.count, 200)
        XCTAssertEqual(s.test.count, 200)
        let all = s.train + s.validation + s.test
        XCTAssertEqual(Set(all).count, 1001, "an event is in two splits")
        XCTAssertEqual(Set(all), Set(0..<1001))
        for s2 in SplitName.allCases { for e in s.events(s2) { XCTAssertEqual(s.assignment[e], s2) } }
        XCTAssertEqual(try EventSplit(events: 1001, trainFraction: 0.6, validationFraction: 0.2, seed: 7), s)
        XCTAssertNotEqual(try EventSplit(events: 1001, trainFraction: 0.6, validationFraction: 0.2, seed: 8).test, s.test)
        // Shuffled, not a prefix cut.
        XCTAssertNotEqual(s.train, Array(0..<601))
        XCTAssertThrowsError(try EventSplit(events: 10, trainFraction: 0.7, validationFraction: 0.3, seed: 1))
        XCTAssertThrowsError(try EventSplit(events: 2, trainFraction: 0.5, validationFraction: 0.2, seed: 1))
    }
}

final class FoolingLabelTests: XCTestCase {
    func testClassifierAndChangeDefinitions() throws {
        // Radius-1 boundary, true class 1 (outside): event 0 correct and pushed inside (fooling), event 1
        // correct and still outside, event 2 wrong to begin with and moved (not fooling: not initially correct).
        let clean = FeatureMatrix(rows: 3, columns: 2, values: [2, 0, 0, 3, 0.1, 0.1], names: ["a", "b"])
        let pert = FeatureMatrix(rows: 3, columns: 2, values: [0.5, 0, 0, 3, 0.2, 0.1], names: ["a", "b"])
        let l = try FoolingLabels.fromClassifier(RadialClassifier(k: 10, r: 1), clean: clean, perturbed: pert, trueClass: 1)
        XCTAssertEqual(l.initiallyCorrect, [true, true, false])
        XCTAssertEqual(l.fooling, [true, false, false])
        let c = try FoolingLabels.fromChanges(clean: clean, perturbed: pert)
        XCTAssertEqual(c.fooling, [true, false, true])
        XCTAssertThrowsError(try FoolingLabels.fromChanges(clean: clean, perturbed: FeatureMatrix(rows: 2, columns: 2)))
    }
}

final class DetectorTests: XCTestCase {
    /// 900 events: clean Gaussian blobs; a third of the events perturbed by a large shift (the positives).
    static func sample() -> (FeatureMatrix, FeatureMatrix, FeatureMatrix) {
        var g = Gaussian(seed: 3)
        var clean: [Double] = [], pert: [Double] = [], extra: [Double] = []
        for i in 0..<900 {
            let a = g.next(), b = g.next()
            clean += [a, b]
            pert += i % 3 == 0 ? [a + 4, b + 4] : [a, b]
        }
        for _ in 0..<300 { extra += [g.next() - 1, g.next() - 1] }
        return (FeatureMatrix(rows: 900, columns: 2, values: clean, names: ["a", "b"]),
                FeatureMatrix(rows: 900, columns: 2, values: pert, names: ["a", "b"]),
                FeatureMatrix(rows: 300, columns: 2, values: extra, names: ["a", "b"]))
    }

    static func settings() -> DetectorSettings {
        var s = DetectorSettings()
        s.training.hiddenLayers = [8]
        s.training.maxEpochs = 25
        s.training.learningRate = 1e-2
        s.training.threadCount = 1
        s.splitSeed = 5
        return s
    }

    func testRowsNeverShareEventsAcrossSplitsAndEfficienciesFollowFromTheScores() throws {
        let (clean, pert, extra) = Self.sample()
        let labels = try FoolingLabels.fromChanges(clean: clean, perturbed: pert)
        let out = try AdversarialDetector.train(clean: clean, perturbed: pert, labels: labels, extraClean: extra,
                                                trueClass: nil, settings: Self.settings())
        XCTAssertEqual(out.rows.count, 900 + 300 + 300)
        // Every event's rows (clean and perturbed) carry one split, the split of the event.
        var splitOf: [Int: SplitName] = [:]
        for r in out.rows {
            if let s = splitOf[r.event] { XCTAssertEqual(s, r.split, "event \(r.event) is in two splits") }
            splitOf[r.event] = r.split
            XCTAssertEqual(out.split.assignment[r.event], r.split)
        }
        XCTAssertEqual(splitOf.count, 1200)
        // Sizes in the summary agree with the rows.
        for s in SplitName.allCases {
            let z = try XCTUnwrap(out.summary.splits[s.rawValue])
            XCTAssertEqual(z.fooling, out.rows.filter { $0.split == s && $0.kind == .fooling }.count)
            XCTAssertEqual(z.clean + z.extraClean, out.rows.filter { $0.split == s && $0.kind != .fooling }.count)
        }
        // Independent recount on the test rows from the CSV text.
        let csv = AdversarialDetector.scoresCSV(out.rows).split(separator: "\n").dropFirst().map { $0.split(separator: ",") }
        let test = csv.filter { $0[1] == "test" }
        let thr = out.summary.test.threshold
        let cleanRows = test.filter { $0[2] != "fooling" }, foolRows = test.filter { $0[2] == "fooling" }
        let flagged = { (rows: [[Substring]]) in rows.filter { Double($0[4])! > thr }.count }
        let correct = cleanRows.filter { $0[3] == "1" }.count
        let t = out.summary.test
        XCTAssertEqual(t.cleanEvents, cleanRows.count)
        XCTAssertEqual(t.foolingEvents, foolRows.count)
        XCTAssertEqual(try XCTUnwrap(t.cleanFlaggedFraction), Double(flagged(cleanRows)) / Double(cleanRows.count), accuracy: 1e-15)
        XCTAssertEqual(try XCTUnwrap(t.foolingEfficiency), Double(flagged(foolRows)) / Double(foolRows.count), accuracy: 1e-15)
        XCTAssertEqual(try XCTUnwrap(t.correctedFoolingRatio), Double(foolRows.count - flagged(foolRows)) / Double(correct), accuracy: 1e-15)
        let extraRows = cleanRows.filter { $0[2] == "extra_clean" }
        XCTAssertEqual(try XCTUnwrap(t.extraCleanEfficiency), 1 - Double(flagged(extraRows)) / Double(extraRows.count), accuracy: 1e-15)
        XCTAssertEqual(out.summary.thresholdScan.map(\.threshold), (1...9).map { Double($0) / 10 })
        XCTAssertEqual(out.summary.thresholdScan[4], t, "the scan at 0.5 is the quoted point")
        for k in 1..<9 {   // a higher threshold flags no more rows
            XCTAssertLessThanOrEqual(out.summary.thresholdScan[k].foolingFlagged, out.summary.thresholdScan[k - 1].foolingFlagged)
            XCTAssertLessThanOrEqual(out.summary.thresholdScan[k].cleanFlagged, out.summary.thresholdScan[k - 1].cleanFlagged)
        }
        // The shift is large: the detector must find most positives and few false ones.
        XCTAssertGreaterThan(try XCTUnwrap(t.foolingEfficiency), 0.9)
        XCTAssertLessThan(try XCTUnwrap(t.cleanFlaggedFraction), 0.1)
        XCTAssertLessThan(try XCTUnwrap(t.correctedFoolingRatio), try XCTUnwrap(t.initialFoolingRatio))
    }

    func testDetectorDocumentLoadsAsAModelWithTheSameScores() throws {
        let (clean, pert, _) = Self.sample()
        let labels = try FoolingLabels.fromChanges(clean: clean, perturbed: pert)
        var s = Self.settings()
        s.training.maxEpochs = 3
        let out = try AdversarialDetector.train(clean: clean, perturbed: pert, labels: labels, trueClass: nil, settings: s)
        let doc = try AdversarialDetector.documentJSON(network: out.network, summary: out.summary)
        let net = try ModelLoader.load(data: doc)
        XCTAssertEqual(net.scores(clean), out.network.scores(clean))
        XCTAssertEqual(try AdversarialDetector.summary(fromDocument: doc), out.summary)
    }

    func testNoFoolingEventsIsAClearError() throws {
        let (clean, _, _) = Self.sample()
        let labels = try FoolingLabels.fromChanges(clean: clean, perturbed: clean)
        XCTAssertThrowsError(try AdversarialDetector.train(clean: clean, perturbed: clean, labels: labels, trueClass: nil,
                                                           settings: Self.settings())) { e in
            XCTAssertTrue("\(e)".contains("no fooling"), "\(e)")
        }
    }
}

final class AdversarialMixTests: XCTestCase {
    func testOnlyChangedEventsWithTheirTrueLabelAndTheFraction() throws {
        let x = FeatureMatrix(rows: 2, columns: 1, values: [0, 1])
        let clean = FeatureMatrix(rows: 6, columns: 1, values: [1, 2, 3, 4, 5, 6])
        let adv = FeatureMatrix(rows: 6, columns: 1, values: [1.5, 2, 3.5, 4, 5.5, 6.5])
        let all = try AdversarialMix.mix(x: x, labels: [0, 1], weights: nil, adversarial: adv, clean: clean, trueClass: 1)
        XCTAssertEqual(all.adversarialEvents, [0, 2, 4, 5])
        XCTAssertEqual(all.x.values, [0, 1, 1.5, 3.5, 5.5, 6.5])
        XCTAssertEqual(all.labels, [0, 1, 1, 1, 1, 1])
        XCTAssertNil(all.weights)
        let half = try AdversarialMix.mix(x: x, labels: [0, 1], weights: [2, 3], adversarial: adv, clean: clean, trueClass: 0, fraction: 0.5, seed: 4)
        XCTAssertEqual(half.added, 2)
        XCTAssertTrue(Set(half.adversarialEvents).isSubset(of: [0, 2, 4, 5]))
        XCTAssertEqual(half.labels, [0, 1, 0, 0])
        XCTAssertEqual(half.weights, [2, 3, 1, 1])
        let noClean = try AdversarialMix.mix(x: x, labels: [0, 1], weights: nil, adversarial: adv, trueClass: 1)
        XCTAssertEqual(noClean.added, 6)
        XCTAssertThrowsError(try AdversarialMix.mix(x: x, labels: [0, 1], weights: nil, adversarial: adv, trueClass: 1, fraction: 0))
        XCTAssertThrowsError(try AdversarialMix.mix(x: x, labels: [0, 1], weights: nil, adversarial: FeatureMatrix(rows: 1, columns: 2), trueClass: 1))
    }
}

final class TrainerExplicitSplitTests: XCTestCase {
    /// The explicit split's validation rows are the ones early stopping measures, and they are not trained on.
    func testValidationRowsAreTheGivenOnes() throws {
        let (clean, pert, _) = DetectorTests.sample()
        let x = FeatureMatrix(rows: 1800, columns: 2, values: clean.values + pert.values)
        let y = [Double](repeating: 0, count: 900) + [Double](repeating: 1, count: 900)
        var c = TrainingConfiguration()
        c.hiddenLayers = [4]; c.maxEpochs = 4; c.threadCount = 1
        let train = Array(0..<600) + Array(900..<1500), val = Array(600..<900) + Array(1500..<1800)
        let r = try Trainer.train(x: x, labels: y, trainingRows: train, validationRows: val, configuration: c)
        let s = r.network.scores(x.gatheredRows(val))
        XCTAssertEqual(r.validationLoss, ClassifierMetrics.binaryCrossEntropy(scores: s, labels: val.map { y[$0] }, weights: nil), accuracy: 1e-12)
        // Same seed and rows: identical network; other rows: a different one.
        let again = try Trainer.train(x: x, labels: y, trainingRows: train, validationRows: val, configuration: c)
        XCTAssertEqual(again.network.scores(x), r.network.scores(x))
        let other = try Trainer.train(x: x, labels: y, trainingRows: Array(train.dropFirst(50)), validationRows: val, configuration: c)
        XCTAssertNotEqual(other.network.scores(x), r.network.scores(x))
        XCTAssertThrowsError(try Trainer.train(x: x, labels: y, trainingRows: [0, 5000], validationRows: val, configuration: c))
    }
}
