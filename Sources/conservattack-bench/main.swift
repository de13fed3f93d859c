import Foundation
import ROOTIO
import Attack

/// `conservattack-bench`: the timing side of `make bench` (bench/run.sh drives it).
///
///   conservattack-bench header
///   conservattack-bench file PATH [--tree T] [--runs N] [--uproot SECONDS] [--branch NAME] [--threads 1,2]
///       rows: decompression-only limit, ours (all branches; one branch) at each thread count, uproot anchor
///   conservattack-bench process PATH --binary CONSERVATTACK [--runs N] [--uproot WALL,CPU] [--threads 1,2]
///       rows: `conservattack digest PATH` as a child process (start included) against the limit and uproot
///   conservattack-bench rntuple PATH [--name N] [--runs N] [--uproot SECONDS] [--threads 1,2]
///       the same rows for an RNTuple: page decompression limit, ours (all fields) at each thread count, uproot
///   conservattack-bench peak PATH [--tree T] [--chunk N] [--threads N]
///       reads the tree in N-entry chunks and prints this process's peak resident memory (VmHWM)
func option(_ name: String, _ args: [String]) -> String? {
    guard let i = args.firstIndex(of: name), i + 1 < args.count else { return nil }
    return args[i + 1]
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("conservattack-bench: \(message)\n".utf8))
    exit(2)
}

/// One table row; `t` is (wall, cpu) seconds; MB/s and ratios use CPU time for 1-thread rows, wall time otherwise.
func row(_ file: String, _ what: String, _ t: (wall: Double, cpu: Double), threads: Int, bytes: Double,
         uproot: (wall: Double, cpu: Double)?, limit: (wall: Double, cpu: Double)?, _ note: String = "") {
    func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }
    let measure = { (x: (wall: Double, cpu: Double)) in threads == 1 ? x.cpu : x.wall }
    let m = measure(t)
    // 1 thread: CPU against uproot's CPU; more threads: wall against uproot's (single-threaded) wall.
    let vsUproot = uproot.map { String(format: "%.2f", m / (threads == 1 ? $0.cpu : $0.wall)) } ?? "-"
    let vsLimit = limit.map { String(format: "%.2f", m / $0.cpu) } ?? "-"
    print("| \(pad(file, 14)) | \(pad(what, 30)) | \(pad(String(format: "%.3f", t.wall), 7)) | \(pad(String(format: "%.3f", t.cpu), 7)) | "
          + "\(pad(String(format: "%.0f", bytes / 1e6 / m), 6)) | \(pad(vsUproot, 8)) | \(pad(vsLimit, 7)) | \(note)")
}

/// The uproot anchor row, and the same read under the bench's malloc settings when measured (not an anchor:
/// users do not run uproot so; shown so the difference is visible).
func anchorRows(_ a: FileBenchArguments, bytes: Double, limit: (wall: Double, cpu: Double)) {
    if let u = a.uproot { row(a.label, "uproot (all → numpy), 1 thread", u, threads: 1, bytes: bytes, uproot: u, limit: limit, "anchor") }
    if let t = a.uprootTuned {
        row(a.label, "uproot, malloc settings", t, threads: 1, bytes: bytes, uproot: a.uproot, limit: limit,
            "uproot under the bench's MALLOC_* settings (tuned)")
    }
}

let args = Array(CommandLine.arguments.dropFirst())
guard let command = args.first else { fail("usage: conservattack-bench header | file PATH ... | peak PATH ...") }

