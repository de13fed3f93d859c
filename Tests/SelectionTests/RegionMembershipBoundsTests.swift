import Columnar
@testable import Selection
import XCTest

/// Per-event intervals that keep region membership: endpoints keep it, one step past a finite endpoint loses it.
final class RegionMembershipBoundsTests: XCTestCase {
    private func table(_ n: Int) throws -> EventTable {
        var state: UInt64 = 7
        func next() -> Double { state = state &* 6364136223846793005 &+ 1442695040888963407; return Double(state >> 11) / Double(1 << 53) }
        let btag = (0..<n).map { _ in Float(next()) }
        let eta = (0..<n).map { _ in Float(6 * next() - 3) }
        let nJet = (0..<n).map { _ in Int32(1 + Int(next() * 5)) }
        return try EventTable(rowCount: n, columns: [("btag1", Column(.float32(btag))), ("eta", Column(.float32(eta))),
                                                     ("nJet", Column(.int32(nJet)))])
    }

    private func membership(_ regions: RegionSet, _ t: EventTable) throws -> [[Bool]] {
        try regions.regions.map { try $0.cut.evaluateMask(on: t) }
    }

    private func with(_ t: EventTable, _ name: String, _ values: [Float]) throws -> EventTable {
        var out = t
        try out.add(name, Column(.float32(values)))
        return out
    }

    func testIntervalsKeepMembershipAndEndAtTheCuts() throws {
        let t = try table(2000)
        let regions = try RegionSet([
            Region(name: "lowb", cut: "nJet >= 4 && btag1 < 0.6"),
            Region(name: "central", cut: "abs(eta) < 2.1 && btag1 >= 0.2 + 0.05 * nJet"),
        ])
        let guardRegions = RegionMembershipBounds(regions: regions)
        XCTAssertTrue(guardRegions.reads("btag1"))
        XCTAssertFalse(guardRegions.reads("met"))
        let nominal = try membership(regions, t)
        for (variable, lo, hi) in [("btag1", 0.0, 1.0), ("eta", -3.0, 3.0)] {
            let x = try t.doubles(variable)
            let probes = (0...40).map { lo + (hi - lo) * Double($0) / 40 }
            let (lower, upper) = try guardRegions.intervals(of: variable, in: t, probes: probes)
            // Every endpoint is a float32 value around the nominal one, and keeps the membership of every region.
            for i in x.indices {
                XCTAssertLessThanOrEqual(lower[i], x[i]); XCTAssertGreaterThanOrEqual(upper[i], x[i])
                XCTAssertEqual(Double(Float(lower[i])), lower[i]); XCTAssertEqual(Double(Float(upper[i])), upper[i])
            }
            for ends in [lower, upper] {
                XCTAssertEqual(try membership(regions, with(t, variable, ends.map { Float($0) })), nominal, variable)
            }
            // One float32 step past a bound that stops short of the probed range changes some membership:
            // the intervals are as wide as the cuts allow, not merely safe.
            var cutShort = 0
            for i in x.indices where upper[i] < hi {
                var moved = x.map { Float($0) }
                moved[i] = Float(upper[i]).nextUp
                let m = try membership(regions, with(t, variable, moved))
                XCTAssertTrue(m.indices.contains { m[$0][i] != nominal[$0][i] }, "\(variable) event \(i): upper \(upper[i]) is not at a cut")
                cutShort += 1
                if cutShort >= 50 { break }
            }
            XCTAssertGreaterThan(cutShort, 10, "some \(variable) intervals end at a cut")
        }
        // btag1 of an event with nJet >= 4 below 0.6 stops at the largest float32 below 0.6.
        let b = try t.doubles("btag1"), nJet = try t.doubles("nJet"), eta = try t.doubles("eta")
        let (_, upper) = try guardRegions.intervals(of: "btag1", in: t, probes: (0...40).map { Double($0) / 40 })
        let i = try XCTUnwrap(b.indices.first { nJet[$0] >= 4 && b[$0] < 0.5 && abs(eta[$0]) >= 2.1 })
        XCTAssertEqual(upper[i], Double(Float(0.6).nextDown))
    }

    func testVariableNoCutReadsIsUnboundedWithinTheProbes() throws {
        let t = try table(100)
        let regions = try RegionSet([Region(name: "lowb", cut: "btag1 < 0.6")])
        let (lower, upper) = try RegionMembershipBounds(regions: regions).intervals(of: "eta", in: t, probes: [-3, 0, 3])
        XCTAssertEqual(lower, Array(repeating: -3, count: 100))
        XCTAssertEqual(upper, Array(repeating: 3, count: 100))
    }
}
