import Columnar
import Foundation
import XCTest
@testable import Model

/// Training: accuracy on the reference donut split, determinism, metrics.
final class TrainerTests: XCTestCase {
    /// The reference donut data (../shared/reference/donut_full.csv): train and test splits.
    func donut() throws -> (train: FeatureMatrix, trainY: [Double], test: FeatureMatrix, testY: [Double]) {
        guard let dir = TestSupport.sharedReference else { throw XCTSkip("shared reference/donut_full.csv not found ($CONSERVATTACK_SHARED, or ../shared beside the repository): skipped") }
        let (h, rows) = try TestSupport.readCSV(dir.appendingPathComponent("donut_full.csv"))
        guard let i1 = h.firstIndex(of: "x1"), let i2 = h.firstIndex(of: "x2"), let il = h.firstIndex(of: "Label"),
              let isplit = h.firstIndex(of: "split") else { throw XCTSkip("donut_full.csv lacks the expected columns") }
        var train: [Double] = [], trainY: [Double] = [], test: [Double] = [], testY: [Double] = []
        for r in rows {
            let v = [Double(r[i1])!, Double(r[i2])!], y = Double(r[il])!
            if r[isplit] == "train" { train += v; trainY.append(y) } else { test += v; testY.append(y) }
        }
        return (FeatureMatrix(rows: trainY.count, columns: 2, values: train, names: ["x1", "x2"]), trainY,
                FeatureMatrix(rows: testY.count, columns: 2, values: test, names: ["x1", "x2"]), testY)
    }

    func testDonutTestAccuracyReachesReferenceLevel() throws {
        let d = try donut()
        XCTAssertEqual(d.train.rows, 70_000)
        XCTAssertEqual(d.test.rows, 30_000)
        var c = TrainingConfiguration()
        c.hiddenLayers = [16, 8]
        c.learningRate = 1e-2
        c.batchSize = 256
        c.maxEpochs = 3
        c.patience = 2
        c.validationFraction = 0.1
        c.seed = 1
        var epochs: [TrainingProgress] = []
        let start = Date()
        let r = try Trainer.train(x: d.train, labels: d.trainY, configuration: c) { epochs.append($0); return true }
        let s = r.network.scores(d.test)
        let accuracy = ClassifierMetrics.accuracy(scores: s, labels: d.testY)
        let auc = ClassifierMetrics.auc(scores: s, labels: d.testY) ?? 0
        print("donut: test accuracy \(accuracy), AUC \(auc), validation AUC \(r.validationAUC ?? -1), epochs \(epochs.count), \(Date().timeIntervalSince(start)) s")
        XCTAssertGreaterThanOrEqual(accuracy, 0.907, "reference Keras model: 0.917")
        XCTAssertGreaterThan(auc, 0.95)
        XCTAssertEqual(epochs.map(\.epoch), Array(1...epochs.count))
        XCTAssertLessThan(epochs.last!.trainingLoss, epochs.first!.trainingLoss * 1.05)
        XCTAssertEqual(r.network.featureNames, ["x1", "x2"])
        XCTAssertNotNil(r.network.standardization)
    }

    /// A small separable problem: fixed seed → identical networks for any thread count; different seed → different.
    func testTrainingIsDeterministicAndThreadCountIndependent() throws {
        var rng = SeededGenerator(seed: 3)
        var v: [Double] = [], y: [Double] = []
        for _ in 0..<1500 {
            let a = rng.unit() * 4 - 2, b = rng.unit() * 4 - 2
            v += [a, b]; y.append(a * a + b * b < 1.5 ? 1 : 0)
        }
        let x = FeatureMatrix(rows: 1500, columns: 2, values: v)
        var c = TrainingConfiguration()
        c.hiddenLayers = [12]; c.maxEpochs = 3; c.learningRate = 1e-2; c.batchSize = 200; c.seed = 9
        c.threadCount = 1
        let a = try Trainer.train(x: x, labels: y, configuration: c)
        c.threadCount = 3
        let b = try Trainer.train(x: x, labels: y, configuration: c)
        XCTAssertEqual(a.network.layers, b.network.layers)
        XCTAssertEqual(a.history, b.history)
        c.seed = 10
        let other = try Trainer.train(x: x, labels: y, configuration: c)
        XCTAssertNotEqual(other.network.layers, a.network.layers)
    }

