import ArgumentParser
import Foundation

/// Runs shards as processes of this same binary on this machine's cores (`conservattack shard attack` each),
/// at most `parallel` at a time; each one's output goes to `WORK/logs/shard-I.log`. A failed shard is named
/// with its exit status and log; the other shards' results stay, so a rerun runs only what is missing.
struct LocalShardRunner {
    var work: ShardWorkDirectory
    var shards: [Int]
    var parallel: Int
    var quiet = false

    /// This process's executable (the jobs run the same build).
    static var executable: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    func run() throws {
        guard !shards.isEmpty else { return }
        try FileManager.default.createDirectory(atPath: work.logsPath, withIntermediateDirectories: true)
        let bar = ProgressLine("shards", quiet: quiet)
        var pending = shards[...], running: [(Int, Process)] = [], failures: [String] = [], done = 0
        bar.update(0, of: shards.count, "\(min(parallel, shards.count)) processes", force: true)
        while !pending.isEmpty || !running.isEmpty {
            while running.count < parallel, let i = pending.popFirst() {
                running.append((i, try launch(i)))
            }
            Thread.sleep(forTimeInterval: 0.05)
            running.removeAll { (i, p) in
                guard !p.isRunning else { return false }
                done += 1
                if p.terminationReason != .exit || p.terminationStatus != 0 {
                    let how = p.terminationReason == .exit ? "exit status \(p.terminationStatus)" : "signal \(p.terminationStatus)"
                    failures.append("shard \(i) failed (\(how)): see \(work.logPath(shard: i))" + Self.lastLine(work.logPath(shard: i)))
                }
                bar.update(done, of: shards.count, "shard \(i) finished", force: true)
                return true
            }
        }
        bar.finish()
        if !failures.isEmpty { throw ValidationError(failures.joined(separator: "\n")) }
    }

    private func launch(_ i: Int) throws -> Process {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Self.executable)
        p.arguments = ["shard", "attack", "--work-dir", work.path, "--index", String(i), "--quiet"]
        FileManager.default.createFile(atPath: work.logPath(shard: i), contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: work.logPath(shard: i)))
        p.standardOutput = log; p.standardError = log
        try p.run()
        return p
    }

    /// ": <last line of the log>" (empty when there is none).
    static func lastLine(_ path: String) -> String {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8),
              let line = text.split(separator: "\n").last(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }) else { return "" }
        return " — " + line.suffix(300)
    }
}
