import Columnar
import Statistics
import Foundation

/// The incremental state behind every constraint: per (population, feature) weighted histograms with their
/// JSD and chi2 terms, per population weighted co-moments and correlation matrices, all against the nominal.
///
/// Layout (flat arrays): histogram arrays are indexed ((p·d + j)·bins + b); moment matrices (p·d + j)·d + k;
/// per-feature scalars p·d + j. Co-moments are kept about a fixed shift (the population's nominal mean) so
/// that sums do not lose precision for features with large offsets.
/// Moving one event's feature j changes two bins (O(1) per histogram term) and one row/column of the
/// correlation matrix (O(d)); `rebuild` recomputes everything from the values (used at each iteration start,
/// which also makes a resumed run identical).
final class ConstraintState {
    let n: Int, d: Int, populationCount: Int, bins: Int
    let grids: [BinGrid]
    let weights: [Double]
    /// Populations of event i: popList[popStart[i] ..< popStart[i+1]].
    let popStart: [Int]
    let popList: [Int]
    let totalWeight: [Double]
    let shift: [Double]
    let relativeSystematic: [Double]

    // Nominal (reference) histograms.
    // (StateBuffer: mutable through `let`, so reads and writes skip the dynamic exclusivity checks.)
    let refContent: StateBuffer<Double>, refSumW2: StateBuffer<Double>, refCount: StateBuffer<Int32>
    // Current histograms.
    let content: StateBuffer<Double>, sumW2: StateBuffer<Double>, count: StateBuffer<Int32>
    let jsdTerm: StateBuffer<Double>, jsdSum: StateBuffer<Double>
    let chi2Term: StateBuffer<Double>, chi2Sum: StateBuffer<Double>, chi2Used: StateBuffer<Int>
    /// Current bin of each (event, feature).
    let binOf: StateBuffer<Int32>

    // Moments and correlations.
    let sum: StateBuffer<Double>, sumProd: StateBuffer<Double>
    let mean: StateBuffer<Double>, variance: StateBuffer<Double>, invSd: StateBuffer<Double>
    let cov: StateBuffer<Double>, corr: StateBuffer<Double>
    let refCorr: StateBuffer<Double>
    let refNorm: StateBuffer<Double>
    /// Σ_{k,l} (corr − refCorr)² per population.
    let corrDiff2: StateBuffer<Double>
    /// Per (population, feature): whether the feature takes one single value on the population's nominal events
    /// (zero variance: its correlations are undefined, and it must stay constant there; see docs/attack.md),
    /// and that value (NaN otherwise).
    let nominallyConstant: [Bool]
    let constantValue: [Double]
    /// Per (population, feature) of a nominally constant feature: events whose current value differs from it.
    let offConstant: StateBuffer<Int>

