import ArgumentParser
import Foundation

/// Runs a planned sharded attack on Slurm: the missing shards as one job array (`sbatch --array`), then the
/// merge and the validation as jobs depending on it (`afterok`, `--kill-on-invalid-dep=yes`: a failed shard
/// cancels them instead of leaving them pending). Waits with progress (polling `scontrol`: no `sacct`, which
/// needs slurmdbd), and fails naming a failed job or task and its log. The job ids go to `WORK/slurm/jobs.json`.
struct SlurmDriver {
    var work: ShardWorkDirectory
    var plan: ShardPlan
    var shards: [Int]
    var sbatchArguments: [String] = []
    var force = false
    var quiet = false
    var poll: Double = 0.5

    struct Jobs: Codable {
        var array: String?
        var shards: [Int]
        var merge: String
        var validate: String
    }

    /// Slurm's end states other than COMPLETED.
    static let failedStates: Set<String> = ["FAILED", "CANCELLED", "TIMEOUT", "NODE_FAIL", "OUT_OF_MEMORY", "BOOT_FAIL",
                                            "DEADLINE", "PREEMPTED", "REVOKED", "SPECIAL_EXIT"]

    /// Submits and waits; returns the summary the validation job wrote.
    func run() throws -> String {
        for tool in ["sbatch", "scontrol"] where Self.which(tool) == nil {
            throw ValidationError("--slurm: `\(tool)` is not on PATH (install slurm-client, or run without --slurm)")
        }
        try checkNoLiveJobs()
        let fm = FileManager.default
        try fm.createDirectory(atPath: work.slurmPath, withIntermediateDirectories: true)
        try fm.createDirectory(atPath: work.logsPath, withIntermediateDirectories: true)
        try? fm.removeItem(atPath: work.path + "/summary.txt")
        let bin = LocalShardRunner.executable
        let forceFlag = force ? " --force" : ""
        try script("shard.sh", "exec \(q(bin)) shard attack --work-dir \(q(work.path)) --index \"$SLURM_ARRAY_TASK_ID\" --quiet")
        try script("merge.sh", "exec \(q(bin)) shard merge --work-dir \(q(work.path)) --quiet\(forceFlag)")
        try script("validate.sh", "exec \(q(bin)) shard validate --work-dir \(q(work.path)) --quiet\(forceFlag)")
        var array: String? = nil
        if !shards.isEmpty {
            array = try sbatch(["--array=" + shards.map { String($0) }.joined(separator: ","), "--job-name=conservattack-shard",
                                "--output=" + work.logsPath + "/shard-%a.log"], script: "shard.sh")
        }
        let dependency = array.map { ["--dependency=afterok:" + $0, "--kill-on-invalid-dep=yes"] } ?? []
        let merge = try sbatch(dependency + ["--job-name=conservattack-merge", "--output=" + work.logsPath + "/merge.log"], script: "merge.sh")
        let validate = try sbatch(["--dependency=afterok:" + merge, "--kill-on-invalid-dep=yes", "--job-name=conservattack-validate",
                                   "--output=" + work.logsPath + "/validate.log"], script: "validate.sh")
        let jobs = Jobs(array: array, shards: shards, merge: merge, validate: validate)
        try writeAtomically(Array(try JSONEncoder().encode(jobs)), to: work.slurmPath + "/jobs.json")
        say("submitted \(shards.count) of \(plan.shards) shards" + (array.map { " as job array \($0)" } ?? "")
            + ", merge job \(merge), validation job \(validate); logs in \(work.logsPath)")
        try wait(jobs)
        guard let summary = try? String(contentsOfFile: work.path + "/summary.txt", encoding: .utf8) else {
            throw ValidationError("validation job \(validate) completed but wrote no \(work.path)/summary.txt: see \(work.logsPath)/validate.log")
        }
        return summary
    }

    /// Refuses to submit while jobs of an earlier submission from this work directory are still queued or
    /// running (they would write the same results).
    private func checkNoLiveJobs() throws {
        guard let data = try? Data(contentsOf: URL(fileURLWithPath: work.slurmPath + "/jobs.json")),
              let old = try? JSONDecoder().decode(Jobs.self, from: data) else { return }
        for id in [old.array, old.merge, old.validate].compactMap({ $0 }) {
            let live = try states(id).filter { !Self.failedStates.contains($0.1) && $0.1 != "COMPLETED" }
            if !live.isEmpty {
                throw ValidationError("job \(id) of an earlier submission from \(work.path) is still \(live[0].1): wait for it or `scancel \(id)`")
            }
        }
    }

