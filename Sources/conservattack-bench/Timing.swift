import Foundation

/// Wall-clock timing: one warm-up run, then the median of `runs` runs.
enum Timing {
    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }

    /// CPU seconds (user + system) used so far by every thread of this process.
    static func cpu() -> Double {
        var u = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &u)
        return Double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + Double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) * 1e-6
    }

    /// Median wall-clock and median CPU seconds of `runs` runs after one warm-up. On a shared machine the
    /// CPU time of a single-threaded run is the stable measure (it does not count time spent waiting).
    static func median(runs: Int, _ body: () throws -> Void) rethrows -> (wall: Double, cpu: Double) {
        try body()
        var walls: [Double] = [], cpus: [Double] = []
        for _ in 0..<max(1, runs) {
            let t0 = now(), c0 = cpu()
            try body()
            walls.append(now() - t0)
            cpus.append(cpu() - c0)
        }
        return (mid(walls), mid(cpus))
    }

    static func mid(_ v: [Double]) -> Double {
        let t = v.sorted()
        return t.count % 2 == 1 ? t[t.count / 2] : (t[t.count / 2 - 1] + t[t.count / 2]) / 2
    }

    /// Peak resident memory of this process (VmHWM in /proc/self/status), in MB; nil if unavailable.
    static func peakResidentMB() -> Double? {
        guard let s = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in s.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let kb = line.split(separator: " ").compactMap { Double($0) }.first
            return kb.map { $0 / 1024 }
        }
        return nil
    }
}