    init(nominal: FeatureMatrixView, weights: [Double], populations: [[Bool]], bins: Int,
         relativeSystematic: [Double], lower: [Double], upper: [Double]) {
        n = nominal.rows; d = nominal.columns; populationCount = populations.count; self.bins = bins
        self.weights = weights
        self.relativeSystematic = relativeSystematic
        grids = (0..<d).map { BinGrid(lower: lower[$0], upper: upper[$0], count: bins) }
        var start = [Int](repeating: 0, count: n + 1), list = [Int]()
        for i in 0..<n {
            for p in 0..<populations.count where populations[p][i] { list.append(p) }
            start[i + 1] = list.count
        }
        popStart = start; popList = list
        var tw = [Double](repeating: 0, count: populations.count)
        var sh = [Double](repeating: 0, count: populations.count * d)
        for i in 0..<n {
            for q in start[i]..<start[i + 1] {
                let p = list[q]; tw[p] += weights[i]
                for j in 0..<d { sh[p * d + j] += weights[i] * nominal[i, j] }
            }
        }
        for p in 0..<populations.count where tw[p] != 0 { for j in 0..<d { sh[p * d + j] /= tw[p] } }
        // Features constant on a population's nominal events (exact comparison of the values).
        var lo = [Double](repeating: .infinity, count: populations.count * d), hi = lo.map { -$0 }
        for i in 0..<n {
            for q in start[i]..<start[i + 1] {
                let p = list[q]
                for j in 0..<d { let v = nominal[i, j]; lo[p * d + j] = min(lo[p * d + j], v); hi[p * d + j] = max(hi[p * d + j], v) }
            }
        }
        var constant = [Bool](repeating: false, count: populations.count * d)
        var cvalue = [Double](repeating: .nan, count: populations.count * d)
        for k in constant.indices where lo[k] == hi[k] {
            constant[k] = true; cvalue[k] = lo[k]
            sh[k] = lo[k]   // exact shift: every co-moment of the feature is exactly 0 while it stays constant
        }
        nominallyConstant = constant; constantValue = cvalue
        offConstant = StateBuffer(repeating: 0, count: populations.count * d)
        totalWeight = tw; shift = sh
        let hsz = populations.count * d * bins, fsz = populations.count * d, msz = populations.count * d * d
        func zeros(_ k: Int) -> StateBuffer<Double> { StateBuffer(repeating: 0, count: k) }
        refContent = zeros(hsz); refSumW2 = zeros(hsz); refCount = StateBuffer(repeating: 0, count: hsz)
        content = zeros(hsz); sumW2 = zeros(hsz); count = StateBuffer(repeating: 0, count: hsz)
        jsdTerm = zeros(hsz); chi2Term = zeros(hsz)
        jsdSum = zeros(fsz); chi2Sum = zeros(fsz); chi2Used = StateBuffer(repeating: 0, count: fsz)
        binOf = StateBuffer(repeating: 0, count: n * d)
        sum = zeros(fsz); mean = zeros(fsz); variance = zeros(fsz); invSd = zeros(fsz)
        sumProd = zeros(msz); cov = zeros(msz); corr = zeros(msz); refCorr = zeros(msz)
        refNorm = zeros(populations.count); corrDiff2 = zeros(populations.count)
        rebuild(nominal)
        refContent.assign(content); refSumW2.assign(sumW2); refCount.assign(count); refCorr.assign(corr)
        for p in 0..<populationCount {
            var s = 0.0
            for k in 0..<(d * d) { s += corr[p * d * d + k] * corr[p * d * d + k] }
            refNorm[p] = s.squareRoot()
        }
        rebuild(nominal)
    }

    /// Replaces the nominal histograms of every population by float32-binned ones (reference quirk mode).
    func setReferenceHistograms(_ h: [Double]) { refContent.assign(h); rebuild(nil) }

    /// Recomputes every histogram, term and moment from `values` (nil: keep histograms, recompute terms only).
    func rebuild(_ values: FeatureMatrixView?) {
        if let x = values {
            content.fill(0); sumW2.fill(0); count.fill(0)
            sum.fill(0); sumProd.fill(0); offConstant.fill(0)
            var a = [Double](repeating: 0, count: d)
            for i in 0..<n {
                let w = weights[i]
                for j in 0..<d { binOf[i * d + j] = Int32(grids[j].bin(x[i, j])) }
                for q in popStart[i]..<popStart[i + 1] {
                    let p = popList[q]
                    for j in 0..<d {
                        a[j] = x[i, j] - shift[p * d + j]
                        let h = (p * d + j) * bins + Int(binOf[i * d + j])
                        content[h] += w; sumW2[h] += w * w; count[h] += 1
                        sum[p * d + j] += w * a[j]
                        if nominallyConstant[p * d + j] && x[i, j] != constantValue[p * d + j] { offConstant[p * d + j] += 1 }
                    }
                    let base = p * d * d
                    for j in 0..<d {
                        let wa = w * a[j]
                        for k in j..<d { sumProd[base + j * d + k] += wa * a[k] }
                    }
                }
            }
            for p in 0..<populationCount {
                for j in 0..<d { for k in 0..<j { sumProd[p * d * d + j * d + k] = sumProd[p * d * d + k * d + j] } }
            }
        }
        for p in 0..<populationCount {
            for j in 0..<d { refreshHistogram(p, j) }
            refreshCorrelation(p)
        }
    }

    /// Recomputes the JSD and chi2 terms and sums of one histogram.
    func refreshHistogram(_ p: Int, _ j: Int) {
        let W = totalWeight[p], base = (p * d + j) * bins
        var js = 0.0, cs = 0.0, used = 0
        for b in 0..<bins {
            let t = JensenShannon.term(W != 0 ? content[base + b] / W : 0, W != 0 ? refContent[base + b] / W : 0)
            jsdTerm[base + b] = t; js += t
            let (c, u) = chi2BinTerm(p, j, b, content[base + b], sumW2[base + b])
            chi2Term[base + b] = c; cs += c; used += u
        }
        jsdSum[p * d + j] = js; chi2Sum[p * d + j] = cs; chi2Used[p * d + j] = used
    }

