import Foundation
import TestSupport
import XCTest

/// `conservattack export` killed by SIGTERM or SIGINT while writing leaves no output and no temporary file.
///
/// The input is the demo's ttbar.root (made by `conservattack demo`, which is stopped as soon as that file
/// is complete); exporting it with lzma:9 takes long enough to be interrupted mid-write.
final class InterruptedExportTests: XCTestCase {
    static let events = 400_000

    func testSIGTERMDuringExportLeavesNothing() throws { try interruptExport(with: SIGTERM, output: "out.root") }
    func testSIGINTDuringArrowExportLeavesNothing() throws { try interruptExport(with: SIGINT, output: "out.arrow") }

    /// Makes ttbar.root in `dir` with the demo command, then stops the demo.
    func makeInput(_ binary: String, in dir: URL) throws -> String {
        let input = dir.appendingPathComponent("ttbar.root").path
        let demo = Process()
        demo.executableURL = URL(fileURLWithPath: binary)
        demo.arguments = ["demo", "--events", "\(Self.events)", "--output", dir.path, "--quiet"]
        demo.standardOutput = FileHandle.nullDevice
        demo.standardError = FileHandle.nullDevice
        try demo.run()
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline && demo.isRunning && !FileManager.default.fileExists(atPath: input) { usleep(20_000) }
        if demo.isRunning { kill(demo.processIdentifier, SIGKILL) }
        demo.waitUntilExit()
        guard FileManager.default.fileExists(atPath: input) else { throw XCTSkip("the demo did not write ttbar.root in time") }
        return input
    }

    func interruptExport(with sig: Int32, output name: String) throws {
        guard let binary = Fixtures.binary else {
            throw XCTSkip("InterruptedExportTests: .build/debug/conservattack not built (run `swift build`)")
        }
        let work = try Fixtures.temporaryDirectory("interrupt-export")
        defer { try? FileManager.default.removeItem(at: work) }
        let input = try makeInput(binary, in: work)
        let outDir = work.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: outDir, withIntermediateDirectories: true)
        let output = outDir.appendingPathComponent(name).path

        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary)
        // The slowest codec of each format (lzma is ROOT-only; an Arrow output takes lz4, zstd:N or none).
        let codec = name.hasSuffix(".root") ? "lzma:9" : "zstd:19"
        p.arguments = ["export", input, "--output", output, "--compression", codec, "--threads", "1"]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        defer { if p.isRunning { kill(p.processIdentifier, SIGKILL); p.waitUntilExit() } }

        // Interrupt as soon as the temporary output exists.
        var sawTemporary = false
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline && p.isRunning {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: outDir.path)) ?? []
            if names.contains(where: { $0.hasPrefix(".\(name).tmp-") }) { sawTemporary = true; break }
            usleep(1_000)
        }
        if !p.isRunning, p.terminationReason == .exit, p.terminationStatus != 0 {
            return XCTFail("export failed (status \(p.terminationStatus)) instead of running until interrupted")
        }
        guard sawTemporary, p.isRunning else {
            throw XCTSkip("export finished before it could be interrupted (machine too fast for \(Self.events) events)")
        }
        kill(p.processIdentifier, sig)
        let exitDeadline = Date().addingTimeInterval(20)
        while p.isRunning && Date() < exitDeadline { usleep(10_000) }
        XCTAssertFalse(p.isRunning, "export did not stop within 20 s of signal \(sig)")
        p.waitUntilExit()
        XCTAssertEqual(p.terminationReason, .uncaughtSignal)
        XCTAssertEqual(p.terminationStatus, sig)
        let left = try FileManager.default.contentsOfDirectory(atPath: outDir.path)
        XCTAssertEqual(left, [], "an interrupted export left files behind")
    }
}
