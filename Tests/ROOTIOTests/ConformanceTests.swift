import Foundation
import TestSupport
import XCTest
@testable import ROOTIO

/// Our digest of every file in ../shared/rootfiles, scored by shared/tools/compare_digest.py against uproot's.
final class ConformanceTests: XCTestCase {
    func testDigestsMatchUprootOnEverySharedFile() throws {
        guard let shared = Fixtures.shared else {
            throw XCTSkip("../shared/rootfiles not present: conformance against uproot digests skipped")
        }
        let files = shared.appendingPathComponent("rootfiles")
        let names = try FileManager.default.contentsOfDirectory(atPath: files.path).filter { $0.hasSuffix(".root") }.sorted()
        XCTAssertGreaterThan(names.count, 0)
        let out = try Fixtures.temporaryDirectory("digest")
        defer { try? FileManager.default.removeItem(at: out) }
        var scored = 0
        for name in names {
            let expected = files.appendingPathComponent("expected/\(name).json").path
            guard FileManager.default.fileExists(atPath: expected) else { continue }
            let ours = out.appendingPathComponent("\(name).json")
            let digest = try FileDigest.digest(try ROOTFile(path: files.appendingPathComponent(name).path), fileName: name)
            try Data(digest.serialized(indent: 1).utf8).write(to: ours)
            let r = try Fixtures.run("/usr/bin/env", ["python3", shared.appendingPathComponent("tools/compare_digest.py").path,
                                                       expected, ours.path])
            let last = r.stdout.split(separator: "\n").last.map(String.init) ?? ""
            XCTAssertEqual(r.status, 0, "\(name): \(r.stdout.suffix(2000))")
            XCTAssertTrue(last.hasSuffix(" 0 failed"), "\(name): \(last)")
            scored += 1
        }
        print("conformance: \(scored) files scored against uproot digests")
    }
}
