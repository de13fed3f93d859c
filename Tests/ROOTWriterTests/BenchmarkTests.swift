import Columnar
import Foundation
import ROOTWriter
import XCTest

/// The benchmark table is what it claims; the full benchmark runs only when CONSERVATTACK_BENCH is set
/// (use a release build: `swift test -c release -Xswiftc -enable-testing --filter BenchmarkTests`).
final class BenchmarkTests: XCTestCase {
    func testBenchmarkTableShape() throws {
        let t = try ROOTWriterBenchmark.table(entries: 1000)
        XCTAssertEqual(t.columnCount, 24)
        XCTAssertEqual(t.names.filter { t[$0]!.dtype == .float32 }.count, 16)
        XCTAssertEqual(t.names.filter { t[$0]!.dtype == .float64 }.count, 4)
        XCTAssertEqual(t.names.filter { t[$0]!.dtype == .int32 }.count, 3)
        XCTAssertEqual(t.names.filter { t[$0]!.dtype == .bool }.count, 1)
        XCTAssertEqual(try ROOTWriterBenchmark.table(entries: 1000), t)      // deterministic
        let pt = try t.doubles("f0")
        XCTAssertGreaterThanOrEqual(pt.min()!, 20)
    }

    func testBenchmarkRun() throws {
        guard let n = ProcessInfo.processInfo.environment["CONSERVATTACK_BENCH"].flatMap(Int.init) else {
            throw XCTSkip("set CONSERVATTACK_BENCH=<entries> to run the write benchmark")
        }
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("fixtures/rootwriter/bench_uproot_write.py").path
        let report = try ROOTWriterBenchmark.run(entries: n, directory: try TestSupport.scratch("bench"),
                                                 python: ProcessInfo.processInfo.environment["CONSERVATTACK_PYTHON"], script: script)
        print(report)
        XCTAssertTrue(report.contains("2 thread(s)"))
    }
}
