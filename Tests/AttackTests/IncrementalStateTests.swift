import Columnar
import Foundation
import XCTest
@testable import Attack

/// The incremental state must equal a full recompute after many updates, and the search's O(1)
/// candidate formulas must equal the state after actually applying the candidate.
final class IncrementalStateTests: XCTestCase {
    private func makeEngine(rows: Int = 400, columns: Int = 4, mode: AttackMode = .jsd) throws -> (AttackEngine, FeatureMatrix, [Double]) {
        let x = syntheticEvents(rows: rows, columns: columns, seed: 7)
        var rng = SplitMix64(seed: 99)
        let w = (0..<rows).map { _ in rng.nextUnit() < 0.05 ? -0.3 : 0.5 + rng.nextUnit() }
        let r1 = (0..<rows).map { x[$0, 0] > 0 }, r2 = (0..<rows).map { _ in rng.nextUnit() < 0.3 }
        var cfg = AttackConfiguration(); cfg.mode = mode; cfg.bins = 20
        var settings = Array(repeating: FeatureSettings(), count: columns)
        settings[1].relativeSystematic = 0.05
        let problem = AttackProblem(features: x, trueClass: 1, weights: w,
                                    regions: [ConstraintPopulation(name: "A", mask: r1), ConstraintPopulation(name: "B", mask: r2)],
                                    featureSettings: settings)
        let engine = try AttackEngine(problem: problem, classifier: LogisticClassifier(w: Array(repeating: 0.3, count: columns), b: 0), configuration: cfg)
        return (engine, x, w)
    }

    func testIncrementalStateMatchesFullRecomputeAfterManyUpdates() throws {
        let (engine, _, w) = try makeEngine()
        let n = engine.n, d = engine.d
        var search = FixedSearch(engine: engine)
        var rng = SplitMix64(seed: 5)
        for _ in 0..<5000 {
            let i = Int(rng.next() % UInt64(n)), j = Int(rng.next() % UInt64(d))
            let v = rng.uniform(engine.lower[j], engine.upper[j])
            search.move(i, j, to: v)
        }
        let s = engine.state
        let fresh = ConstraintState(nominal: FeatureMatrixView(rows: n, columns: d, values: engine.nominal), weights: w,
                                    populations: engine.populationMasks, bins: 20,
                                    relativeSystematic: engine.settings.map(\.relativeSystematic),
                                    lower: engine.lower, upper: engine.upper)
        fresh.rebuild(FeatureMatrixView(rows: n, columns: d, values: engine.values))
        XCTAssertNotEqual(engine.values, engine.nominal)
        func close(_ a: StateBuffer<Double>, _ b: StateBuffer<Double>, _ what: String, tol: Double = 1e-9) {
            XCTAssertEqual(a.count, b.count)
            let worst = zip(a, b).map { abs($0 - $1) }.max() ?? 0
            XCTAssertLessThan(worst, tol, what)
        }
        close(s.content, fresh.content, "content")
        close(s.sumW2, fresh.sumW2, "sumW2")
        close(s.jsdSum, fresh.jsdSum, "jsd sums")
        close(s.chi2Sum, fresh.chi2Sum, "chi2 sums", tol: 1e-7)
        XCTAssertEqual(Array(s.chi2Used), Array(fresh.chi2Used))
        close(s.cov, fresh.cov, "covariances")
        close(s.corr, fresh.corr, "correlations")
        close(s.corrDiff2, fresh.corrDiff2, "correlation distance")
        XCTAssertGreaterThan(s.corrDiff2[0], 1e-4, "the updates must have moved the correlations")
        // And the state's metrics against the independent, non-incremental definitions (inclusive population).
        let out = FeatureMatrix(rows: n, columns: d, values: engine.values)
        let nom = FeatureMatrix(rows: n, columns: d, values: engine.nominal)
        XCTAssertEqual(s.relativeCorrelationChange(0), IndependentMetrics.relativeCorrelationChange(nom, out, w), accuracy: 1e-9)
    }

    func testStateJSDMatchesReferenceDefinitionWithUnitWeights() throws {
        let x = syntheticEvents(rows: 300, columns: 3, seed: 3)
        var cfg = AttackConfiguration(); cfg.bins = 25
        let engine = try AttackEngine(problem: AttackProblem(features: x, trueClass: 1),
                                      classifier: LogisticClassifier(w: [1, 1, 1], b: 0), configuration: cfg)
        var search = FixedSearch(engine: engine)
        var rng = SplitMix64(seed: 11)
        for _ in 0..<600 {
            let i = Int(rng.next() % 300), j = Int(rng.next() % 3)
            search.move(i, j, to: rng.uniform(engine.lower[j], engine.upper[j]))
        }
        let js = IndependentMetrics.maxJSD(x, FeatureMatrix(rows: 300, columns: 3, values: engine.values), bins: 25)
        for j in 0..<3 { XCTAssertEqual(engine.state.jsd(0, j), js[j], accuracy: 1e-7) }
        XCTAssertGreaterThan(js.max()!, 0.01)
    }

    func testCandidateClosedFormsMatchAppliedState() throws {
        let (engine, _, _) = try makeEngine(rows: 300, columns: 5)
        var search = FixedSearch(engine: engine)
        var rng = SplitMix64(seed: 21)
        // Move the state away from nominal first.
        for _ in 0..<800 {
            let i = Int(rng.next() % 300), j = Int(rng.next() % 5)
            search.move(i, j, to: rng.uniform(engine.lower[j], engine.upper[j]))
        }
        let s = engine.state
        var checked = 0
        for _ in 0..<300 {
            let i = Int(rng.next() % 300), j = Int(rng.next() % 5)
            let old = engine.values[i * 5 + j]
            let v = rng.uniform(engine.lower[j], engine.upper[j])
            let predicted = search.probe(i, j, to: v)
            search.move(i, j, to: v)
            var js = 0.0, rel = 0.0
            for p in s.popList[s.popStart[i] ..< s.popStart[i + 1]] {
                js = max(js, s.jsd(p, j)); rel = max(rel, s.relativeCorrelationChange(p))
            }
            XCTAssertEqual(predicted.jsd, js, accuracy: 1e-9)
            XCTAssertEqual(predicted.rel, rel, accuracy: 1e-9)
            search.move(i, j, to: old)
            checked += 1
        }
        XCTAssertEqual(checked, 300)
    }
}
