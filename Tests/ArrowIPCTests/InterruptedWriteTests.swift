import ArrowIPC
import Foundation
import XCTest

/// A writer killed by SIGTERM or SIGINT mid-write leaves neither the output nor its temporary file.
///
/// The parent test re-runs this test bundle as a child process that executes `testChildWriterUntilKilled`
/// (which only acts when CONSERVATTACK_INTERRUPT_CHILD_OUTPUT is set): it protects its output with
/// `InterruptCleanup`, writes through an `AtomicFileWriter` in small steps and never finishes.
final class InterruptedWriteTests: XCTestCase {
    static let childEnv = "CONSERVATTACK_INTERRUPT_CHILD_OUTPUT"
    static let unprotectedEnv = "CONSERVATTACK_INTERRUPT_CHILD_UNPROTECTED"

    func testChildWriterUntilKilled() throws {
        guard let output = ProcessInfo.processInfo.environment[Self.childEnv] else {
            throw XCTSkip("child half of InterruptedWriteTests (runs only when \(Self.childEnv) is set)")
        }
        if ProcessInfo.processInfo.environment[Self.unprotectedEnv] == nil { InterruptCleanup.protect(output) }
        let w = try AtomicFileWriter(path: output)
        let chunk = [UInt8](repeating: 0xAB, count: 1 << 14)
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            try w.write(chunk)
            usleep(2_000)
        }
        XCTFail("the child writer was never interrupted")
    }

    func testSIGTERMLeavesNoOutput() throws {
        XCTAssertEqual(try interrupt(with: SIGTERM, protected: true), [], "an interrupted write left files behind")
    }

    func testSIGINTLeavesNoOutput() throws {
        XCTAssertEqual(try interrupt(with: SIGINT, protected: true), [], "an interrupted write left files behind")
    }

    /// Control: without `InterruptCleanup` the signal's default action leaves the temporary file (but never
    /// the output), so the two tests above do observe the cleanup.
    func testUnprotectedWriterLeavesOnlyItsTemporary() throws {
        let left = try interrupt(with: SIGTERM, protected: false)
        XCTAssertEqual(left.count, 1, "\(left)")
        XCTAssertTrue(left.allSatisfy { $0.hasPrefix(".out.arrow.tmp-") }, "\(left)")
    }

    func testRemoveTemporariesMatchesOnlyThisProcess() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let output = dir.appendingPathComponent("out.arrow").path
        let mine = try AtomicFileWriter(path: output)
        try mine.write([1, 2, 3])
        let other = dir.appendingPathComponent(".out.arrow.tmp-\(getpid() + 1)-x").path
        let unrelated = dir.appendingPathComponent(".other.arrow.tmp-\(getpid())-x").path
        _ = FileManager.default.createFile(atPath: other, contents: Data([1]))
        _ = FileManager.default.createFile(atPath: unrelated, contents: Data([1]))
        XCTAssertEqual(InterruptCleanup.removeTemporaries(of: output), 1)
        XCTAssertFalse(FileManager.default.fileExists(atPath: mine.temporaryPath))
        XCTAssertTrue(FileManager.default.fileExists(atPath: other))
        XCTAssertTrue(FileManager.default.fileExists(atPath: unrelated))
        mine.abort()
    }

    private func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("conservattack-interrupt-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Runs the child writer, interrupts it with `sig` once it is writing; returns the files left in its directory.
    private func interrupt(with sig: Int32, protected: Bool) throws -> [String] {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let output = dir.appendingPathComponent("out.arrow").path
        let testBinary = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: testBinary)
        p.arguments = ["ArrowIPCTests.InterruptedWriteTests/testChildWriterUntilKilled"]
        var env = ProcessInfo.processInfo.environment
        env[Self.childEnv] = output
        if !protected { env[Self.unprotectedEnv] = "1" }
        p.environment = env
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        defer { if p.isRunning { kill(p.processIdentifier, SIGKILL); p.waitUntilExit() } }

        // Wait until the child's temporary file exists and is growing.
        var temporary: String?
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline, p.isRunning {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
            if let t = names.first(where: { $0.hasPrefix(".out.arrow.tmp-") }),
               let size = (try? FileManager.default.attributesOfItem(atPath: dir.appendingPathComponent(t).path))?[.size] as? Int,
               size > 0 {
                temporary = t; break
            }
            usleep(10_000)
        }
        XCTAssertNotNil(temporary, "the child never started writing")
        XCTAssertTrue(p.isRunning, "the child ended before being interrupted")

        kill(p.processIdentifier, sig)
        let exitDeadline = Date().addingTimeInterval(10)
        while p.isRunning && Date() < exitDeadline { usleep(10_000) }
        XCTAssertFalse(p.isRunning, "the child did not stop within 10 s of signal \(sig)")
        p.waitUntilExit()
        XCTAssertEqual(p.terminationReason, .uncaughtSignal, "the child should end by the signal itself")
        XCTAssertEqual(p.terminationStatus, sig)
        return try FileManager.default.contentsOfDirectory(atPath: dir.path)
    }
}
