import Columnar
import XCTest
@testable import Attack

/// The SIMD correlation pass gives bit for bit what the scalar one gives, edge cases included.
final class CorrelationPassTests: XCTestCase {
    private func precompute(_ rng: inout SplitMix64, variance: Double) -> FixedSearch.PopulationPrecompute {
        var pc = FixedSearch.PopulationPrecompute()
        pc.variance = variance; pc.s = variance > 0 ? 1 / variance.squareRoot() : 0
        pc.u = rng.uniform(-2, 2); pc.wOverW = rng.uniform(0.001, 0.6)
        pc.G = rng.uniform(0, 3); pc.H = rng.uniform(0, 3); pc.GH = rng.uniform(-1, 1)
        pc.Eg = rng.uniform(-0.1, 0.1); pc.Eh = rng.uniform(-0.1, 0.1); pc.D = rng.uniform(0, 0.02)
        pc.refDiag = 1; pc.invNorm = rng.uniform(0.1, 1)
        pc.stepCap2 = rng.uniform(0, 0.05); pc.relCap2 = rng.uniform(0, 0.05)
        return pc
    }

    private func pass(_ cand: [Double], x: Double, _ pre: [FixedSearch.PopulationPrecompute], enforce: Bool,
                      width: Int) -> (f: [Double], bad: [Double]) {
        var f = [Double](repeating: .nan, count: cand.count), bad = f
        cand.withUnsafeBufferPointer { c in
            pre.withUnsafeBufferPointer { p in
                f.withUnsafeMutableBufferPointer { fp in
                    bad.withUnsafeMutableBufferPointer { bp in
                        FixedSearch.correlationPass(c, x: x, pre: p, enforce: enforce, maxF: fp, bad: bp, vectorWidth: width)
                    }
                }
            }
        }
        return (f, bad)
    }

    func testVectorAndScalarPassesAgreeBitForBit() {
        var rng = SplitMix64(seed: 5)
        var rejected = 0, accepted = 0
        for trial in 0..<300 {
            let np = 1 + trial % 3
            // Zero variance, tiny variance (moves can make it vanish) and ordinary ones.
            let pre = (0..<np).map { q in
                precompute(&rng, variance: [0, 1e-9, rng.uniform(0.01, 4)][(trial + q) % 3])
            }
            let m = trial % 11 + (trial % 2 == 0 ? 150 : 0)   // remainders 0...3 after the SIMD steps
            let x = rng.uniform(-1, 1)
            var cand = (0..<m).map { _ in x + rng.uniform(-3, 3) }
            if m > 2 { cand[1] = x; cand[2] = -.infinity }
            for enforce in [true, false] {
                let v = pass(cand, x: x, pre, enforce: enforce, width: 4)
                let s = pass(cand, x: x, pre, enforce: enforce, width: 1)
                XCTAssertEqual(v.f.map(\.bitPattern), s.f.map(\.bitPattern), "trial \(trial)")
                XCTAssertEqual(v.bad, s.bad, "trial \(trial)")
                rejected += v.bad.filter { $0 == 1 }.count; accepted += v.bad.filter { $0 == 0 }.count
            }
        }
        XCTAssertGreaterThan(rejected, 100); XCTAssertGreaterThan(accepted, 100)
    }

    /// The same attack with the scalar pass only: identical output.
    func testEngineResultDoesNotDependOnTheVectorWidth() throws {
        let x = syntheticEvents(rows: 500, columns: 4, seed: 23)
        let clf = RadialClassifier(k: 1.0, r: 2.0, inputCount: 4)
        let labels = clf.scores(x).map { $0 > 0.5 ? 1.0 : 0.0 }
        let region = ConstraintPopulation(name: "half", mask: (0..<500).map { $0 % 3 != 0 })
        var c = AttackConfiguration(); c.bins = 30; c.iterations = 3; c.seed = 9
        let p = AttackProblem(features: x, labels: labels, regions: [region])
        let simd = try AttackEngine(problem: p, classifier: clf, configuration: c)
        let scalar = try AttackEngine(problem: p, classifier: clf, configuration: c)
        scalar.correlationVectorWidth = 1
        let a = try simd.run(), b = try scalar.run()
        XCTAssertGreaterThan(a.metrics.foolingRatio, 0)
        XCTAssertEqual(a.perturbed.values, b.perturbed.values)
    }
}
