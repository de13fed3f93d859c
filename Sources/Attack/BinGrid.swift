/// Fixed equal-width bins of one feature on [lower, upper], edges as numpy.linspace computes them.
/// A value's bin agrees with numpy.histogram: bins are [e_b, e_{b+1}), the last one also holds `upper`.
/// Values outside [lower, upper] are clamped into the first/last bin (the attack never produces them).
public struct BinGrid: Sendable, Equatable, Codable {
    public let lower: Double
    public let upper: Double
    public let count: Int
    public let edges: [Double]
    /// 1 / width (0 for a constant feature).
    public let inverseWidth: Double

    public init(lower: Double, upper: Double, count: Int) {
        self.lower = lower
        self.upper = upper
        let c = max(count, 1)
        self.count = c
        let width = (upper - lower) / Double(c)
        edges = (0...c).map { $0 == c ? upper : lower + Double($0) * width }
        inverseWidth = width > 0 ? 1 / width : 0
    }

    /// Width of a bin (0 for a constant feature).
    public var width: Double { (upper - lower) / Double(count) }

    /// The bin of `x` (clamped to 0..<count; NaN in bin 0). Written with selects, not branches: the search
    /// bins every admissible candidate, and a branchy version was a tenth of its time.
    @inlinable
    public func bin(_ x: Double) -> Int {
        let g = (x - lower) * inverseWidth
        let nonNegative = g >= 0 ? g : 0                       // NaN too
        let clamped = nonNegative < Double(count) ? nonNegative : Double(count - 1)
        let b0 = Int(clamped)
        // Agree exactly with the edges (rounding of the multiplication can be off by one at an edge).
        // b0 + 1 ≤ count: edges[b0 + 1] exists (count + 1 edges).
        let up = (b0 + 1 < count ? 1 : 0) & (x >= edges[b0 + 1] ? 1 : 0)
        let b1 = b0 + up
        let down = (b1 > 0 ? 1 : 0) & (x < edges[b1] ? 1 : 0)
        return b1 - down
    }

}
