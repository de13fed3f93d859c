import Foundation
import TestSupport
import XCTest

/// The lower-level steps (`shard plan`, `shard attack`, `shard merge`) and the faults merge must refuse:
/// a missing, duplicated, corrupt or truncated shard result, each with a clear error and no output written.
final class ShardFaultTests: XCTestCase {
    func testMergeRefusesMissingDuplicatedAndCorruptShardResults() throws {
        let bin = try XCTUnwrap(Fixtures.binary)
        let dir = try ShardDemo.directory.get()
        let config = dir.appendingPathComponent("run.toml").path
        let work = dir.appendingPathComponent("faults-work")
        let sets = ShardDemo.outputs("faults") + ["--set", "attack.iterations=1"]
        let plan = try Fixtures.run(bin, ["shard", "plan", config, "--shards", "3", "--work-dir", work.path] + sets)
        XCTAssertEqual(plan.status, 0, plan.stderr)
        XCTAssertTrue(plan.stdout.contains("shards to run: 0 1 2"), plan.stdout)
        // The index can come from the environment, as in a Slurm array task; here the flag.
        for i in 0..<3 {
            let r = try Fixtures.run(bin, ["shard", "attack", "--work-dir", work.path, "--index", String(i), "--quiet"], timeout: 600)
            XCTAssertEqual(r.status, 0, r.stderr)
        }
        let again = try Fixtures.run(bin, ["shard", "plan", config, "--shards", "3", "--work-dir", work.path] + sets)
        XCTAssertTrue(again.stdout.contains("shards to run: none"), again.stdout)

        let shards = work.appendingPathComponent("shards")
        let one = shards.appendingPathComponent("shard-0001-of-0003.cas")
        let good = try Data(contentsOf: one)
        let outputs = ["faults/p.root", "faults/p.arrow", "faults/metrics.json"].map { dir.appendingPathComponent($0).path }
        func mergeFails(_ expected: String, _ what: String) throws {
            let r = try Fixtures.run(bin, ["shard", "merge", "--work-dir", work.path, "--quiet"], timeout: 600)
            XCTAssertEqual(r.status, 1, "\(what): \(r.stdout)")
            XCTAssertTrue(r.stderr.contains(expected), "\(what): \(r.stderr)")
            XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, "\(what): one line: \(r.stderr)")
            for o in outputs { XCTAssertFalse(FileManager.default.fileExists(atPath: o), "\(what): \(o) written") }
            let leftovers = (try? FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("faults").path)) ?? []
            XCTAssertEqual(leftovers.filter { $0.contains(".tmp-") }, [], "\(what): temporary files left")
        }

        try FileManager.default.removeItem(at: one)
        try mergeFails("missing shard result 1 of 3", "missing")

        try good.write(to: one)
        try FileManager.default.copyItem(at: shards.appendingPathComponent("shard-0000-of-0003.cas"),
                                         to: shards.appendingPathComponent("copy-of-shard-0.cas"))
        try mergeFails("shard 0 is duplicated", "duplicated")
        try FileManager.default.removeItem(at: shards.appendingPathComponent("copy-of-shard-0.cas"))

        var flipped = good
        flipped[flipped.count / 2] ^= 0x40
        try flipped.write(to: one)
        try mergeFails("shard-0001-of-0003.cas: corrupt shard result at byte \(good.count - 8): checksum", "flipped byte")

        try good.prefix(good.count - 100).write(to: one)
        try mergeFails("shard-0001-of-0003.cas: corrupt shard result at byte 32", "truncated")

        try Data("not a shard".utf8).write(to: one)
        try mergeFails("corrupt shard result", "garbage")

        // Restored: the merge succeeds, and validation writes the report and the summary.
        try good.write(to: one)
        let merged = try Fixtures.run(bin, ["shard", "merge", "--work-dir", work.path, "--quiet"], timeout: 600)
        XCTAssertEqual(merged.status, 0, merged.stderr)
        for o in outputs { XCTAssertTrue(FileManager.default.fileExists(atPath: o), o) }
        let validated = try Fixtures.run(bin, ["shard", "validate", "--work-dir", work.path, "--quiet"], timeout: 600)
        XCTAssertEqual(validated.status, 0, validated.stderr)
        XCTAssertTrue(validated.stdout.contains("nominal-vs-perturbed checks would notice"), validated.stdout)
        XCTAssertTrue(FileManager.default.fileExists(atPath: work.appendingPathComponent("summary.txt").path))
        let metrics = try ShardDemo.json(dir.appendingPathComponent("faults/metrics.json"))
        XCTAssertEqual(metrics["constraints_met"] as? Bool, true)
        XCTAssertEqual(metrics["events"] as? Int, ShardDemo.events)
    }

    func testAPlanForOtherSettingsMakesOldShardResultsStale() throws {
        let bin = try XCTUnwrap(Fixtures.binary)
        let dir = try ShardDemo.directory.get()
        let config = dir.appendingPathComponent("run.toml").path
        let work = dir.appendingPathComponent("stale-work")
        let sets = ShardDemo.outputs("stale") + ["--set", "attack.iterations=1"]
        XCTAssertEqual(try Fixtures.run(bin, ["shard", "plan", config, "--shards", "2", "--work-dir", work.path] + sets).status, 0)
        let r = try Fixtures.run(bin, ["shard", "attack", "--work-dir", work.path, "--index", "0", "--quiet"], timeout: 600)
        XCTAssertEqual(r.status, 0, r.stderr)
        let bad = try Fixtures.run(bin, ["shard", "attack", "--work-dir", work.path, "--index", "2"])
        XCTAssertEqual(bad.status, 1)
        XCTAssertTrue(bad.stderr.contains("shard 2: the plan in"), bad.stderr)
        // Another seed: another plan; the old result no longer counts.
        let other = try Fixtures.run(bin, ["shard", "plan", config, "--shards", "2", "--work-dir", work.path] + sets + ["--set", "attack.seed=7"])
        XCTAssertEqual(other.status, 0, other.stderr)
        XCTAssertTrue(other.stdout.contains("shards to run: 0 1"), other.stdout)
        XCTAssertTrue(other.stderr.contains("holds another plan"), other.stderr)
    }
}