switch command {
case "writer":
    let runs = option("--runs", args).flatMap { Int($0) } ?? 3
    let threads = option("--threads", args).map { $0.split(separator: ",").compactMap { Int($0) } } ?? [1, 2]
    do { try StageBenchmarks.writer(python: option("--python", args), runs: runs, threads: threads) } catch { fail("writer: \(error)") }

case "attack":
    if let f = option("--features", args).flatMap({ Int($0) }) {
        // One measurement (for profiling): --features F [--events N]
        let n = option("--events", args).flatMap { Int($0) } ?? 20_000
        do {
            let m = try AttackBenchmark.measure(events: n, features: f)
            print(String(format: "%d features, %d events: %.4f ms per event and iteration, fooling ratio %.17g", f, n,
                         m.millisecondsPerEventIteration, m.foolingRatio))
        } catch { fail("attack: \(error)") }
    } else {
        do { try StageBenchmarks.attack() } catch { fail("attack: \(error)") }
    }

case "attack-pareto":
    // The Pareto table of docs/attack.md: --reference DIR (the donut) [--events N] [--iterations I]
    do {
        let n = option("--events", args).flatMap { Int($0) } ?? 10_000
        var cfg = AttackConfiguration()
        cfg.iterations = option("--iterations", args).flatMap { Int($0) } ?? 5
        let bounds = (option("--bounds", args) ?? "0.003,0.01,0.0284,0.1,0.3").split(separator: ",").compactMap { Double($0) }
        let caps = (option("--jsd-caps", args) ?? "0.005,0.0229").split(separator: ",").compactMap { Double($0) }
        print("ConservAttack attack Pareto table (jsd mode, reference parameters except the two bounds, \(cfg.iterations) iterations; "
              + "fooling ratio of the greedy pass and the boundary search, same run)")
        AttackPareto.header.forEach { print($0) }
        let only = option("--only", args)
        if let dir = option("--reference", args), !FileManager.default.fileExists(atPath: dir + "/donut_model.json") {
            print("| donut | (\(dir)/donut_model.json not found: skipped) |")
        } else if let dir = option("--reference", args), only == nil || only == "donut" {
            let (x, net) = try DonutReference.load(dir)
            var donut = cfg; donut.iterations = 10
            for r in try AttackPareto.table(name: "donut (1,000 events, 10 it.)", problem: AttackProblem(features: x, trueClass: 1),
                                             classifier: net, configuration: donut, relCorrBounds: bounds, jsdCaps: caps) { print(r) }
        }
        // AR(1) ρ = 0.8; class separation chosen so that the greedy pass is far from fooling everything.
        for (f, events, shift) in [(10, n, 1.6), (50, n / 2, 0.6)] where only == nil || only == "\(f)" {
            let p = try AttackBenchProblems.correlatedGaussian(events: events, features: f, rho: 0.8, shift: shift)
            for r in try AttackPareto.table(name: String(format: "gauss %df, shift %.1f (%d events)", f, shift, events), problem: AttackProblem(features: p.features, labels: p.labels),
                                             classifier: p.network, configuration: cfg, relCorrBounds: bounds, jsdCaps: caps) { print(r) }
        }
    } catch { fail("attack-pareto: \(error)") }

case "attack-point":
    // One comparison on a correlated-Gaussian problem (measurements for docs/attack.md):
    // --features F --events N --iterations I --rel-corr X --jsd-cap Y [--mode M] [--search S] [--no-compensation]
    do {
        let f = option("--features", args).flatMap { Int($0) } ?? 10
        let n = option("--events", args).flatMap { Int($0) } ?? 20_000
        let p = try AttackBenchProblems.correlatedGaussian(events: n, features: f,
                                                           rho: option("--rho", args).flatMap { Double($0) } ?? 0.6,
                                                           shift: option("--shift", args).flatMap { Double($0) } ?? 0.45)
        var cfg = AttackConfiguration()
        cfg.iterations = option("--iterations", args).flatMap { Int($0) } ?? 5
        if let m = option("--mode", args).flatMap({ AttackMode(rawValue: $0) }) { cfg.mode = m }
        if let k = option("--ks-threshold", args).flatMap({ Double($0) }) { cfg.ksThreshold = k }
        let search = option("--search", args).flatMap { AttackSearch(rawValue: $0) } ?? .boundary
        let pt = try AttackPareto.point(problem: AttackProblem(features: p.features, labels: p.labels), classifier: p.network,
                                        configuration: cfg, search: search,
                                        relCorrBound: option("--rel-corr", args).flatMap { Double($0) } ?? 0.0284,
                                        jsdCap: option("--jsd-cap", args).flatMap { Double($0) } ?? 0.005,
                                        compensation: !args.contains("--no-compensation"),
                                        knobs: { e in
                                            e.experimentRounds = option("--rounds", args).flatMap { Int($0) }
                                            if args.contains("--no-fallback") { e.experimentGreedyFallback = false }
                                            e.experimentCompensationReach = option("--reach", args).flatMap { Double($0) }
                                            e.experimentCompensationCandidates = option("--comp-cands", args).flatMap { Int($0) }
                                        })
        print(String(format: "accuracy %.3f search %@ fooling %.4f maxJSD %.4f relcorr %.4f met %@ %.1f s", p.accuracy,
                     search.rawValue, pt.foolingRatio, pt.maxJSD, pt.relCorrChange, pt.constraintsMet ? "yes" : "no", pt.seconds))
    } catch { fail("attack-point: \(error)") }

case "model":
    do { try StageBenchmarks.model(python: option("--python", args)) } catch { fail("model: \(error)") }

case "header":
    print("| file           | reader                         | wall s  | cpu s   | MB/s   | t/uproot | t/limit | note")
    print("|----------------|--------------------------------|---------|---------|--------|----------|---------|-----")

case "file":
    guard args.count >= 2 else { fail("file: missing PATH") }
    let treeName = option("--tree", args) ?? "events"
    let a = FileBenchArguments(args)
    let (path, runs, uproot, threadCounts, label) = (a.path, a.runs, a.uproot, a.threadCounts, a.label)
    do {
        let tree = try ROOTFile(path: path).tree(treeName)
        let all = tree.numericBranchNames
        let one = option("--branch", args) ?? all[0]
        let limitAll = try BasketBench(tree: tree, branches: all)
        let limitOne = try BasketBench(tree: tree, branches: [one])
        let bytesAll = Double(try limitAll.run()), bytesOne = Double(try limitOne.run())
        let tLimit = try Timing.median(runs: runs) { try limitAll.run() }
        let tLimitOne = try Timing.median(runs: runs) { try limitOne.run() }
        anchorRows(a, bytes: bytesAll, limit: tLimit)
        row(label, "decompress only, 1 thread", tLimit, threads: 1, bytes: bytesAll, uproot: uproot, limit: tLimit, "limit, all branches")
        var single: (wall: Double, cpu: Double)? = nil
        for t in threadCounts {
            let s = try Timing.median(runs: runs) { _ = try tree.arrays(threads: t) }
            if t == 1 { single = s }
            let note = t == 1 ? "" : single.map { String(format: "wall %.2fx faster than 1 thread", $0.wall / s.wall) } ?? ""
            row(label, "ours all branches, \(t) thread\(t == 1 ? "" : "s")", s, threads: t, bytes: bytesAll, uproot: uproot,
                limit: t == 1 ? tLimit : nil, note)
        }
        row(label, "decompress only, one branch", tLimitOne, threads: 1, bytes: bytesOne, uproot: nil, limit: tLimitOne, "limit, \(one)")
        let sOne = try Timing.median(runs: runs) { _ = try tree.arrays([one], threads: 1) }
        row(label, "ours one branch, 1 thread", sOne, threads: 1, bytes: bytesOne, uproot: nil, limit: tLimitOne, one)
        // Cheap consistency check: the thread count must not change the result.
        if threadCounts.count > 1, try tree.arrays(threads: threadCounts[0]) != tree.arrays(threads: threadCounts[1]) {
            fail("\(path): results differ between \(threadCounts[0]) and \(threadCounts[1]) threads")
        }
    } catch {
        fail("\(path): \(error)")
    }

case "process":
    guard args.count >= 2, let binary = option("--binary", args) else { fail("process: PATH and --binary CONSERVATTACK needed") }
    let a = FileBenchArguments(args)
    let (path, runs, uproot, threadCounts, label) = (a.path, a.runs, a.uproot, a.threadCounts, a.label)
    do {
        let tree = try ROOTFile(path: path).tree(option("--tree", args) ?? "events")
        let limit = try BasketBench(tree: tree, branches: tree.numericBranchNames)
        let bytes = Double(try limit.run())
        let tLimit = try Timing.median(runs: runs) { try limit.run() }
        row(label, "decompress only, 1 thread", tLimit, threads: 1, bytes: bytes, uproot: uproot, limit: tLimit, "limit, in process")
        for t in threadCounts {
            let r = try ProcessBench.median([binary, "digest", path, "--threads", String(t)], runs: runs)
            var note = String(format: "whole process, peak RSS %.0f MB", r.peakMB)
            if let tuned = a.uprootTuned {
                note += String(format: "; %.2f of the tuned uproot", t == 1 ? r.cpu / tuned.cpu : r.wall / tuned.wall)
            }
            row(label, "digest process, \(t) thread\(t == 1 ? "" : "s")", (r.wall, r.cpu), threads: t, bytes: bytes, uproot: uproot,
                limit: t == 1 ? tLimit : nil, note)
        }
    } catch {
        fail("\(path): \(error)")
    }

case "rntuple":
    guard args.count >= 2 else { fail("rntuple: missing PATH") }
    let a = FileBenchArguments(args)
    let (path, runs, uproot, threadCounts, label) = (a.path, a.runs, a.uproot, a.threadCounts, a.label)
    do {
        let tuple = try ROOTFile(path: path).rntuple(option("--name", args) ?? "events")
        let limit = try RNTuplePageBench(tuple: tuple)
        let bytes = Double(try limit.run())
        let tLimit = try Timing.median(runs: runs) { try limit.run() }
        anchorRows(a, bytes: bytes, limit: tLimit)
        row(label, "decompress only, 1 thread", tLimit, threads: 1, bytes: bytes, uproot: uproot, limit: tLimit, "limit, all pages")
        var single: (wall: Double, cpu: Double)? = nil
        for t in threadCounts {
            let s = try Timing.median(runs: runs) { _ = try tuple.arrays(threads: t) }
            if t == 1 { single = s }
            let note = t == 1 ? "" : single.map { String(format: "wall %.2fx faster than 1 thread", $0.wall / s.wall) } ?? ""
            row(label, "ours all fields, \(t) thread\(t == 1 ? "" : "s")", s, threads: t, bytes: bytes, uproot: uproot,
                limit: t == 1 ? tLimit : nil, note)
        }
    } catch {
        fail("\(path): \(error)")
    }

case "peak":
    guard args.count >= 2 else { fail("peak: missing PATH") }
    let chunk = Int(option("--chunk", args) ?? "100000") ?? 100_000
    let threads = Int(option("--threads", args) ?? "1") ?? 1
    do {
        let tree = try ROOTFile(path: args[1]).tree(option("--tree", args) ?? "events")
        var chunks = try tree.iterate(chunkSize: .entries(chunk), threads: threads)
        var rows = 0, columns = 0
        let t0 = Timing.now()
        while let t = try chunks.nextTable() { rows += t.rowCount; columns = t.columnCount }
        let seconds = Timing.now() - t0
        guard rows == tree.entryCount else { fail("chunked read saw \(rows) of \(tree.entryCount) entries") }
        let peak = Timing.peakResidentMB().map { String(format: "%.0f", $0) } ?? "?"
        print("peak_rss_mb=\(peak) entries=\(rows) columns=\(columns) chunk=\(chunk) threads=\(threads) seconds=\(String(format: "%.3f", seconds))")
    } catch {
        fail("\(args[1]): \(error)")
    }

default:
    fail("unknown command \(command)")
}
