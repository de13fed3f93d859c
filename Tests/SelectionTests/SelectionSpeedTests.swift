import Columnar
import Foundation
import ROOTIO
import Selection
import XCTest

/// Throughput of the vectorised evaluator, and its cost relative to reading the branches it uses.
/// Opt-in (slow in debug): set CONSERVATTACK_SELECTION_BENCH=1, and CONSERVATTACK_SELECTION_BENCH_FILE to a
/// file made by fixtures/selection/make_bench_file.py for the comparison with reading. Meaningful in release:
///   CONSERVATTACK_SELECTION_BENCH=1 CONSERVATTACK_SELECTION_BENCH_FILE=/tmp/selection-bench.root \
///     swift test -c release --filter SelectionSpeedTests
/// fixtures/selection/bench.sh makes the same measurement building only the four targets involved.
final class SelectionSpeedTests: XCTestCase {
    static let cut = "Q1 * Q2 < 0 && pt1 > 20 && pt2 > 20 && abs(eta1) < 2.4 && abs(eta2) < 2.4 && M > 60"

    private func requireOptIn() throws {
        guard ProcessInfo.processInfo.environment["CONSERVATTACK_SELECTION_BENCH"] == "1" else {
            throw XCTSkip("speed measurement skipped: set CONSERVATTACK_SELECTION_BENCH=1 (use a release build)")
        }
    }

    private func seconds(_ body: () throws -> Void) rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    /// 2,000,000 synthetic events with the branches of the 6-term cut.
    private func syntheticTable(_ n: Int) throws -> EventTable {
        var state: UInt64 = 0x9E3779B97F4A7C15
        func next() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53)
        }
        func floats(_ scale: Double, _ shift: Double) -> NumericArray { .float32((0..<n).map { _ in Float(next() * scale + shift) }) }
        return try EventTable(rowCount: n, columns: [
            ("Q1", Column(.int32((0..<n).map { _ in next() < 0.5 ? -1 : 1 }))),
            ("Q2", Column(.int32((0..<n).map { _ in next() < 0.5 ? -1 : 1 }))),
            ("pt1", Column(floats(100, 0))), ("pt2", Column(floats(80, 0))),
            ("eta1", Column(floats(6, -3))), ("eta2", Column(floats(6, -3))),
            ("M", Column(floats(120, 30))),
        ])
    }

    func testEvaluatorThroughputOnTwoMillionEvents() throws {
        try requireOptIn()
        let n = 2_000_000
        let table = try syntheticTable(n)
        let cut = try CutExpression(parsing: Self.cut)
        var mask: [Bool] = []
        _ = try cut.evaluateMask(on: table)   // warm-up
        let best = try (0..<5).map { _ in try seconds { mask = try cut.evaluateMask(on: table) } }.min()!
        XCTAssertEqual(mask.count, n)
        // Independent scalar loop as a check of the result.
        let q1 = try table.doubles("Q1"), q2 = try table.doubles("Q2"), pt1 = try table.doubles("pt1"),
            pt2 = try table.doubles("pt2"), e1 = try table.doubles("eta1"), e2 = try table.doubles("eta2"),
            m = try table.doubles("M")
        let expected = (0..<n).map { i in
            q1[i] * q2[i] < 0 && pt1[i] > 20 && pt2[i] > 20 && abs(e1[i]) < 2.4 && abs(e2[i]) < 2.4 && m[i] > 60
        }
        XCTAssertEqual(mask, expected)
        print(String(format: "selection speed: 6-term cut on %d events: %.1f ms, %.1f M events/s",
                     n, best * 1e3, Double(n) / best / 1e6))
    }

    func testEvaluationCostsLessThanOneFifthOfReading() throws {
        try requireOptIn()
        guard let path = ProcessInfo.processInfo.environment["CONSERVATTACK_SELECTION_BENCH_FILE"],
              FileManager.default.fileExists(atPath: path) else {
            throw XCTSkip("set CONSERVATTACK_SELECTION_BENCH_FILE to a file made by fixtures/selection/make_bench_file.py")
        }
        let cut = try CutExpression(parsing: Self.cut)
        let branches = cut.freeVariables.sorted()
        var table = EventTable(rowCount: 0)
        let read = try (0..<3).map { _ in
            try seconds {
                let file = try ROOTFile(path: path)   // keep the file alive: TTree holds it unowned
                table = try withExtendedLifetime(file) { try file.tree("events").arrays(branches) }
            }
        }.min()!
        var mask: [Bool] = []
        let evaluate = try (0..<5).map { _ in try seconds { mask = try cut.evaluateMask(on: table) } }.min()!
        XCTAssertEqual(mask.count, table.rowCount)
        print(String(format: "selection speed: read %d branches x %d events: %.1f ms; evaluate: %.1f ms (%.1f%% of reading)",
                     branches.count, table.rowCount, read * 1e3, evaluate * 1e3, 100 * evaluate / read))
        XCTAssertLessThan(evaluate, 0.2 * read)
    }
}