    func testEarlyStoppingKeepsBestEpochAndCallbackCanStop() throws {
        var rng = SeededGenerator(seed: 5)
        // Pure noise labels: validation loss cannot improve for long.
        let x = FeatureMatrix(rows: 600, columns: 3, values: (0..<1800).map { _ in rng.unit() })
        let y = (0..<600).map { _ in rng.unit() < 0.5 ? 0.0 : 1.0 }
        var c = TrainingConfiguration()
        c.hiddenLayers = [32]; c.learningRate = 3e-2; c.maxEpochs = 60; c.patience = 3; c.batchSize = 32
        let r = try Trainer.train(x: x, labels: y, configuration: c)
        XCTAssertTrue(r.stoppedEarly)
        XCTAssertLessThan(r.history.count, 60)
        XCTAssertEqual(r.history.count, r.bestEpoch + 3)
        let bestLoss = r.history.map(\.validationLoss).min()!
        XCTAssertEqual(r.history[r.bestEpoch - 1].validationLoss, bestLoss)
        XCTAssertEqual(r.validationLoss, bestLoss, accuracy: 1e-12)
        var calls = 0
        let stopped = try Trainer.train(x: x, labels: y, configuration: c) { _ in calls += 1; return calls < 2 }
        XCTAssertEqual(stopped.history.count, 2)
    }

    func testRejectsBadInputs() {
        let x = FeatureMatrix(rows: 2, columns: 1, values: [0, 1])
        XCTAssertThrowsError(try Trainer.train(x: x, labels: [0]))
        XCTAssertThrowsError(try Trainer.train(x: x, labels: [0, 2]))
        XCTAssertThrowsError(try Trainer.train(x: FeatureMatrix(rows: 2, columns: 1, values: [0, .nan]), labels: [0, 1]))
        XCTAssertThrowsError(try Trainer.train(x: x, labels: [0, 1], weights: [1, -1]))
    }

    func testMetricsAgainstHandComputedValues() {
        // Pairs (pos, neg): (0.9>0.1) (0.9>0.5) (0.4<0.5) (0.4>0.1) (0.5=0.5 → ½) (0.5>0.1): 4.5 / 6.
        let s = [0.9, 0.4, 0.5, 0.1, 0.5], y = [1.0, 1, 1, 0, 0]
        XCTAssertEqual(ClassifierMetrics.auc(scores: s, labels: y)!, 4.5 / 6, accuracy: 1e-12)
        XCTAssertNil(ClassifierMetrics.auc(scores: [0.1, 0.2], labels: [1, 1]))
        XCTAssertEqual(ClassifierMetrics.accuracy(scores: s, labels: y), 3.0 / 5, accuracy: 1e-12)
        XCTAssertEqual(ClassifierMetrics.accuracy(scores: s, labels: y, weights: [2, 1, 1, 1, 1]), 4.0 / 6, accuracy: 1e-12)
        XCTAssertEqual(ClassifierMetrics.binaryCrossEntropy(scores: [0.8, 0.3], labels: [1, 0]), -(log(0.8) + log(0.7)) / 2, accuracy: 1e-12)
    }
}

final class TrainerEventTableTests: XCTestCase {
    func testTrainsFromEventTableColumnsAndKeepsFeatureNames() throws {
        var rng = SeededGenerator(seed: 21)
        let n = 800
        let a = (0..<n).map { _ in rng.unit() * 2 - 1 }, b = (0..<n).map { _ in rng.unit() * 2 - 1 }
        let label = (0..<n).map { a[$0] + 0.5 * b[$0] > 0 ? 1.0 : 0.0 }
        let table = try EventTable(rowCount: n, columns: [("a", Column(.float64(a))), ("b", Column(.float32(b.map(Float.init)))),
                                                          ("is_sig", Column(.int32(label.map { Int32($0) })))])
        var c = TrainingConfiguration()
        c.hiddenLayers = [8]; c.maxEpochs = 15; c.learningRate = 1e-2; c.batchSize = 64
        let r = try Trainer.train(table: table, features: ["b", "a"], label: "is_sig", configuration: c)
        XCTAssertEqual(r.network.featureNames, ["b", "a"])
        XCTAssertGreaterThan(r.validationAccuracy, 0.95, "linearly separable")
        XCTAssertGreaterThan(r.validationAUC ?? 0, 0.98)
        XCTAssertThrowsError(try Trainer.train(table: table, features: ["a", "nope"], label: "is_sig"))
    }
}
