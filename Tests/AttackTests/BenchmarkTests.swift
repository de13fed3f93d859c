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
