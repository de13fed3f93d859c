import Foundation
import XCTest
@testable import Attack

/// The speed measurement. Small and always on (checks that it runs and reports); the full `make bench`
/// numbers with CONSERVATTACK_BENCH=1 (use a release build: swift test -c release --filter BenchmarkTests).
final class BenchmarkTests: XCTestCase {
    func testBenchmarkMeasuresAndReports() throws {
        let m = try AttackBenchmark.measure(events: 500, features: 4, iterations: 2, threads: 2)
        XCTAssertEqual(m.events, 500)
        XCTAssertGreaterThan(m.millisecondsPerEventIteration, 0)
        XCTAssertGreaterThan(m.foolingRatio, 0)
        XCTAssertGreaterThan(m.peakResidentBytes, 0)
    }

    func testFullBenchmarkReport() throws {
        guard ProcessInfo.processInfo.environment["CONSERVATTACK_BENCH"] == "1" else {
            throw XCTSkip("set CONSERVATTACK_BENCH=1 (and use -c release) for the full benchmark")
        }
        let report = try AttackBenchmark.run()
        print(report)
        XCTAssertTrue(report.contains("estimate"))
    }
}

/// One real iteration at full size (1,000,000 events × 20 features), for time and peak memory:
/// CONSERVATTACK_BENCH_1M=1 with a release build.
final class MillionEventBenchmarkTests: XCTestCase {
    func testMillionEventsTwentyFeatures() throws {
        guard ProcessInfo.processInfo.environment["CONSERVATTACK_BENCH_1M"] == "1" else {
            throw XCTSkip("set CONSERVATTACK_BENCH_1M=1 (release build) for the 1,000,000-event run")
        }
        let iterations = Int(ProcessInfo.processInfo.environment["CONSERVATTACK_BENCH_ITERATIONS"] ?? "1") ?? 1
        let m = try AttackBenchmark.measure(events: 1_000_000, features: 20, iterations: iterations, threads: 2)
        print(String(format: "1M x 20, %d iteration(s): %.1f s total, %.4f ms per event (first iteration), fooling %.3f, peak RSS %.0f MiB",
                     iterations, m.seconds, m.millisecondsPerEventIteration, m.foolingRatio, Double(m.peakResidentBytes) / 1_048_576))
        XCTAssertLessThan(m.peakResidentBytes, 4 << 30)
    }
}
