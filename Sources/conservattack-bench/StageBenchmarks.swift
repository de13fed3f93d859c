import Attack
import Columnar
import Foundation
import Model
import ROOTWriter

/// Rows of `make bench` for the stages after the reader: ROOT writer vs uproot, attack vs the reference's
/// published per-event cost, model forward pass vs onnxruntime (all measured in this run).
enum StageBenchmarks {
    /// `runs`: writes per configuration (medians); `threads`: the thread counts timed (default 1 and 2).
    static func writer(python: String?, runs: Int, threads: [Int]) throws {
        print(try ROOTWriterBenchmark.run(entries: 2_000_000, python: python, script: "fixtures/rootwriter/bench_uproot_write.py",
                                          runs: runs, threadCounts: threads))
        print(try RNTupleWriterBenchmark.run(entries: 2_000_000, python: python,
                                             script: "fixtures/rntuple-writer/bench_uproot_rntuple_write.py",
                                             runs: runs, threadCounts: threads))
    }

    static func attack() throws {
        print(try AttackBenchmark.run())
    }

    /// 30 → 256 → 128 → 1 forward pass on 1,000,000 events, 1 and 2 threads, best of 3; onnxruntime in the same run.
    static func model(python: String?) throws {
        var cfg = TrainingConfiguration()
        cfg.hiddenLayers = [256, 128]
        var rng = SeededGenerator(seed: 7)
        var net = try Trainer.initialNetwork(inputCount: 30, configuration: cfg, rng: &rng)
        var gen = SeededGenerator(seed: 11)
        let n = 1_000_000
        let x = FeatureMatrix(rows: n, columns: 30, values: (0..<(n * 30)).map { _ in Double.random(in: -2...2, using: &gen) })
        for threads in [1, 2] {
            net.threadCount = threads
            var best = Double.infinity
            for _ in 0..<3 {
                let t0 = Date()
                _ = net.scores(x)
                best = min(best, Date().timeIntervalSince(t0))
            }
            print(String(format: "ours forward 30-256-128-1, %d events, %d thread(s): %.3f s", n, threads, best))
        }
        if let py = python {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: py)
            p.arguments = ["fixtures/model/bench_onnxruntime.py"]
            try p.run()
            p.waitUntilExit()
        } else {
            print("onnxruntime: no python given (anchor not measured)")
        }
    }
}
