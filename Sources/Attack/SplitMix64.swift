/// SplitMix64 (Steele, Lea, Flood 2014): a tiny, seedable, platform-independent generator.
/// Every random choice of the attack comes from one of these, seeded from (seed, iteration, event),
/// so results do not depend on thread count and a resumed run draws the same numbers.
public struct SplitMix64: RandomNumberGenerator, Sendable, Codable, Equatable {
    public var state: UInt64

    public init(seed: UInt64) { state = seed }

    /// A generator for one (seed, stream, substream) triple, decorrelated by mixing.
    public init(seed: UInt64, stream: UInt64, substream: UInt64) {
        var s = SplitMix64(seed: seed ^ 0x9E37_79B9_7F4A_7C15)
        let a = s.next() ^ (stream &* 0xBF58_476D_1CE4_E5B9)
        var t = SplitMix64(seed: a)
        let b = t.next() ^ (substream &* 0x94D0_49BB_1331_11EB)
        state = SplitMix64.mix(b)
    }

    @inlinable
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return SplitMix64.mix(state)
    }

    @inlinable
    static func mix(_ x: UInt64) -> UInt64 {
        var z = x
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1) with 53 random bits.
    @inlinable
    public mutating func nextUnit() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// Uniform between `a` and `b` (either order), like numpy's uniform(a, b).
    @inlinable
    public mutating func uniform(_ a: Double, _ b: Double) -> Double { a + (b - a) * nextUnit() }
}