    /// One bin's chi2 term for perturbed content h, sum of squared weights s2, and whether the bin is used.
    @inline(__always)
    func chi2BinTerm(_ p: Int, _ j: Int, _ b: Int, _ h: Double, _ s2: Double) -> (Double, Int) {
        let k = (p * d + j) * bins + b
        let r = refContent[k], syst = relativeSystematic[j] * r
        let variance = s2 + refSumW2[k] + syst * syst
        if variance <= 0 { return (0, 0) }
        let delta = h - r
        return (delta * delta / variance, 1)
    }

    /// Whether bin b of (p, j) counts in the chi2 degrees of freedom (non-zero variance).
    @inline(__always)
    func binUsed(_ p: Int, _ j: Int, _ b: Int) -> Bool {
        let k = (p * d + j) * bins + b
        let syst = relativeSystematic[j] * refContent[k]
        return sumW2[k] + refSumW2[k] + syst * syst > 0
    }

    /// Recomputes the JSD and chi2 terms of two bins, then the sums (adds only; no logarithms elsewhere).
    func refreshBins(_ p: Int, _ j: Int, _ b1: Int, _ b2: Int) {
        let W = totalWeight[p], base = (p * d + j) * bins
        refreshBin(p, j, b1, W: W, base: base)
        if b2 != b1 { refreshBin(p, j, b2, W: W, base: base) }
        let jt = jsdTerm, ct = chi2Term, s2 = sumW2, r2 = refSumW2, rc = refContent
        let rel = relativeSystematic[j]
        var js = 0.0, cs = 0.0, used = 0
        for b in 0..<bins {
            let k = base + b
            js += jt[k]; cs += ct[k]
            let syst = rel * rc[k]
            if s2[k] + r2[k] + syst * syst > 0 { used += 1 }   // binUsed(p, j, b)
        }
        jsdSum[p * d + j] = js; chi2Sum[p * d + j] = cs; chi2Used[p * d + j] = used
    }

    @inline(__always)
    private func refreshBin(_ p: Int, _ j: Int, _ b: Int, W: Double, base: Int) {
        jsdTerm[base + b] = JensenShannon.term(W != 0 ? content[base + b] / W : 0, W != 0 ? refContent[base + b] / W : 0)
        chi2Term[base + b] = chi2BinTerm(p, j, b, content[base + b], sumW2[base + b]).0
    }

    /// Recomputes means, covariances, correlations and the squared correlation distance of population p.
    func refreshCorrelation(_ p: Int) {
        let W = totalWeight[p], mb = p * d * d, fb = p * d
        for j in 0..<d { mean[fb + j] = W != 0 ? sum[fb + j] / W : 0 }
        for j in 0..<d {
            for k in 0..<d {
                cov[mb + j * d + k] = W != 0 ? sumProd[mb + j * d + k] / W - mean[fb + j] * mean[fb + k] : 0
            }
            let v = keepsConstant(p, j) ? 0 : cov[mb + j * d + j]
            variance[fb + j] = v
            invSd[fb + j] = v > 0 ? 1 / v.squareRoot() : 0
        }
        var dist = 0.0
        for j in 0..<d {
            for k in 0..<d {
                let r = j == k ? (variance[fb + j] > 0 ? 1 : 0) : cov[mb + j * d + k] * invSd[fb + j] * invSd[fb + k]
                corr[mb + j * d + k] = r
                let e = r - refCorr[mb + j * d + k]
                dist += e * e
            }
        }
        corrDiff2[p] = dist
    }

