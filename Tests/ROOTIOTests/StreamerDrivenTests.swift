import Foundation
import TestSupport
import XCTest
@testable import ROOTIO

/// The streamer-driven reader of the tree classes (used for versions without a hand-written reader, e.g.
/// TTree v5 of ROOT 4) reads every tree of every shared file and fixture exactly as the hand-written one:
/// same branches, baskets, leaves and element fields, and the same digest.
final class StreamerDrivenTests: XCTestCase {
    func paths() -> [String] {
        var out: [String] = []
        let fixtures = Fixtures.path("rootio")
        for name in (try? FileManager.default.contentsOfDirectory(atPath: fixtures)) ?? [] where name.hasSuffix(".root") {
            out.append("\(fixtures)/\(name)")
        }
        if let shared = Fixtures.shared?.appendingPathComponent("rootfiles") {
            for name in (try? FileManager.default.contentsOfDirectory(atPath: shared.path)) ?? [] where name.hasSuffix(".root") {
                out.append(shared.appendingPathComponent(name).path)
            }
        }
        return out.sorted()
    }

    func describe(_ b: BranchModel) -> String {
        let leaves = b.leaves.map { "\($0.className) \($0.name) \($0.title) \($0.length) \($0.lengthType) \($0.isUnsigned) \($0.leafCount?.name ?? "-") \($0.elementID) \($0.elementType)" }
        return [b.path, b.className, b.title, "\(b.entries) \(b.firstEntry) \(b.writeBasket) \(b.entryOffsetLength) \(b.totalBytes) \(b.zipBytes)",
                "\(b.basketBytes) \(b.basketEntry) \(b.basketSeek) \(b.embeddedBaskets.count)",
                "\(b.elementClassName) \(b.parentName) \(b.clonesName) \(b.classVersion) \(b.elementID) \(b.elementType) \(b.streamerType) \(b.maximum)",
                b.branchCount?.name ?? "-", b.branchCount2?.name ?? "-"].joined(separator: " | ") + " | " + leaves.joined(separator: "; ")
    }

    func testStreamerDrivenReadingEqualsHandWrittenOnEveryTree() throws {
        var compared = 0, withoutStreamers = 0
        for path in paths() {
            let file = try ROOTFile(path: path)
            guard let trees = try? file.treePaths() else { continue }
            for t in trees {
                guard let hand = try? file.tree(t) else { continue }
                let driven: TTree
                do {
                    driven = try file.tree(t, streamerDriven: true)
                } catch let e as ROOTError where e.kind == .unsupported && e.message.contains("TStreamerInfo") {
                    withoutStreamers += 1   // a writer that stores no TStreamerInfo for the tree classes
                    continue
                }
                XCTAssertEqual(driven.entryCount, hand.entryCount, "\(path) \(t)")
                XCTAssertEqual(driven.name, hand.name)
                XCTAssertEqual(driven.title, hand.title)
                XCTAssertEqual(driven.allBranches.map(describe), hand.allBranches.map(describe), "\(path) \(t)")
                let options = DigestOptions(threads: 1)
                let a = try TreeDigest(tree: hand, options: options).run().0.serialized(indent: 0)
                let b = try TreeDigest(tree: driven, options: options).run().0.serialized(indent: 0)
                XCTAssertEqual(a, b, "\(path) \(t)")
                compared += 1
            }
        }
        print("StreamerDrivenTests: \(compared) trees compared, \(withoutStreamers) without TStreamerInfo for TTree")
        XCTAssertGreaterThan(compared, 40)
    }

    func testCounterNameOfPointerMember() {
        XCTAssertEqual(ObjectReader.counterName("[fMaxBaskets] Byte count on each basket"), "fMaxBaskets")
        XCTAssertEqual(ObjectReader.counterName("no brackets"), nil)
    }
}
