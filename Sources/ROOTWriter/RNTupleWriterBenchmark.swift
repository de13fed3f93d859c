import Columnar
import Foundation
import ROOTCompression

/// RNTuple write-speed benchmark: the `ROOTWriterBenchmark` table (`entries` × 24 columns) written as an RNTuple
/// with zstd level 5 by RNTupleFileWriter (1 and 2 threads, default cluster and page sizes) and by uproot's RNTuple
/// writer (`bench_uproot_rntuple_write.py`: `uproot.recreate(compression=ZSTD(5))` + `mkrntuple` + `extend`) from
/// the same arrays, in the same run. Returns a human-readable report.
public enum RNTupleWriterBenchmark {
    public static func run(entries: Int = 2_000_000, directory: String = NSTemporaryDirectory(), python: String?,
                           script: String, runs: Int = 3, threadCounts: [Int] = [1, 2]) throws -> String {
        let t = try ROOTWriterBenchmark.table(entries: entries)
        let runs = max(1, runs)
        var lines = ["RNTupleWriter benchmark: \(entries) entries x \(t.columnCount) columns, zstd:5, "
                     + "\(ProcessInfo.processInfo.activeProcessorCount) cores, median of \(runs) runs"]
        var ours: [Int: Double] = [:], oursCPU: [Int: Double] = [:]
        for threads in threadCounts {
            var o = ROOTWriterOptions()
            o.threads = threads
            o.compression = CompressionSettings(algorithm: .zstd, level: 5)
            let path = directory + "/bench-rntuple-\(threads).root"
            var walls: [Double] = [], cpus: [Double] = []
            var size = 0
            for _ in 0..<runs {
                let cpu0 = ROOTWriterBenchmark.cpuSeconds()
                let start = Date()
                try RNTupleFileWriter.write(ntuples: [("t", t)], to: path, options: o)
                walls.append(Date().timeIntervalSince(start))
                cpus.append(ROOTWriterBenchmark.cpuSeconds() - cpu0)
                size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0
                try? FileManager.default.removeItem(atPath: path)
            }
            let wall = ROOTWriterBenchmark.median(walls), cpu = ROOTWriterBenchmark.median(cpus)
            ours[threads] = wall
            oursCPU[threads] = cpu
            lines.append(String(format: "  RNTupleWriter, %d thread(s): %.3f s wall, %.3f s CPU, %.1f MB", threads, wall, cpu, Double(size) / 1e6))
        }
        // Where the time goes (1 thread): no compression (encoding + I/O), zstd without page checksums, 1 MiB pages.
        let variants: [(String, (inout ROOTWriterOptions) -> Void)] = [
            ("no compression", { $0.compression = .none }),
            ("zstd:5, no page checksums", { $0.rntuple.pageChecksums = false }),
            ("zstd:5, 1 MiB pages", { $0.rntuple.pageBytes = 1 << 20 }),
        ]
        for (label, change) in variants {
            var o = ROOTWriterOptions()
            o.threads = 1
            o.compression = CompressionSettings(algorithm: .zstd, level: 5)
            change(&o)
            let path = directory + "/bench-rntuple-variant.root"
            var walls: [Double] = [], cpus: [Double] = []
            var size = 0
            for _ in 0..<runs {
                let cpu0 = ROOTWriterBenchmark.cpuSeconds()
                let start = Date()
                try RNTupleFileWriter.write(ntuples: [("t", t)], to: path, options: o)
                walls.append(Date().timeIntervalSince(start))
                cpus.append(ROOTWriterBenchmark.cpuSeconds() - cpu0)
                size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0
                try? FileManager.default.removeItem(atPath: path)
            }
            lines.append(String(format: "  RNTupleWriter, 1 thread, %@: %.3f s wall, %.3f s CPU, %.1f MB", label,
                                ROOTWriterBenchmark.median(walls), ROOTWriterBenchmark.median(cpus), Double(size) / 1e6))
        }
        guard let python, FileManager.default.isExecutableFile(atPath: python) else {
            lines.append("  uproot: skipped (no Python interpreter given)")
            return lines.joined(separator: "\n")
        }
        let manifestPath = try ROOTWriterBenchmark.writeManifest(t, directory: directory)
        defer { ROOTWriterBenchmark.removeManifest(t, directory: directory) }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: python)
        p.arguments = [script, manifestPath, directory + "/bench-uproot-rntuple.root", String(runs)]
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        try p.run()
        let out = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        let values = Dictionary(out.split(separator: "\n").compactMap { line -> (String, String)? in
            let parts = line.split(separator: " ", maxSplits: 1)
            return parts.count == 2 ? (String(parts[0]), String(parts[1])) : nil
        }, uniquingKeysWith: { a, _ in a })
        guard p.terminationStatus == 0, let up = values["seconds"].flatMap(Double.init) else {
            lines.append("  uproot: failed: \(out)")
            return lines.joined(separator: "\n")
        }
        let upCPU = values["cpu"].flatMap(Double.init)
        lines.append(String(format: "  uproot %@ RNTuple: %.3f s wall, %.3f s CPU, %.1f MB", values["uproot"] ?? "", up, upCPU ?? 0,
                            (values["bytes"].flatMap(Double.init) ?? 0) / 1e6))
        for threads in threadCounts {
            lines.append(String(format: "  speed-up vs uproot RNTuple (wall), %d thread(s): %.2fx", threads, up / ours[threads]!))
        }
        if let upCPU, let cpu1 = oursCPU[1] { lines.append(String(format: "  CPU-time ratio uproot / RNTupleWriter (1 thread): %.2fx", upCPU / cpu1)) }
        return lines.joined(separator: "\n")
    }
}