    /// Moves event i's feature j from its current value `old` to `new`; `row` holds the event's current values.
    func apply(event i: Int, feature j: Int, old: Double, new: Double, row: UnsafeBufferPointer<Double>) {
        let w = weights[i], delta = new - old
        let oldBin = Int(binOf[i * d + j]), newBin = grids[j].bin(new)
        binOf[i * d + j] = Int32(newBin)
        for q in popStart[i]..<popStart[i + 1] {
            let p = popList[q]
            if oldBin != newBin {
                let base = (p * d + j) * bins
                content[base + oldBin] -= w; sumW2[base + oldBin] -= w * w; count[base + oldBin] -= 1
                if count[base + oldBin] == 0 { content[base + oldBin] = 0; sumW2[base + oldBin] = 0 }
                content[base + newBin] += w; sumW2[base + newBin] += w * w; count[base + newBin] += 1
                refreshBins(p, j, oldBin, newBin)
            }
            // Moments: S_j, S_jj, S_jk.
            let fb = p * d, mb = p * d * d
            if nominallyConstant[fb + j] {
                let c = constantValue[fb + j]
                offConstant[fb + j] += (new != c ? 1 : 0) - (old != c ? 1 : 0)
            }
            let aOld = old - shift[fb + j], aNew = new - shift[fb + j]
            sum[fb + j] += w * delta
            let shift = self.shift, d = self.d
            let sp = sumProd
            sp[mb + j * d + j] += w * (aNew * aNew - aOld * aOld)
            for k in 0..<d where k != j {
                let v = sp[mb + j * d + k] + w * delta * (row[k] - shift[fb + k])
                sp[mb + j * d + k] = v; sp[mb + k * d + j] = v
            }
            let W = totalWeight[p]
            guard W != 0 else { continue }
            let m = sum[fb + j] / W
            mean[fb + j] = m
            let cv = cov
            for k in 0..<d {
                let c = sp[mb + j * d + k] / W - m * mean[fb + k]
                cv[mb + j * d + k] = c; cv[mb + k * d + j] = c
            }
            let v = keepsConstant(p, j) ? 0 : cov[mb + j * d + j]
            variance[fb + j] = v
            let s = v > 0 ? 1 / v.squareRoot() : 0
            invSd[fb + j] = s
            let cr = corr
            var change = 0.0
            for k in 0..<d where k != j {
                let rOld = cr[mb + j * d + k], r0 = refCorr[mb + j * d + k]
                let rNew = cv[mb + j * d + k] * s * invSd[fb + k]
                cr[mb + j * d + k] = rNew; cr[mb + k * d + j] = rNew
                change += (rNew - r0) * (rNew - r0) - (rOld - r0) * (rOld - r0)
            }
            let rjj: Double = v > 0 ? 1 : 0
            let e0 = corr[mb + j * d + j] - refCorr[mb + j * d + j], e1 = rjj - refCorr[mb + j * d + j]
            corr[mb + j * d + j] = rjj
            corrDiff2[p] = max(0, corrDiff2[p] + 2 * change + e1 * e1 - e0 * e0)
        }
    }

    /// Whether feature j is nominally constant in population p and still takes that one value on all its events
    /// (its variance is then exactly 0, whatever rounding residue the co-moment sums hold).
    @inline(__always)
    func keepsConstant(_ p: Int, _ j: Int) -> Bool { nominallyConstant[p * d + j] && offConstant[p * d + j] == 0 }

    /// The value feature j of event i is pinned to because the feature is nominally constant in one of the
    /// event's populations (nil: not pinned).
    func pinnedValue(event i: Int, feature j: Int) -> Double? {
        for q in popStart[i]..<popStart[i + 1] where nominallyConstant[popList[q] * d + j] {
            return constantValue[popList[q] * d + j]
        }
        return nil
    }

    /// JS distance of feature j in population p.
    func jsd(_ p: Int, _ j: Int) -> Double { max(jsdSum[p * d + j], 0).squareRoot() }

    /// ||corr − corr_nominal||_F / ||corr_nominal||_F of population p.
    func relativeCorrelationChange(_ p: Int) -> Double {
        refNorm[p] > 0 ? max(corrDiff2[p], 0).squareRoot() / refNorm[p] : 0
    }

    /// chi2 test result of feature j in population p (perturbed vs nominal).
    func chi2(_ p: Int, _ j: Int) -> Chi2Result {
        let ndf = max(chi2Used[p * d + j] - 1, 0), c = chi2Sum[p * d + j]
        return Chi2Result(chi2: c, ndf: ndf, pValue: SpecialFunctions.chi2Survival(c, ndf: ndf))
    }
}

/// Read-only row-major view used to build the state from a FeatureMatrix or a raw buffer.
struct FeatureMatrixView {
    let rows: Int, columns: Int
    let values: [Double]
    init(_ m: FeatureMatrix) { rows = m.rows; columns = m.columns; values = m.values }
    init(rows: Int, columns: Int, values: [Double]) { self.rows = rows; self.columns = columns; self.values = values }
    @inline(__always) subscript(i: Int, j: Int) -> Double { values[i * columns + j] }
}
