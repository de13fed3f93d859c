import Columnar
import Foundation
import XCTest
@testable import Attack

/// Features with zero variance inside a constraint population (jet4_pt = 0 for every event of a region
/// nJet ≤ 3), tiny populations, and the rule that every bound holds in every population at every accepted move.
/// Semantics (docs/attack.md): the correlations of a feature constant on a population's nominal events are
/// undefined and excluded; in jsd and chi2 modes the feature stays constant there.
final class ConstantFeatureTests: XCTestCase {
    /// A W+jets-like sample: x0…x2 correlated, nJet (integer, frozen), jet4_pt = 0 exactly when nJet ≤ 3.
    /// Regions: "CR" (nJet ≤ 3, jet4_pt constant there) and "tiny" (40 events).
    private func jetProblem(rows n: Int = 2000, seed: UInt64 = 41) -> (AttackProblem, LogisticClassifier) {
        let base = syntheticEvents(rows: n, columns: 3, seed: seed)
        var rng = SplitMix64(seed: seed &+ 1)
        var v = [Double]()
        var nJet = [Double]()
        for i in 0..<n {
            let k = Double(1 + Int(rng.next() % 6))
            let jet4 = k <= 3 ? 0 : 30 + 40 * rng.nextUnit()
            v.append(contentsOf: [base[i, 0], base[i, 1], base[i, 2], k, jet4])
            nJet.append(k)
        }
        let x = FeatureMatrix(rows: n, columns: 5, values: v, names: ["a", "b", "c", "nJet", "jet4_pt"])
        let w = (0..<n).map { _ in 0.3 + 1.4 * rng.nextUnit() }
        // Background (label 0) pushed up in jet4_pt: the gradient points to larger jet4_pt for every event.
        let clf = LogisticClassifier(w: [0.7, -0.4, 0.5, 0.1, 0.05], b: -3.4)
        let labels = Array(repeating: 0.0, count: n)
        let cr = nJet.map { $0 <= 3 }
        var tiny = [Bool](repeating: false, count: n)
        for i in stride(from: 0, to: n, by: n / 40).prefix(40) { tiny[i] = true }
        var settings = Array(repeating: FeatureSettings(), count: 5)
        settings[3].frozen = true; settings[3].integerValued = true
        return (AttackProblem(features: x, labels: labels, weights: w,
                              regions: [ConstraintPopulation(name: "CR", mask: cr), ConstraintPopulation(name: "tiny", mask: tiny)],
                              featureSettings: settings), clf)
    }

    /// Random data with one constant (non-zero, so the co-moment shift matters) feature inside a random region.
    private func randomProblem(seed: UInt64) -> (AttackProblem, LogisticClassifier, constant: Int) {
        var rng = SplitMix64(seed: seed)
        let n = 1200, d = 4 + Int(rng.next() % 3)
        var x = syntheticEvents(rows: n, columns: d, seed: seed &+ 7)
        let constant = Int(rng.next() % UInt64(d))
        let cut = Int(rng.next() % UInt64(d))
        let c = 2.75 + Double(rng.next() % 5)
        let region = (0..<n).map { _ in rng.nextUnit() < 0.45 }
        for i in 0..<n where region[i] { x[i, constant] = c }
        let outside = (0..<n).filter { !region[$0] }.sorted { x[$0, cut] < x[$1, cut] }
        var small = [Bool](repeating: false, count: n)
        for i in outside.prefix(40) { small[i] = true }
        let w = (0..<n).map { _ in rng.nextUnit() < 0.03 ? -0.2 : 0.2 + 1.6 * rng.nextUnit() }
        let cw = (0..<d).map { _ in rng.uniform(-1, 1) }
        let clf = LogisticClassifier(w: cw, b: 0.3)
        let labels = clf.scores(x).map { $0 > 0.5 ? 1.0 : 0.0 }
        return (AttackProblem(features: x, labels: labels, weights: w,
                              regions: [ConstraintPopulation(name: "region", mask: region),
                                        ConstraintPopulation(name: "small", mask: small)]), clf, constant)
    }

