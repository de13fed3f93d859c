import Columnar
import Foundation

/// The embedded default dataset: semileptonic top-pair signal against W+jets background, one lepton,
/// missing transverse energy, up to four jets with b-tag scores, and the usual derived observables.
/// A fast parametric toy (not a detector simulation) whose shapes and correlations look like the real
/// thing: heavier, more central, b-rich, jet-rich ttbar; softer W+jets with a Jacobian peak in mT.
/// Fully determined by the seed.
enum DemoDataset {
    /// Feature branches, in the order the classifier uses them.
    static let features = ["lep_pt", "lep_eta", "lep_phi", "met", "nJet", "jet1_pt", "jet2_pt", "jet3_pt", "jet4_pt",
                           "btag1", "btag2", "ht", "mt_w", "dr_lep_jet1", "m_jjj"]

    /// Control and signal regions, in TTree::Draw syntax.
    static let regions: [(name: String, cut: String, signal: Bool)] = [
        ("CR_wjets", "nJet <= 3 && btag1 < 0.6", false),
        ("CR_ttbar_lowb", "nJet >= 4 && btag1 < 0.6", false),
        ("SR", "nJet >= 4 && btag1 >= 0.6 && btag2 >= 0.4", true),
    ]

    /// Generates `count` events of one process; branches: the features plus genWeight, puWeight, event.
    static func generate(signal: Bool, count: Int, seed: UInt64) -> EventTable {
        var rng = DemoRandom(seed: seed &+ (signal ? 0x5151 : 0xB0B0))
        var cols = [String: [Double]]()
        for f in features + ["genWeight", "puWeight"] { cols[f] = [Double](repeating: 0, count: count) }
        for i in 0..<count {
            let lepPt = 25 + rng.exponential(mean: signal ? 45 : 32)
            let lepEta = max(-2.4, min(2.4, rng.normal() * (signal ? 1.0 : 1.3)))
            let lepPhi = rng.uniform(-Double.pi, Double.pi)
            let met = rng.gamma(shape: signal ? 2.6 : 2.0, scale: signal ? 27 : 22)
            let metPhi = lepPhi + Double.pi + rng.normal() * (signal ? 1.2 : 0.8)
            let nJet = signal ? min(8, 3 + rng.poisson(1.4)) : min(8, 1 + rng.poisson(1.0))
            var jets = (0..<nJet).map { k in 30 + rng.exponential(mean: (signal ? 95 : 60) / Double(k + 1)) }
            jets.sort(by: >)
            let pt = (0..<4).map { $0 < jets.count ? jets[$0] : 0 }
            let nB = signal ? (rng.uniform(0, 1) < 0.85 ? 2 : 1) : (rng.uniform(0, 1) < 0.12 ? 1 : 0)
            var tags = (0..<max(2, nJet)).map { k -> Double in
                k < nB ? rng.beta(a: 6, b: 1.5) : rng.beta(a: 1.2, b: 6)
            }
            tags.sort(by: >)
            let ht = jets.reduce(0, +)
            let dphi = remainder(lepPhi - metPhi, 2 * Double.pi)
            let mt = (2 * lepPt * met * (1 - cos(dphi))).squareRoot()
            let jetEta = rng.normal() * (signal ? 1.1 : 1.5)
            let jetPhi = lepPhi + rng.normal() * (signal ? 2.0 : 2.4)
            let dr = ((lepEta - jetEta) * (lepEta - jetEta) + pow(remainder(lepPhi - jetPhi, 2 * Double.pi), 2)).squareRoot()
            let mjjj = nJet >= 3 ? (signal && rng.uniform(0, 1) < 0.6 ? 172.5 + rng.normal() * 18
                                    : 90 + rng.gamma(shape: 2.5, scale: 45) * (ht / 250))
                                 : 0
            let row: [String: Double] = [
                "lep_pt": lepPt, "lep_eta": lepEta, "lep_phi": lepPhi, "met": met, "nJet": Double(nJet),
                "jet1_pt": pt[0], "jet2_pt": pt[1], "jet3_pt": pt[2], "jet4_pt": pt[3],
                "btag1": tags[0], "btag2": tags[1], "ht": ht, "mt_w": mt, "dr_lep_jet1": dr, "m_jjj": mjjj,
                "genWeight": signal ? 1 + rng.normal() * 0.05 : 2.5 * (1 + rng.normal() * 0.15),
                "puWeight": max(0.2, 1 + rng.normal() * 0.08),
            ]
            for (k, v) in row { cols[k]![i] = v }
        }
        var table = EventTable(rowCount: count)
        for f in features + ["genWeight", "puWeight"] {
            let v = cols[f]!
            // Store as an analysis ntuple would: floats, an int jet multiplicity.
            try? table.add(f, Column(f == "nJet" ? .int32(v.map { Int32($0) }) : .float32(v.map { Float($0) })))
        }
        try? table.add("event", Column(.uint64((0..<count).map { UInt64($0) + (signal ? 1_000_000_000 : 0) })))
        return table
    }
}

/// SplitMix64 with the few distributions the demo needs.
struct DemoRandom {
    var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    mutating func unit() -> Double { Double(next() >> 11) * 0x1p-53 }
    mutating func uniform(_ a: Double, _ b: Double) -> Double { a + (b - a) * unit() }
    mutating func normal() -> Double {
        let u = max(unit(), 1e-300), v = unit()
        return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
    }
    mutating func exponential(mean: Double) -> Double { -mean * log(max(1 - unit(), 1e-300)) }
    mutating func poisson(_ lambda: Double) -> Int {
        let l = exp(-lambda)
        var k = 0, p = 1.0
        repeat { k += 1; p *= unit() } while p > l && k < 100
        return k - 1
    }
    /// Marsaglia–Tsang.
    mutating func gamma(shape: Double, scale: Double) -> Double {
        if shape < 1 { return gamma(shape: shape + 1, scale: scale) * pow(unit(), 1 / shape) }
        let d = shape - 1.0 / 3, c = 1 / (9 * d).squareRoot()
        while true {
            var x: Double, v: Double
            repeat { x = normal(); v = 1 + c * x } while v <= 0
            v = v * v * v
            let u = unit()
            if u < 1 - 0.0331 * x * x * x * x || log(u) < 0.5 * x * x + d * (1 - v + log(v)) { return d * v * scale }
        }
    }
    mutating func beta(a: Double, b: Double) -> Double {
        let x = gamma(shape: a, scale: 1), y = gamma(shape: b, scale: 1)
        return x / (x + y)
    }
}
