import Foundation
import TestSupport
import XCTest

/// `conservattack run CONFIG --shards N` on this machine's cores: the single run's outputs, constraints met on
/// the whole sample; a rerun runs only the missing shards.
final class ShardRunTests: XCTestCase {
    func testTwoLocalShardsLeaveTheSingleRunsOutputsWithTheGlobalConstraintsMet() throws {
        let bin = try XCTUnwrap(Fixtures.binary)
        let dir = try ShardDemo.directory.get()
        let config = dir.appendingPathComponent("run.toml").path
        let r = try Fixtures.run(bin, ["run", config, "--shards", "2", "--quiet"] + ShardDemo.outputs("s2"), timeout: 900)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("ConservAttack summary") && r.stdout.contains("merge: 2 shards"), r.stdout)
        let (sharded, single) = try ShardDemo.checkAgainstSingleRun(bin, dir, "s2")
        XCTAssertGreaterThan(sharded, 0, "sharded \(sharded), single \(single)")
        let work = dir.appendingPathComponent("s2/conservattack-shards")
        for i in 0..<2 {
            XCTAssertTrue(FileManager.default.fileExists(atPath: work.appendingPathComponent("shards/shard-000\(i)-of-0002.cas").path))
        }

        // A lost shard result: the rerun runs that shard only and ends with the same outputs.
        let lost = work.appendingPathComponent("shards/shard-0001-of-0002.cas")
        let kept = work.appendingPathComponent("shards/shard-0000-of-0002.cas")
        let keptBytes = try Data(contentsOf: kept)
        let keptDate = try FileManager.default.attributesOfItem(atPath: kept.path)[.modificationDate] as? Date
        let metricsBefore = try Data(contentsOf: dir.appendingPathComponent("s2/metrics.json"))
        try FileManager.default.removeItem(at: lost)
        let again = try Fixtures.run(bin, ["run", config, "--shards", "2", "--force"] + ShardDemo.outputs("s2"), timeout: 900)
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertTrue(again.stderr.contains("1 of 2 shard results already in"), again.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: lost.path))
        XCTAssertEqual(try Data(contentsOf: kept), keptBytes)
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: kept.path)[.modificationDate] as? Date, keptDate)
        // The attack is deterministic: the same merged metrics except the timing.
        var a = try XCTUnwrap(try JSONSerialization.jsonObject(with: metricsBefore) as? [String: Any])
        var b = try ShardDemo.json(dir.appendingPathComponent("s2/metrics.json"))
        for key in ["seconds", "iterations"] { a[key] = nil; b[key] = nil }
        XCTAssertEqual(NSDictionary(dictionary: a), NSDictionary(dictionary: b))
    }

    func testShardsNeedAConfigurationAndRefuseTooManyShards() throws {
        let bin = try XCTUnwrap(Fixtures.binary)
        let dir = try ShardDemo.directory.get()
        let config = dir.appendingPathComponent("run.toml").path
        let r = try Fixtures.run(bin, ["run", config, "--shards", String(ShardDemo.events + 1)] + ShardDemo.outputs("too-many"))
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("the sample has only \(ShardDemo.events) events"), r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("too-many/metrics.json").path))
        let s = try Fixtures.run(bin, ["run", config, "--slurm"])
        XCTAssertNotEqual(s.status, 0)
        XCTAssertTrue(s.stderr.contains("--slurm needs --shards N"), s.stderr)
    }
}
