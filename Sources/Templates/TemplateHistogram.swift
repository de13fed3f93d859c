import Validation

/// One weighted template: Σw and Σw² per bin with under- and overflow (ROOT's bin numbering: 0 underflow,
/// 1...n regular, n+1 overflow), and ROOT's fill statistics (fEntries, fTsumw, fTsumw2, fTsumwx, fTsumwx2,
/// the last four over the fills inside the axis range).
public struct TemplateHistogram: Sendable, Equatable, Codable {
    /// Regular bin edges (n + 1 values).
    public let edges: [Double]
    /// Σw per bin, n + 2 values (underflow first, overflow last).
    public var sumw: [Double]
    /// Σw² per bin, n + 2 values.
    public var sumw2: [Double]
    /// Number of fills.
    public var entries: Double = 0
    public var tsumw = 0.0, tsumw2 = 0.0, tsumwx = 0.0, tsumwx2 = 0.0

    enum CodingKeys: String, CodingKey { case edges, sumw, sumw2, entries, tsumw, tsumw2, tsumwx, tsumwx2 }

    /// An empty histogram on `edges`.
    public init(edges: [Double]) {
        self.edges = edges
        sumw = Array(repeating: 0, count: edges.count + 1)
        sumw2 = sumw
    }

    /// Number of regular bins.
    public var binCount: Int { edges.count - 1 }

    /// Σw over every bin, under- and overflow included: the weighted yield of the events filled.
    public var integral: Double { sumw.reduce(0, +) }

    /// Σw in the under- and overflow bins.
    public var flowSum: Double { sumw[0] + sumw[sumw.count - 1] }

    /// Adds one event of weight `w` and observable `x` to bin `bin` (from `Binning.index(of:)`).
    mutating func fill(bin: Int, x: Double, weight w: Double) {
        sumw[bin] += w
        sumw2[bin] += w * w
        entries += 1
        if bin >= 1 && bin <= binCount {
            tsumw += w; tsumw2 += w * w; tsumwx += w * x; tsumwx2 += w * x * x
        }
    }

    /// The mirror image of `self` about `nominal` (2·nominal − self, per bin, floored at 0): the "down" variation
    /// of a one-sided systematic. Σw² and the fill count are those of `self` (the same events, shifted the other
    /// way); the in-range sums are recomputed from the bin centres.
    public func mirrored(about nominal: TemplateHistogram) -> TemplateHistogram {
        var out = TemplateHistogram(edges: edges)
        out.sumw = zip(nominal.sumw, sumw).map { max(0, 2 * $0 - $1) }
        out.sumw2 = sumw2
        out.entries = entries
        for i in 1...binCount {
            let x = (edges[i - 1] + edges[i]) / 2, w = out.sumw[i]
            out.tsumw += w; out.tsumw2 += out.sumw2[i]; out.tsumwx += w * x; out.tsumwx2 += w * x * x
        }
        return out
    }

    /// The regular bins with the underflow added to the first and the overflow to the last (a likelihood fit
    /// has no flow bins; pyhf's workspace gets these so no event is lost).
    public var folded: (sumw: [Double], sumw2: [Double]) {
        var w = Array(sumw[1...binCount]), w2 = Array(sumw2[1...binCount])
        w[0] += sumw[0]; w2[0] += sumw2[0]
        w[binCount - 1] += sumw[binCount + 1]; w2[binCount - 1] += sumw2[binCount + 1]
        return (w, w2)
    }
}
