import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Whole-process timing: a command run as a user runs it (process start, file open, reading, output), in
/// a child process; wall clock from spawn to exit, CPU and peak resident memory from the child's rusage.
enum ProcessBench {
    struct Run { var wall: Double; var cpu: Double; var peakMB: Double }

    /// Runs `argv` once with stdout and stderr sent to /dev/null; fails on a non-zero exit. The peak memory
    /// comes from /usr/bin/time (its child is forked from a small process): the rusage of a child spawned
    /// from this one counts this process's own memory, shared until the exec, in ru_maxrss.
    static func runOnce(_ argv: [String]) throws -> Run {
        let time = "/usr/bin/time"
        let report = FileManager.default.temporaryDirectory.appendingPathComponent("bench-peak-\(getpid()).txt").path
        let wrapped = FileManager.default.isExecutableFile(atPath: time) ? [time, "-f", "%M", "-o", report] + argv : argv
        var run = try spawn(wrapped)
        if wrapped.count > argv.count {
            let text = (try? String(contentsOfFile: report, encoding: .utf8)) ?? ""
            try? FileManager.default.removeItem(atPath: report)
            run.peakMB = (text.split(separator: "\n").last.flatMap { Double($0.trimmingCharacters(in: .whitespaces)) } ?? .nan) / 1024
        } else {
            run.peakMB = .nan
        }
        return run
    }

    private static func spawn(_ argv: [String]) throws -> Run {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        var cargs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        defer { for p in cargs { free(p) } }
        var pid: pid_t = 0
        let t0 = Timing.now()
        let rc = posix_spawn(&pid, argv[0], &actions, nil, &cargs, environ)
        guard rc == 0 else { throw NSError(domain: "ProcessBench", code: Int(rc), userInfo: [NSLocalizedDescriptionKey: "cannot run \(argv[0])"]) }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
        let wall = Timing.now() - t0
        guard status == 0 else {
            throw NSError(domain: "ProcessBench", code: Int(status), userInfo: [NSLocalizedDescriptionKey: "\(argv.joined(separator: " ")) exited with status \(status)"])
        }
        let cpu = Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) * 1e-6
        return Run(wall: wall, cpu: cpu, peakMB: Double(usage.ru_maxrss) / 1024)
    }

    /// One warm-up, then the medians of `runs` runs (wall, CPU, peak memory each taken on its own).
    static func median(_ argv: [String], runs: Int) throws -> Run {
        _ = try runOnce(argv)
        var all: [Run] = []
        for _ in 0..<max(1, runs) { all.append(try runOnce(argv)) }
        return Run(wall: Timing.mid(all.map(\.wall)), cpu: Timing.mid(all.map(\.cpu)), peakMB: Timing.mid(all.map(\.peakMB)))
    }
}
