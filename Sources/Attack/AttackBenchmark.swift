import Columnar
import Foundation
import Model

/// Speed measurement for `make bench`: synthetic correlated events, a small random MLP (F→32→16→1),
/// the attack in the given mode; reports time per event and iteration, peak memory, and the extrapolation
/// to 1,000,000 events × 20 features × 5 iterations. Call from a release build.
public enum AttackBenchmark {
    public struct Measurement: Sendable {
        public var events: Int, features: Int, iterations: Int, candidates: Int, threads: Int
        public var seconds: Double
        /// Wall time per (searched event × iteration), first iteration (every event active), milliseconds.
        public var millisecondsPerEventIteration: Double
        public var foolingRatio: Double
        public var peakResidentBytes: Int
    }

    /// One measurement.
    public static func measure(events: Int, features: Int, iterations: Int = 1, candidates: Int = 150,
                               threads: Int = 2, mode: AttackMode = .jsd, search: AttackSearch = .boundary,
                               seed: UInt64 = 1) throws -> Measurement {
        let (x, net) = try syntheticProblem(events: events, features: features, seed: seed, threads: threads)
        let labels = net.scores(x).map { $0 > 0.5 ? 1.0 : 0.0 }
        var cfg = AttackConfiguration()
        cfg.mode = mode; cfg.iterations = iterations; cfg.candidates = candidates; cfg.threads = 1; cfg.seed = seed
        cfg.search = search
        let engine = try AttackEngine(problem: AttackProblem(features: x, labels: labels), classifier: net, configuration: cfg)
        let t0 = Date()
        let r = try engine.run()
        let total = Date().timeIntervalSince(t0)
        let first = r.metrics.iterations.first?.seconds ?? total
        return Measurement(events: events, features: features, iterations: iterations, candidates: candidates,
                           threads: threads, seconds: total,
                           millisecondsPerEventIteration: 1000 * first / Double(max(r.metrics.initiallyCorrect, 1)),
                           foolingRatio: r.metrics.foolingRatio, peakResidentBytes: peakResidentBytes())
    }

    /// The `make bench` report: 2 and 10 features against the reference's 1.3 ms and 5 ms per event and
    /// iteration, the boundary search against the greedy pass at 10 features, and 20 features extrapolated to 1,000,000 events × 5 iterations.
    public static func run(events: Int = 20_000, largeEvents: Int = 100_000, threads: Int = 2, repeats: Int = 3) throws -> String {
        var lines = ["ConservAttack attack benchmark (jsd mode, 150 candidates, random MLP F→32→16→1, threads \(threads), "
                     + "best of \(repeats) runs: the machine is shared)"]
        func best(_ f: Int, _ n: Int, search: AttackSearch = .boundary) throws -> Measurement {
            var all: [Measurement] = []
            for _ in 0..<max(repeats, 1) { all.append(try measure(events: n, features: f, threads: threads, search: search)) }
            return all.min { $0.millisecondsPerEventIteration < $1.millisecondsPerEventIteration } ?? all[0]
        }
        let measured = try [(2, 1.3), (10, 5.0)].map { (f, ref) in (f, ref, try best(f, events)) }
        for (f, ref, m) in measured {
            lines.append(String(format: "%2d features, %d events: %.4f ms per event and iteration (reference %.1f ms: %.0fx faster)",
                                f, events, m.millisecondsPerEventIteration, ref, ref / m.millisecondsPerEventIteration))
        }
        // The speed bound: the boundary search at most 1.5x the greedy pass per event, same run.
        let b = measured[1].2, g = try best(10, events, search: .greedy)
        lines.append(String(format: "10 features, boundary search vs --search greedy: %.4f vs %.4f ms per event and iteration (%.2fx)",
                            b.millisecondsPerEventIteration, g.millisecondsPerEventIteration,
                            b.millisecondsPerEventIteration / g.millisecondsPerEventIteration))
        let m = try best(20, largeEvents)
        let perEvent = m.millisecondsPerEventIteration / 1000
        let estimate = perEvent * 1_000_000 * 5
        lines.append(String(format: "20 features, %d events: %.4f ms per event and iteration, peak RSS %.0f MiB",
                            largeEvents, m.millisecondsPerEventIteration, Double(m.peakResidentBytes) / 1_048_576))
        lines.append(String(format: "estimate 1,000,000 events x 20 features x 5 iterations (all events active): %.0f s = %.1f min",
                            estimate, estimate / 60))
        return lines.joined(separator: "\n")
    }

    /// Correlated Gaussian-like events and a seeded random MLP.
    static func syntheticProblem(events: Int, features: Int, seed: UInt64, threads: Int) throws -> (FeatureMatrix, FeedForwardNetwork) {
        var rng = SplitMix64(seed: seed)
        var x = FeatureMatrix(rows: events, columns: features)
        for i in 0..<events {
            var prev = 0.0
            for j in 0..<features {
                let u1 = max(rng.nextUnit(), 1e-300), u2 = rng.nextUnit()
                let z = (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
                prev = 0.5 * prev + 0.85 * z
                x[i, j] = prev
            }
        }
        func dense(_ n: Int, _ m: Int) throws -> NetworkLayer {
            let s = Float(1 / Double(n).squareRoot())
            let w = (0..<(n * m)).map { _ in Float(rng.uniform(-1, 1)) * s * 1.7 }
            return .dense(try DenseLayer(inputCount: n, outputCount: m, weight: w, bias: Array(repeating: 0, count: m)))
        }
        var net = try FeedForwardNetwork(inputCount: features, layers: [
            try dense(features, 32), .activation(.relu), try dense(32, 16), .activation(.relu), try dense(16, 1),
        ], output: .sigmoid)
        net.threadCount = threads
        return (x, net)
    }

    /// Peak resident set size (VmHWM) of this process, 0 where /proc is unavailable.
    static func peakResidentBytes() -> Int {
        guard let s = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in s.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let kb = line.split(separator: " ").compactMap { Int($0) }.first ?? 0
            return kb * 1024
        }
        return 0
    }
}