    /// Every population of the output within every bound, recomputed independently from the output matrix
    /// (weighted numpy-style histograms, the reference JSD, Chi2Test on those histograms, weighted correlation
    /// with the undefined entries excluded), and agreeing with the reported metrics.
    private func assertEveryPopulationWithinBounds(_ problem: AttackProblem, _ r: AttackResult, _ cfg: AttackConfiguration,
                                                   file: StaticString = #filePath, line: UInt = #line) {
        let x = problem.features, n = x.rows, d = x.columns
        let w = problem.weights ?? Array(repeating: 1, count: n)
        let masks = [Array(repeating: true, count: n)] + problem.regions.map(\.mask)
        XCTAssertEqual(r.metrics.populations.count, masks.count, file: file, line: line)
        let cap = min(cfg.maxStepJSD, cfg.constraintJSD)
        for (p, mask) in masks.enumerated() {
            let idx = (0..<n).filter { mask[$0] }
            let ws = idx.map { w[$0] }
            let nom = x.gatheredRows(idx), adv = r.perturbed.gatheredRows(idx)
            let pm = r.metrics.populations[p]
            // Constant features stay constant, and the metrics say which they are.
            let constant = IndependentMetrics.constantColumns(nom)
            for j in constant { XCTAssertEqual(adv.column(j), nom.column(j), "\(pm.name): \(j) must stay constant", file: file, line: line) }
            XCTAssertEqual(pm.constantFeatures ?? [], constant.map { r.metrics.features[$0] }, file: file, line: line)
            XCTAssertNil(pm.constantFeaturesChanged, file: file, line: line)
            let rel = IndependentMetrics.relativeCorrelationChangeDefined(nom, adv, ws)
            XCTAssertLessThanOrEqual(rel, cfg.constraintRelCorr + 1e-12, "\(pm.name) correlation", file: file, line: line)
            XCTAssertEqual(rel, pm.relCorrChange, accuracy: 1e-9, "\(pm.name): metric vs independent", file: file, line: line)
            for j in 0..<d {
                let lo = x.column(j).min()!, hi = x.column(j).max()!
                if !(hi > lo) { continue }
                let outside = adv.column(j).filter { !($0 >= lo && $0 <= hi) }.count
                XCTAssertEqual(outside, 0, "\(pm.name): values of \(j) outside the nominal range [\(lo), \(hi)]", file: file, line: line)
                let (h0, s0) = IndependentMetrics.weightedHistogram(nom.column(j), ws, lower: lo, upper: hi, bins: cfg.bins)
                let (h1, s1) = IndependentMetrics.weightedHistogram(adv.column(j), ws, lower: lo, upper: hi, bins: cfg.bins)
                switch cfg.mode {
                case .jsd:
                    if ws.allSatisfy({ $0 > 0 }) {   // the reference definition needs non-negative contents
                        XCTAssertLessThanOrEqual(IndependentMetrics.jsd(h0, h1), cap + 1e-7, "\(pm.name) JSD of \(j)", file: file, line: line)
                    }
                    XCTAssertLessThanOrEqual(pm.jsd[j], cap + 1e-12, file: file, line: line)
                case .chi2:
                    let t = Chi2Test.weighted(h1, s1, h0, s0, relativeSystematic: problem.featureSettings?[j].relativeSystematic ?? 0)
                    XCTAssertGreaterThanOrEqual(t.pValue, cfg.chi2Threshold - 1e-9, "\(pm.name) chi2 p of \(j)", file: file, line: line)
                    XCTAssertEqual(t.pValue, pm.chi2P[j], accuracy: 1e-7, "\(pm.name) chi2 p of \(j): independent vs metrics", file: file, line: line)
                default: break
                }
            }
        }
        XCTAssertTrue(r.metrics.constraintsMet, file: file, line: line)
        for it in r.metrics.iterations { XCTAssertTrue(it.constraintsMet, "iteration \(it.iteration)", file: file, line: line) }
    }

    /// The reported bug: one iteration gave CR a relative correlation change of ~0.19 (bound 0.006), because a
    /// move giving jet4_pt variance in CR was not evaluated at all (zero variance skipped the correlation check).
    func testConstantFeatureInControlRegionStaysConstantAndBoundsHold() throws {
        let (problem, clf) = jetProblem()
        for mode in [AttackMode.jsd, .chi2] {
            var cfg = AttackConfiguration(); cfg.mode = mode; cfg.bins = 25; cfg.iterations = 2; cfg.candidates = 40
            let r = try AttackEngine(problem: problem, classifier: clf, configuration: cfg).run()
            let cr = r.metrics.populations[1]
            print("\(mode): fooling \(r.metrics.foolingRatio) CR rel corr \(cr.relCorrChange) constants \(cr.constantFeatures ?? [])")
            XCTAssertEqual(cr.name, "CR")
            XCTAssertEqual(cr.constantFeatures, ["jet4_pt"])
            XCTAssertLessThanOrEqual(cr.relCorrChange, cfg.constraintRelCorr)
            XCTAssertGreaterThan(r.metrics.foolingRatio, 0.02)
            // jet4_pt moves outside CR (nJet ≥ 4), never inside.
            var movedOutside = 0
            for i in 0..<problem.features.rows where r.perturbed[i, 4] != problem.features[i, 4] {
                XCTAssertFalse(problem.regions[0].mask[i], "jet4_pt moved in CR for event \(i)")
                movedOutside += 1
            }
            XCTAssertGreaterThan(movedOutside, 10)
            assertEveryPopulationWithinBounds(problem, r, cfg)
        }
    }

