import Foundation

/// The arguments the per-file modes (`file`, `process`, `rntuple`) share: PATH, `--runs`, `--uproot WALL,CPU`
/// (median seconds from bench/uproot_read.py, run as users run it), `--uproot-tuned WALL,CPU` (the same under the
/// bench's malloc settings, shown beside it), `--threads 1,2`, and the row label (the file's name).
struct FileBenchArguments {
    let path: String
    let runs: Int
    let uproot: (wall: Double, cpu: Double)?
    let uprootTuned: (wall: Double, cpu: Double)?
    let threadCounts: [Int]
    let label: String

    init(_ args: [String]) {
        path = args[1]
        runs = Int(option("--runs", args) ?? "5") ?? 5
        func seconds(_ name: String) -> (wall: Double, cpu: Double)? {
            let parts = (option(name, args) ?? "").split(separator: ",").compactMap { Double($0) }
            return parts.count == 2 ? (parts[0], parts[1]) : nil
        }
        uproot = seconds("--uproot")
        uprootTuned = seconds("--uproot-tuned")
        threadCounts = (option("--threads", args) ?? "1,2").split(separator: ",").compactMap { Int($0) }
        label = URL(fileURLWithPath: path).lastPathComponent.replacingOccurrences(of: ".root", with: "")
    }
}
