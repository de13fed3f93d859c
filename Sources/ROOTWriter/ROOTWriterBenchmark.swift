import Columnar
import Foundation
import ROOTCompression
#if canImport(Glibc)
import Glibc
private let RUSAGE_SELF_WHO = RUSAGE_SELF.rawValue
#elseif canImport(Darwin)
import Darwin
private let RUSAGE_SELF_WHO = RUSAGE_SELF
#endif

/// Write-speed benchmark: `entries` × 24 columns (16 float32, 4 float64, 3 int32, 1 bool, physics-like values),
/// zlib level 1, written by ROOTFileWriter with 1 and 2 threads and by uproot (`bench_uproot_write.py`) from the
/// same arrays, in the same run. Meant for a `make bench` driver; returns a human-readable report.
public enum ROOTWriterBenchmark {
    /// The benchmark table (deterministic).
    public static func table(entries n: Int, seed: UInt64 = 42) throws -> EventTable {
        var state = seed
        func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        func uniform() -> Double { (Double(next() >> 11) + 0.5) / Double(1 << 53) }
        func gauss() -> Double { (-2 * log(uniform())).squareRoot() * cos(2 * .pi * uniform()) }
        var cols: [(String, Column)] = []
        for j in 0..<16 {
            let values: [Float]
            switch j % 4 {
            case 0: values = (0..<n).map { _ in Float(20 - 30 * log(uniform())) }            // pt-like, GeV
            case 1: values = (0..<n).map { _ in Float(2.5 * gauss()) }                       // eta-like
            case 2: values = (0..<n).map { _ in Float((2 * uniform() - 1) * .pi) }           // phi-like
            default: values = (0..<n).map { _ in Float(max(0, 91.2 + 2.5 * gauss())) }      // mass-like
            }
            cols.append(("f\(j)", Column(.float32(values))))
        }
        for j in 0..<4 { cols.append(("d\(j)", Column(.float64((0..<n).map { _ in 1000 * exp(gauss()) })))) }
        cols.append(("nJet", Column(.int32((0..<n).map { _ in Int32(min(15, -log(uniform()) * 3)) }))))
        cols.append(("charge", Column(.int32((0..<n).map { _ in next() & 1 == 0 ? -1 : 1 }))))
        cols.append(("run", Column(.int32((0..<n).map { i in Int32(300_000 + i / 50_000) }))))
        cols.append(("trigger", Column(.bool((0..<n).map { _ in next() % 10 < 7 }))))
        return try EventTable(rowCount: n, columns: cols)
    }

    /// User + system CPU time of this process so far (shows whether threads found free cores).
    static func cpuSeconds() -> Double {
        var u = rusage()
        getrusage(RUSAGE_SELF_WHO, &u)
        return Double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + Double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6
    }

    /// Median of `values` (the middle one, or the mean of the two middle ones).
    static func median(_ values: [Double]) -> Double {
        let v = values.sorted()
        return v.count % 2 == 1 ? v[v.count / 2] : (v[v.count / 2 - 1] + v[v.count / 2]) / 2
    }

    /// Writes `t`'s columns (float32, float64, int32, bool) as raw little-endian files in `directory` and a JSON
    /// manifest listing them (name, numpy dtype, path); returns the manifest's path.
    static func writeManifest(_ t: EventTable, directory: String) throws -> String {
        var manifest: [String] = []
        for name in t.names {
            guard let c = t[name] else { continue }
            let file = directory + "/bench-col-\(name).bin"
            let (data, dtype): (Data, String) = {
                switch c.content {
                case .float32(let a): return (a.withUnsafeBytes { Data($0) }, "<f4")
                case .float64(let a): return (a.withUnsafeBytes { Data($0) }, "<f8")
                case .int32(let a): return (a.withUnsafeBytes { Data($0) }, "<i4")
                case .bool(let a): return (Data(a.map { $0 ? 1 : 0 }), "|b1")
                default: return (Data(), "")
                }
            }()
            try data.write(to: URL(fileURLWithPath: file))
            manifest.append("{\"name\": \"\(name)\", \"dtype\": \"\(dtype)\", \"path\": \"\(file)\"}")
        }
        let manifestPath = directory + "/bench-manifest.json"
        try ("[" + manifest.joined(separator: ", ") + "]").write(toFile: manifestPath, atomically: true, encoding: .utf8)
        return manifestPath
    }

