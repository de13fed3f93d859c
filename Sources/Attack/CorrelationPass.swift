/// The correlation half of FixedSearch's candidate evaluation: for every candidate value of one feature of one
/// event, the change of each population's correlation matrix, from the closed form in FixedSearch's
/// documentation and the per-population sums of `FixedSearch.PopulationPrecompute`.
///
/// Candidates are evaluated four at a time with SIMD4<Double> (the compiler's loop vectoriser does not take
/// the selects and masks of the closed form), the remainder one at a time with the same operations in the same
/// order: IEEE arithmetic, square root and division are correctly rounded lane by lane, so both paths give
/// bit-identical results (a test compares them).
extension FixedSearch {
    /// Per candidate c: the largest relative correlation change over the populations after the move
    /// (`maxF[c]`, max over q of √d2_q / ‖reference‖_q, in population order), and whether a correlation bound
    /// or a vanishing variance rejects it (`bad[c]` = 1). `vectorWidth` 1 forces the scalar path.
    static func correlationPass(_ cand: UnsafeBufferPointer<Double>, x: Double,
                                pre: UnsafeBufferPointer<PopulationPrecompute>, enforce: Bool,
                                maxF: UnsafeMutableBufferPointer<Double>,
                                bad: UnsafeMutableBufferPointer<Double>, vectorWidth: Int = 4) {
        let m = cand.count
        guard let cp = cand.baseAddress, let fp = maxF.baseAddress, let bp = bad.baseAddress,
              maxF.count >= m, bad.count >= m else { return }
        for c in 0..<m { fp[c] = 0; bp[c] = 0 }
        let vectorEnd = vectorWidth == 4 ? m & ~3 : 0
        for pc in pre {
            let terms = Terms(pc, enforce: enforce)
            var c = 0
            while c < vectorEnd {
                terms.four(cp + c, x: x, maxF: fp + c, bad: bp + c)
                c += 4
            }
            while c < m {
                terms.one(cp + c, x: x, maxF: fp + c, bad: bp + c)
                c += 1
            }
        }
    }

    /// One population's constants of the closed form.
    private struct Terms {
        let variance, u, wOverW, s, G, GH, H, Eg, Eh, D, invNorm: Double
        let hadVariance: Bool
        /// A feature without variance had a zero row, diagonal included: the diagonal goes 0 → 1,
        /// (1 − r₀)² − (0 − r₀)² in the distance and 1 in the step.
        let stepAdd, d2Add: Double
        let stepCap, relCap: Double

        init(_ pc: PopulationPrecompute, enforce: Bool) {
            variance = pc.variance; u = pc.u; wOverW = pc.wOverW; s = pc.s
            G = pc.G; GH = pc.GH; H = pc.H; Eg = pc.Eg; Eh = pc.Eh; D = pc.D
            invNorm = pc.invNorm
            hadVariance = variance > 0
            stepAdd = hadVariance ? 0.0 : 1.0; d2Add = hadVariance ? 0.0 : 1 - 2 * pc.refDiag
            stepCap = enforce ? pc.stepCap2 : .infinity; relCap = enforce ? pc.relCap2 : .infinity
        }

        @inline(__always)
        func one(_ cand: UnsafePointer<Double>, x: Double, maxF fp: UnsafeMutablePointer<Double>, bad bp: UnsafeMutablePointer<Double>) {
            let delta = cand.pointee - x
            let dl = wOverW * delta
            let v2 = variance + dl * (2 * u + delta - dl)
            let pos = v2 > 0
            // s = 0 when the feature had no variance: its row (diagonal included) was 0.
            let s2 = pos ? 1 / v2.squareRoot() : 0
            let ds = s2 - s
            let sd = s2 * dl
            let step2 = ds * ds * G + 2 * ds * sd * GH + sd * sd * H
            let step = 2 * step2 + (pos ? stepAdd : 0)
            let d2 = D + (2 * step2 + 4 * (ds * Eg + sd * Eh)) + (pos ? d2Add : 0)
            let reject = (hadVariance && !pos) || (pos && (step > stepCap || d2 > relCap))
            let f = (d2 > 0 ? d2.squareRoot() : 0) * invNorm
            fp.pointee = max(fp.pointee, f)
            if reject { bp.pointee = 1 }
        }

        /// `one` on four consecutive candidates, lane by lane the same operations.
        @inline(__always)
        func four(_ cand: UnsafePointer<Double>, x: Double, maxF fp: UnsafeMutablePointer<Double>, bad bp: UnsafeMutablePointer<Double>) {
            typealias V = SIMD4<Double>
            let zero = V(repeating: 0)
            let delta = UnsafeRawPointer(cand).loadUnaligned(as: V.self) - x
            let dl = wOverW * delta
            let v2 = variance + dl * (2 * u + delta - dl)
            let pos = v2 .> 0
            let s2 = zero.replacing(with: 1 / v2.squareRoot(), where: pos)
            let ds = s2 - s
            let sd = s2 * dl
            let step2 = ds * ds * G + 2 * ds * sd * GH + sd * sd * H
            let step = 2 * step2 + zero.replacing(with: stepAdd, where: pos)
            let d2 = D + (2 * step2 + 4 * (ds * Eg + sd * Eh)) + zero.replacing(with: d2Add, where: pos)
            var reject = pos .& ((step .> stepCap) .| (d2 .> relCap))
            if hadVariance { reject .|= .!pos }
            let f = zero.replacing(with: d2.squareRoot(), where: d2 .> 0) * invNorm
            let old = UnsafeRawPointer(fp).loadUnaligned(as: V.self)
            // max(a, b) is `b >= a ? b : a`, lane by lane.
            UnsafeMutableRawPointer(fp).storeBytes(of: old.replacing(with: f, where: f .>= old), as: V.self)
            let b = UnsafeRawPointer(bp).loadUnaligned(as: V.self)
            UnsafeMutableRawPointer(bp).storeBytes(of: b.replacing(with: 1, where: reject), as: V.self)
        }
    }
}
