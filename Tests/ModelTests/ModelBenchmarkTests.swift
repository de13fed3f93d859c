import Columnar
import Foundation
import XCTest
@testable import Model

/// Forward-pass and gradient speed of a 30 → 256 → 128 → 1 MLP on 1,000,000 events.
/// Runs only with CONSERVATTACK_BENCH=1 (use a release build:
/// `CONSERVATTACK_BENCH=1 swift test -c release --filter ModelBenchmarkTests`); compare with
/// fixtures/model/bench_onnxruntime.py.
final class ModelBenchmarkTests: XCTestCase {
    func testForwardSpeed30x256x128x1() throws {
        guard ProcessInfo.processInfo.environment["CONSERVATTACK_BENCH"] == "1" else {
            throw XCTSkip("benchmark: set CONSERVATTACK_BENCH=1 (release build) to run")
        }
        var rng = SeededGenerator(seed: 1)
        var c = TrainingConfiguration()
        c.hiddenLayers = [256, 128]
        var net = try Trainer.initialNetwork(inputCount: 30, configuration: c, rng: &rng)
        let n = Int(ProcessInfo.processInfo.environment["CONSERVATTACK_BENCH_ROWS"] ?? "") ?? 1_000_000
        let x = FeatureMatrix(rows: n, columns: 30, values: (0..<(n * 30)).map { _ in rng.unit() * 2 - 1 })
        var reference: [Double]? = nil
        for threads in [1, 2] {
            net.threadCount = threads
            var best = Double.infinity
            var s: [Double] = []
            for _ in 0..<3 {
                let t0 = Date()
                s = net.scores(x)
                best = min(best, Date().timeIntervalSince(t0))
            }
            if let r = reference { XCTAssertEqual(r, s, "identical for any thread count") } else { reference = s }
            print(String(format: "BENCH forward 30-256-128-1, %d events, %d thread(s): %.3f s (%.1f M events/s)", n, threads, best, Double(n) / best / 1e6))
        }
        let labels = (0..<n).map { Double($0 % 2) }
        for threads in [1, 2] {
            net.threadCount = threads
            let t0 = Date()
            _ = net.lossGradient(x, labels: labels)
            print(String(format: "BENCH input gradient 30-256-128-1, %d events, %d thread(s): %.3f s", n, threads, Date().timeIntervalSince(t0)))
        }
    }
}