    /// Deletes what `writeManifest` wrote.
    static func removeManifest(_ t: EventTable, directory: String) {
        for name in t.names { try? FileManager.default.removeItem(atPath: directory + "/bench-col-\(name).bin") }
        try? FileManager.default.removeItem(atPath: directory + "/bench-manifest.json")
    }

    /// Runs the benchmark in `directory` (files are deleted afterwards): every write `runs` times, medians reported
    /// (page-cache writeback makes single writes vary by tenths of a second). `python` must have uproot; when nil
    /// or missing, the uproot side is skipped and said so. `script` is the path of bench_uproot_write.py.
    public static func run(entries: Int = 2_000_000, directory: String = NSTemporaryDirectory(), python: String?,
                           script: String, runs: Int = 3, threadCounts: [Int] = [1, 2]) throws -> String {
        let t = try table(entries: entries)
        let runs = max(1, runs)
        var lines = ["ROOTWriter benchmark: \(entries) entries x \(t.columnCount) columns (16 f32, 4 f64, 3 i32, 1 bool), zlib:1, "
                     + "\(ProcessInfo.processInfo.activeProcessorCount) cores, median of \(runs) runs"]
        var ours: [Int: Double] = [:], oursCPU: [Int: Double] = [:]
        for threads in threadCounts {
            var o = ROOTWriterOptions()
            o.threads = threads
            let path = directory + "/bench-swift-\(threads).root"
            var walls: [Double] = [], cpus: [Double] = []
            var size = 0
            for _ in 0..<runs {
                let cpu0 = cpuSeconds()
                let start = Date()
                try ROOTFileWriter.write(tables: [("t", t)], to: path, options: o)
                walls.append(Date().timeIntervalSince(start))
                cpus.append(cpuSeconds() - cpu0)
                size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0
                try? FileManager.default.removeItem(atPath: path)
            }
            ours[threads] = median(walls)
            oursCPU[threads] = median(cpus)
            lines.append(String(format: "  ROOTWriter, %d thread(s): %.3f s wall, %.3f s CPU, %.1f MB", threads, ours[threads]!,
                                oursCPU[threads]!, Double(size) / 1e6))
        }
        // Reference point: the same write without compression (encoding + I/O only).
        do {
            var o = ROOTWriterOptions()
            o.threads = 1
            o.compression = .none
            let path = directory + "/bench-swift-none.root"
            var walls: [Double] = []
            for _ in 0..<runs {
                let start = Date()
                try ROOTFileWriter.write(tables: [("t", t)], to: path, options: o)
                walls.append(Date().timeIntervalSince(start))
                try? FileManager.default.removeItem(atPath: path)
            }
            lines.append(String(format: "  ROOTWriter, 1 thread, no compression: %.3f s", median(walls)))
        }
        guard let python, FileManager.default.isExecutableFile(atPath: python) else {
            lines.append("  uproot: skipped (no Python interpreter given)")
            return lines.joined(separator: "\n")
        }
        // Hand uproot the same arrays as raw little-endian files.
        let manifestPath = try writeManifest(t, directory: directory)
        defer { removeManifest(t, directory: directory) }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: python)
        p.arguments = [script, manifestPath, directory + "/bench-uproot.root", String(runs)]
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        try p.run()
        let out = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        guard p.terminationStatus == 0, let secondsLine = out.split(separator: "\n").first(where: { $0.hasPrefix("seconds ") }),
              let up = Double(secondsLine.dropFirst("seconds ".count)) else {
            lines.append("  uproot: failed: \(out)")
            return lines.joined(separator: "\n")
        }
        lines.append(String(format: "  uproot %@: %.3f s", out.split(separator: "\n").first { $0.hasPrefix("uproot ") }.map { String($0.dropFirst(7)) } ?? "", up))
        let upCPU = out.split(separator: "\n").first { $0.hasPrefix("cpu ") }.flatMap { Double($0.dropFirst(4)) }
        if let upCPU { lines.append(String(format: "  uproot CPU: %.3f s", upCPU)) }
        for threads in threadCounts {
            lines.append(String(format: "  speed-up vs uproot (wall), %d thread(s): %.2fx", threads, up / ours[threads]!))
        }
        if let upCPU, let cpu1 = oursCPU[1] { lines.append(String(format: "  CPU-time ratio uproot / ROOTWriter (1 thread): %.2fx", upCPU / cpu1)) }
        return lines.joined(separator: "\n")
    }
}