    /// Generic: random data, one constant feature inside a region, weights (a few negative), a 40-event region;
    /// two iterations in jsd and chi2 mode meet every bound in every population, recomputed independently.
    func testRandomDataWithConstantFeatureInRegionMeetsEveryBound() throws {
        for seed in UInt64(1)...3 {
            let (problem, clf, constant) = randomProblem(seed: seed)
            for mode in [AttackMode.jsd, .chi2] {
                var cfg = AttackConfiguration(); cfg.mode = mode; cfg.bins = 20; cfg.iterations = 2; cfg.candidates = 30
                cfg.seed = seed
                let r = try AttackEngine(problem: problem, classifier: clf, configuration: cfg).run()
                XCTAssertEqual(r.metrics.populations[1].constantFeatures, [r.metrics.features[constant]])
                XCTAssertGreaterThan(r.metrics.iterations.map(\.changedEvents).reduce(0, +), 50, "seed \(seed) \(mode)")
                assertEveryPopulationWithinBounds(problem, r, cfg)
            }
        }
    }

    /// Every accepted move keeps, in every population holding the event, the JSD cap (jsd) or the chi2 p-value
    /// (chi2), the one-step correlation cap and the global correlation bound, and constant features constant;
    /// tiny (40-event) populations included. Checked on the incremental state after each move and against a
    /// full recompute after each event.
    func testEveryAcceptedMoveKeepsEveryBoundInEveryPopulation() throws {
        let (problem, clf) = jetProblem(rows: 800, seed: 5)
        var configs: [AttackConfiguration] = []
        for mode in [AttackMode.jsd, .chi2] {
            var cfg = AttackConfiguration(); cfg.mode = mode; cfg.bins = 20; cfg.candidates = 30
            configs.append(cfg)
            cfg.maxStepFrob = 0.002; cfg.constraintRelCorr = 0.03; cfg.maxStepJSD = 0.02   // step caps binding
            configs.append(cfg)
        }
        for cfg in configs {
            let engine = try AttackEngine(problem: problem, classifier: clf, configuration: cfg)
            let s = engine.state, d = engine.d
            var search = FixedSearch(engine: engine)
            let jsdCap = min(cfg.maxStepJSD, cfg.constraintJSD)
            var before = Array(s.corr), moves = 0, tinyMoves = 0, violations: [String] = []
            search.afterMove = { i, j in
                moves += 1
                for p in s.popList[s.popStart[i] ..< s.popStart[i + 1]] {
                    if p == 2 { tinyMoves += 1 }
                    if cfg.mode == .jsd && s.jsd(p, j) > jsdCap + 1e-12 { violations.append("JSD p\(p) f\(j) \(s.jsd(p, j))") }
                    if cfg.mode == .chi2 && s.chi2(p, j).pValue < cfg.chi2Threshold - 1e-12 {
                        violations.append("chi2 p\(p) f\(j) \(s.chi2(p, j).pValue)")
                    }
                    if s.relativeCorrelationChange(p) > cfg.constraintRelCorr + 1e-12 {
                        violations.append("corr p\(p) \(s.relativeCorrelationChange(p))")
                    }
                    var step = 0.0
                    for k in 0..<(d * d) { let e = s.corr[p * d * d + k] - before[p * d * d + k]; step += e * e }
                    if step.squareRoot() / s.refNorm[p] > cfg.maxStepFrob + 1e-12 { violations.append("step p\(p) \(step.squareRoot() / s.refNorm[p])") }
                    for k in 0..<d where s.nominallyConstant[p * d + k] && !s.keepsConstant(p, k) { violations.append("constant p\(p) f\(k)") }
                }
                before = Array(s.corr)
            }
            let x = problem.features
            for i in 0..<x.rows {
                let row = FeatureMatrix(rows: 1, columns: d, values: Array(engine.values[i * d ..< (i + 1) * d]))
                let g = clf.lossGradient(row, labels: [problem.labels[i]]).values
                var rng = SplitMix64(seed: cfg.seed, stream: 0, substream: UInt64(i))
                _ = search.searchEvent(i, gradient: g[...], rng: &rng)
                if i % 100 == 99 || i == x.rows - 1 {
                    // The full recompute (what the metrics report) agrees.
                    s.rebuild(FeatureMatrixView(rows: x.rows, columns: d, values: engine.values))
                    before = Array(s.corr)
                    let m = engine.measure()
                    if !engine.constraintsMet(m) { violations.append("measure after event \(i)") }
                    for pm in m.populations where pm.relCorrChange > cfg.constraintRelCorr || pm.maxJSD > (cfg.mode == .jsd ? jsdCap : 1) {
                        violations.append("measure \(pm.name) after event \(i)")
                    }
                }
            }
            print("\(cfg.mode) step cap \(cfg.maxStepFrob): \(moves) moves, \(tinyMoves) in the 40-event region")
            XCTAssertGreaterThan(moves, 200)
            XCTAssertGreaterThan(tinyMoves, 0)
            XCTAssertEqual(violations, [], "\(cfg.mode) \(cfg.maxStepFrob): \(violations.prefix(5))")
            let result = AttackResult(perturbed: FeatureMatrix(rows: x.rows, columns: d, values: engine.values, names: x.names),
                                      fooled: [], initiallyCorrect: [], metrics: metrics(engine, cfg), checkpoint: dummyCheckpoint(cfg))
            assertEveryPopulationWithinBounds(problem, result, cfg)
        }
    }