    /// Polls until the validation job ends; throws naming the first failed task or job and its log.
    private func wait(_ jobs: Jobs) throws {
        let bar = ProgressLine("slurm", quiet: quiet)
        var lastLine = ""
        while true {
            var shardState: [Int: String] = [:]
            if let a = jobs.array { for (task, state) in try states(a) { if let t = task { shardState[t] = state } } }
            // A task no longer listed (purged after MinJobAge) counts as done when its result is there.
            for i in jobs.shards where shardState[i] == nil {
                shardState[i] = FileManager.default.fileExists(atPath: work.resultPath(i, of: plan.shards)) ? "COMPLETED" : "PENDING"
            }
            for i in jobs.shards.sorted() where Self.failedStates.contains(shardState[i] ?? "") {
                cancel([jobs.merge, jobs.validate])
                throw ValidationError("shard \(i) (Slurm job \(jobs.array ?? "?")_\(i)) \(shardState[i]!): see \(work.logPath(shard: i))"
                                      + LocalShardRunner.lastLine(work.logPath(shard: i))
                                      + "\nrerun the same command: only the missing shards are submitted again")
            }
            let merge = try states(jobs.merge).first?.1 ?? "UNKNOWN", validate = try states(jobs.validate).first?.1 ?? "UNKNOWN"
            for (what, id, state, log) in [("merge", jobs.merge, merge, "merge.log"), ("validation", jobs.validate, validate, "validate.log")]
            where Self.failedStates.contains(state) {
                throw ValidationError("\(what) job \(id) \(state): see \(work.logsPath)/\(log)" + LocalShardRunner.lastLine(work.logsPath + "/" + log))
            }
            let done = jobs.shards.filter { shardState[$0] == "COMPLETED" }.count
            let running = jobs.shards.filter { shardState[$0] == "RUNNING" }.count
            let line = "shards \(done)/\(jobs.shards.count) done, \(running) running · merge \(merge) · validation \(validate)"
            if line != lastLine { bar.update(done, of: max(1, jobs.shards.count), line, force: true); lastLine = line }
            if validate == "COMPLETED" { break }
            if validate == "UNKNOWN" && merge == "UNKNOWN" {
                if FileManager.default.fileExists(atPath: work.path + "/summary.txt") { break }
                throw ValidationError("Slurm no longer lists the merge (\(jobs.merge)) and validation (\(jobs.validate)) jobs and no summary was written: see \(work.logsPath)")
            }
            Thread.sleep(forTimeInterval: poll)
        }
        bar.finish()
    }

    /// (array task or nil, state) of every record of a job, from `scontrol -o show job` (empty: not listed).
    func states(_ id: String) throws -> [(Int?, String)] {
        let r = try Self.capture("scontrol", ["-o", "show", "job", id])
        guard r.status == 0 else {
            if r.stderr.contains("Invalid job id") { return [] }
            throw ValidationError("scontrol show job \(id): \(r.stderr.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        var out: [(Int?, String)] = []
        for line in r.stdout.split(separator: "\n") {
            let fields = Dictionary(line.split(separator: " ").compactMap { f -> (String, String)? in
                guard let eq = f.firstIndex(of: "=") else { return nil }
                return (String(f[..<eq]), String(f[f.index(after: eq)...]))
            }, uniquingKeysWith: { a, _ in a })
            guard let state = fields["JobState"] else { continue }
            if let tasks = fields["ArrayTaskId"] {
                for t in Self.taskIndices(tasks) { out.append((t, state)) }
            } else {
                out.append((nil, state))
            }
        }
        return out
    }

    /// "3", "0-3", "1,3,5-7", "0-3%2" → the indices.
    static func taskIndices(_ spec: String) -> [Int] {
        let body = spec.split(separator: "%").first.map(String.init) ?? spec
        return body.split(separator: ",").flatMap { part -> [Int] in
            let ends = part.split(separator: "-").compactMap { Int($0) }
            if ends.count == 2, ends[0] <= ends[1] { return Array(ends[0]...ends[1]) }
            return ends.count == 1 ? ends : []
        }
    }

    private func cancel(_ ids: [String]) { _ = try? Self.capture("scancel", ids) }

    private func sbatch(_ arguments: [String], script name: String) throws -> String {
        let r = try Self.capture("sbatch", ["--parsable"] + arguments + sbatchArguments + [work.slurmPath + "/" + name])
        let id = r.stdout.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) } ?? ""
        guard r.status == 0, !id.isEmpty, id.allSatisfy(\.isNumber) else {
            throw ValidationError("sbatch \(name) failed (status \(r.status)): \(r.stderr.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        return id
    }

    private func script(_ name: String, _ command: String) throws {
        let path = work.slurmPath + "/" + name
        try writeAtomically(Array("#!/bin/sh\n# written by conservattack run --slurm\n\(command)\n".utf8), to: path)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
    }

    /// Single-quoted for sh.
    private func q(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    private func say(_ s: String) { if !quiet { FileHandle.standardError.write(Data("slurm: \(s)\n".utf8)) } }

    static func which(_ tool: String) -> String? {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let p = "\(dir)/\(tool)"
            if FileManager.default.isExecutableFile(atPath: p) { return p }
        }
        return nil
    }

    /// Runs a tool from PATH; its status, stdout and stderr.
    static func capture(_ tool: String, _ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        guard let path = which(tool) else { throw ValidationError("`\(tool)` is not on PATH") }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = arguments
        let out = Pipe(), err = Pipe()
        p.standardOutput = out; p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }

    /// `--sbatch-args "..."` split into words (single and double quotes group).
    static func splitArguments(_ s: String) -> [String] {
        var words: [String] = [], cur = "", quote: Character? = nil, inWord = false
        for ch in s {
            if let qc = quote { if ch == qc { quote = nil } else { cur.append(ch) }; continue }
            if ch == "'" || ch == "\"" { quote = ch; inWord = true }
            else if ch == " " || ch == "\t" { if inWord { words.append(cur); cur = ""; inWord = false } }
            else { cur.append(ch); inWord = true }
        }
        if inWord { words.append(cur) }
        return words
    }
}
