import Foundation
import TestSupport
import XCTest

/// `conservattack run CONFIG --shards N --slurm` on a real one-node Slurm cluster on loopback
/// (scripts/one-node-slurm.sh starts it for this class and stops it by the PIDs it started).
/// Skipped when Slurm or munge is not installed (scripts/install-deps.sh --slurm) or not running as root.
final class SlurmShardTests: XCTestCase {
    static var cluster: URL?
    static var skipReason: String?

    override class func setUp() {
        super.setUp()
        let script = Fixtures.repositoryRoot.appendingPathComponent("scripts/one-node-slurm.sh").path
        guard let dir = try? Fixtures.temporaryDirectory("slurm") else { skipReason = "no temporary directory"; return }
        // Output to a file, not a pipe: the daemons outlive the script.
        let log = dir.path + "/start.log"
        guard let r = try? Fixtures.run("/bin/bash", ["-c", "exec \"$0\" start \"$1\" >\"$2\" 2>&1 </dev/null", script, dir.path + "/cluster", log],
                                        timeout: 120) else { skipReason = "cannot run \(script)"; return }
        let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        if r.status == 2 { skipReason = "no one-node Slurm cluster: \(output.trimmingCharacters(in: .whitespacesAndNewlines))"; return }
        guard r.status == 0 else { skipReason = "one-node-slurm.sh start failed: \(output)"; _ = try? Fixtures.run("/bin/bash", [script, "stop", dir.path + "/cluster"]); return }
        cluster = dir
        setenv("SLURM_CONF", dir.appendingPathComponent("cluster/slurm.conf").path, 1)
    }


    override class func tearDown() {
        if let dir = cluster {
            let script = Fixtures.repositoryRoot.appendingPathComponent("scripts/one-node-slurm.sh").path
            _ = try? Fixtures.run("/bin/bash", ["-c", "exec \"$0\" stop \"$1\" >/dev/null 2>&1 </dev/null", script, dir.path + "/cluster"],
                                  timeout: 120)
            unsetenv("SLURM_CONF")
            try? FileManager.default.removeItem(at: dir)
        }
        super.tearDown()
    }

    override func setUpWithError() throws {
        if let reason = Self.skipReason { throw XCTSkip(reason) }
    }

    func testFourShardsAsAJobArrayLeaveTheSingleRunsOutputs() throws {
        let bin = try XCTUnwrap(Fixtures.binary)
        let dir = try ShardDemo.directory.get()
        let r = try Fixtures.run(bin, ["run", dir.appendingPathComponent("run.toml").path, "--shards", "4", "--slurm",
                                       "--sbatch-args", "--time=30 --job-name=ca-test"] + ShardDemo.outputs("slurm4"), timeout: 900)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("submitted 4 of 4 shards as job array"), r.stderr)
        XCTAssertTrue(r.stdout.contains("ConservAttack summary") && r.stdout.contains("merge: 4 shards"), r.stdout)
        let (sharded, single) = try ShardDemo.checkAgainstSingleRun(bin, dir, "slurm4")
        XCTAssertGreaterThan(sharded, 0, "sharded \(sharded), single \(single)")
        let log = dir.appendingPathComponent("slurm4/conservattack-shards/logs/shard-3.log").path
        XCTAssertTrue(try String(contentsOfFile: log, encoding: .utf8).contains("shard 3 →"))
    }

    func testACancelledShardIsNamedAndARerunRunsOnlyIt() throws {
        let bin = try XCTUnwrap(Fixtures.binary)
        let dir = try ShardDemo.directory.get()
        let args = ["run", dir.appendingPathComponent("run.toml").path, "--shards", "4", "--slurm"] + ShardDemo.outputs("cancel")
        let work = dir.appendingPathComponent("cancel/conservattack-shards")
        let driver = Process()
        driver.executableURL = URL(fileURLWithPath: bin)
        driver.arguments = args
        let err = Pipe()
        driver.standardError = err
        driver.standardOutput = FileHandle.nullDevice
        try driver.run()
        // Wait for the array and shard 0 running, then cancel that task.
        var array: String?
        let deadline = Date().addingTimeInterval(300)
        while Date() < deadline, array == nil {
            if let data = try? Data(contentsOf: work.appendingPathComponent("slurm/jobs.json")),
               let jobs = try? JSONSerialization.jsonObject(with: data) as? [String: Any] { array = jobs["array"] as? String }
            usleep(100_000)
        }
        let arrayID = try XCTUnwrap(array, "no jobs.json")
        var cancelled = false
        while Date() < deadline, !cancelled {
            let s = try Fixtures.run("/usr/bin/env", ["scontrol", "-o", "show", "job", "\(arrayID)_0"])
            if s.stdout.contains("JobState=RUNNING") {
                XCTAssertEqual(try Fixtures.run("/usr/bin/env", ["scancel", "\(arrayID)_0"]).status, 0)
                cancelled = true
            } else if s.stdout.contains("JobState=COMPLETED") {
                XCTFail("shard 0 finished before it could be cancelled"); break
            }
            usleep(100_000)
        }
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        driver.waitUntilExit()
        let stderr = String(decoding: errData, as: UTF8.self)
        XCTAssertEqual(driver.terminationStatus, 1, stderr)
        XCTAssertTrue(stderr.contains("shard 0 (Slurm job \(arrayID)_0) CANCELLED: see \(work.path)/logs/shard-0.log"), stderr)
        for o in ["cancel/p.root", "cancel/p.arrow", "cancel/metrics.json", "cancel/report/report.json"] {
            XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent(o).path), o)
        }
        // The merge job never runs: cancelled by --kill-on-invalid-dep, not left pending.
        let jobs = try ShardDemo.json(work.appendingPathComponent("slurm/jobs.json"))
        let merge = try XCTUnwrap(jobs["merge"] as? String)
        var mergeState = ""
        for _ in 0..<100 {
            mergeState = try Fixtures.run("/usr/bin/env", ["scontrol", "-o", "show", "job", merge]).stdout
            if mergeState.contains("JobState=CANCELLED") { break }
            usleep(100_000)
        }
        XCTAssertTrue(mergeState.contains("JobState=CANCELLED"), mergeState)

        // Wait for the other shards, then rerun: only shard 0 is submitted again.
        for _ in 0..<3000 {
            let q = try Fixtures.run("/usr/bin/env", ["squeue", "-h", "-j", arrayID])
            if q.stdout.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { break }
            usleep(100_000)
        }
        let rerun = try Fixtures.run(bin, args, timeout: 900)
        XCTAssertEqual(rerun.status, 0, rerun.stderr)
        XCTAssertTrue(rerun.stderr.contains("3 of 4 shard results already in"), rerun.stderr)
        XCTAssertTrue(rerun.stderr.contains("submitted 1 of 4 shards"), rerun.stderr)
        _ = try ShardDemo.checkAgainstSingleRun(bin, dir, "cancel")
    }
}