    /// The closed form for a zero-variance feature gaining variance equals the applied state and the full
    /// recompute (envelope mode: nothing pinned, the correlation is only a cost there), and the metrics of such
    /// an output (fgsm) report the broken constancy and fail the constraints.
    func testZeroVarianceTransitionIsEvaluatedAsTheMetricComputesIt() throws {
        let (problem, clf) = jetProblem(rows: 600, seed: 9)
        var cfg = AttackConfiguration(); cfg.mode = .envelope; cfg.bins = 20
        var settings = problem.featureSettings!
        for j in 0..<5 where j != 3 { settings[j].envelope = .absolute(50) }
        var p2 = problem; p2.featureSettings = settings
        let engine = try AttackEngine(problem: p2, classifier: clf, configuration: cfg)
        let s = engine.state, d = 5
        var search = FixedSearch(engine: engine)
        let cr = problem.regions[0].mask
        var checked = 0
        for i in 0..<problem.features.rows where cr[i] && checked < 20 {
            let v = 31.0 + Double(checked)
            let predicted = search.probe(i, 4, to: v)
            search.move(i, 4, to: v)
            var rel = 0.0
            for p in s.popList[s.popStart[i] ..< s.popStart[i + 1]] { rel = max(rel, s.relativeCorrelationChange(p)) }
            XCTAssertEqual(predicted.rel, rel, accuracy: 1e-9)
            let fresh = ConstraintState(nominal: FeatureMatrixView(problem.features), weights: problem.weights!,
                                        populations: engine.populationMasks, bins: 20, relativeSystematic: Array(repeating: 0, count: d),
                                        lower: engine.lower, upper: engine.upper)
            fresh.rebuild(FeatureMatrixView(rows: problem.features.rows, columns: d, values: engine.values))
            XCTAssertEqual(fresh.relativeCorrelationChange(1), s.relativeCorrelationChange(1), accuracy: 1e-9)
            if checked == 0 { XCTAssertGreaterThan(rel, 0.05, "the diagonal alone moves by 1") }
            checked += 1
        }
        XCTAssertEqual(checked, 20)
        // FGSM moves jet4_pt inside CR: reported, and the constraints are not met.
        var fg = AttackConfiguration(); fg.mode = .fgsm; fg.epsilon = 0.5; fg.bins = 20
        var p3 = problem; p3.featureSettings = nil
        let r = try AttackEngine(problem: p3, classifier: clf, configuration: fg).run()
        XCTAssertEqual(r.metrics.populations[1].constantFeaturesChanged, ["jet4_pt"])
        XCTAssertFalse(r.metrics.constraintsMet)
    }

    // MARK: helpers for driving the search directly

    private func metrics(_ engine: AttackEngine, _ cfg: AttackConfiguration) -> AttackMetrics {
        let m = engine.measure()
        return AttackMetrics(mode: cfg.mode, events: engine.n, initiallyCorrect: 0, fooled: 0, foolingRatio: 0,
                             maxJSD: m.maxJSD, relCorrChange: m.relCorr, minChi2P: m.minP, constraintsMet: engine.constraintsMet(m),
                             bestIteration: 1, seconds: 0, features: engine.featureNames, populations: m.populations,
                             iterations: [], configuration: cfg)
    }

    private func dummyCheckpoint(_ cfg: AttackConfiguration) -> AttackCheckpoint {
        AttackCheckpoint(configuration: cfg, events: 0, featureCount: 0, completedIterations: 0, values: [], fooled: [],
                         bestValues: nil, bestIteration: nil, bestFoolingRatio: 0, iterations: [], seconds: 0)
    }
}
