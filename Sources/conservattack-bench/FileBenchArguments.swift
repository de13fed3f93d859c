import Foundation

/// The arguments the per-file modes (`file`, `process`, `rntuple`) share: PATH, `--runs`, `--uproot WALL,CPU`
/// (median seconds from bench/uproot_read.py), `--threads 1,2`, and the row label (the file's name).
struct FileBenchArguments {
    let path: String
    let runs: Int
    let uproot: (wall: Double, cpu: Double)?
    let threadCounts: [Int]
    let label: String

    init(_ args: [String]) {
        path = args[1]
        runs = Int(option("--runs", args) ?? "5") ?? 5
        let uprootParts = (option("--uproot", args) ?? "").split(separator: ",").compactMap { Double($0) }
        uproot = uprootParts.count == 2 ? (uprootParts[0], uprootParts[1]) : nil
        threadCounts = (option("--threads", args) ?? "1,2").split(separator: ",").compactMap { Int($0) }
        label = URL(fileURLWithPath: path).lastPathComponent.replacingOccurrences(of: ".root", with: "")
    }
}
