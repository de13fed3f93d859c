import Foundation
import TestSupport
import XCTest

/// Truncations and seeded byte flips of every ROOT fixture, each read by the built
/// `conservattack digest` in its own child process with a timeout: every run must end in a correct
/// result or a clear one-line error — never a signal (trap, sanitizer abort), a hang, or other output.
///
/// Needs .build/debug/conservattack (`swift build` first); skips with a message when it is absent.
final class CorruptionSweepTests: XCTestCase {
    /// Cuts per file, at size * k / (truncations + 1).
    static let truncations = 20
    /// Single-byte mutations per file (XOR with a non-zero value at a seeded position).
    static let flips = 200
    /// Per-run wall-clock limit; a run that needs longer is reported as a hang.
    static let timeout: TimeInterval = 15

    /// The committed fixtures, plus a few small real files from ../shared when present.
    static func inputFiles() -> [String] {
        var files: [String] = []
        let dir = Fixtures.path("rootio")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
        files += names.filter { $0.hasSuffix(".root") }.sorted().map { "\(dir)/\($0)" }
        if let shared = Fixtures.shared?.appendingPathComponent("rootfiles") {
            for name in ["uproot-simple.root", "uproot-nesteddirs.root"] {
                let p = shared.appendingPathComponent(name).path
                if FileManager.default.fileExists(atPath: p) { files.append(p) }
            }
        }
        return files
    }

    enum Outcome: Equatable {
        case digest(String)
        case cleanError(String)
        case bad(String)
    }

    func testTruncationsAndByteFlipsEndInResultOrCleanError() throws {
        guard let binary = Fixtures.binary else {
            throw XCTSkip("CorruptionSweepTests: .build/debug/conservattack not built (run `swift build`); sweep skipped")
        }
        let files = Self.inputFiles()
        XCTAssertGreaterThanOrEqual(files.count, 5, "expected the fixtures/rootio ROOT files")
        let work = try Fixtures.temporaryDirectory("sweep")
        defer { try? FileManager.default.removeItem(at: work) }

        let started = Date()
        var totals = (digests: 0, errors: 0)
        for (fileIndex, path) in files.enumerated() {
            let original = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
            let name = URL(fileURLWithPath: path).lastPathComponent
            let intact = Self.run(binary, bytes: original, name: "intact-\(name)", in: work)
            guard case .digest(let reference) = intact else {
                XCTFail("\(name): the intact file does not digest: \(intact)"); continue
            }
            var cases: [(label: String, bytes: [UInt8], mustMatch: Bool)] = []
            for k in 1...Self.truncations {
                let cut = original.count * k / (Self.truncations + 1)
                cases.append(("\(name) cut at \(cut)", Array(original[0..<cut]), true))
            }
            var rng = SplitMix(seed: 0x5EED_0000 &+ UInt64(fileIndex))
            for _ in 0..<Self.flips {
                var bytes = original
                let at = Int(rng.next() % UInt64(bytes.count))
                let mask = UInt8(1 + rng.next() % 255)
                bytes[at] ^= mask
                cases.append(("\(name) byte \(at) ^ \(mask)", bytes, false))
            }
            let outcomes = Self.runAll(binary, cases.enumerated().map { ($0.element.bytes, "\(fileIndex)-\($0.offset)") }, in: work)
            for (c, outcome) in zip(cases, outcomes) {
                switch outcome {
                case .digest(let json):
                    totals.digests += 1
                    // A cut file that still reads must read exactly what the whole file holds.
                    if c.mustMatch && Self.trees(json) != Self.trees(reference) {
                        XCTFail("\(c.label): digest differs from the intact file's")
                    }
                case .cleanError:
                    totals.errors += 1
                case .bad(let why):
                    XCTFail("\(c.label): \(why)")
                }
            }
        }
        let seconds = Date().timeIntervalSince(started)
        print("CorruptionSweepTests: \(files.count) files, \(totals.digests) digests, \(totals.errors) clean errors in \(String(format: "%.1f", seconds)) s")
        XCTAssertGreaterThan(totals.errors, 0, "corruption never produced an error: the sweep is not reaching the reader")
    }

    /// The digest's trees, canonically serialised (the "file" field names the temporary copy).
    static func trees(_ json: String) -> Data? {
        guard let obj = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any],
              let trees = obj["trees"] else { return nil }
        return try? JSONSerialization.data(withJSONObject: trees, options: [.sortedKeys])
    }

    /// Runs the cases on a few child processes at a time, preserving order.
    static func runAll(_ binary: String, _ cases: [(bytes: [UInt8], name: String)], in dir: URL) -> [Outcome] {
        var results = [Outcome](repeating: .bad("not run"), count: cases.count)
        let lock = NSLock()
        let workers = 3
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            for i in stride(from: w, to: cases.count, by: workers) {
                let o = run(binary, bytes: cases[i].bytes, name: cases[i].name, in: dir)
                lock.lock(); results[i] = o; lock.unlock()
            }
        }
        return results
    }

    /// Writes the bytes to a file, digests it in a child process and classifies the ending.
    static func run(_ binary: String, bytes: [UInt8], name: String, in dir: URL) -> Outcome {
        let input = dir.appendingPathComponent("\(name).root")
        let out = dir.appendingPathComponent("\(name).out"), err = dir.appendingPathComponent("\(name).err")
        defer { for u in [input, out, err] { try? FileManager.default.removeItem(at: u) } }
        do {
            try Data(bytes).write(to: input)
            _ = FileManager.default.createFile(atPath: out.path, contents: nil)
            _ = FileManager.default.createFile(atPath: err.path, contents: nil)
            let p = Process()
            p.executableURL = URL(fileURLWithPath: binary)
            p.arguments = ["digest", input.path, "--threads", "1"]
            p.standardOutput = try FileHandle(forWritingTo: out)
            p.standardError = try FileHandle(forWritingTo: err)
            try p.run()
            let deadline = Date().addingTimeInterval(timeout)
            while p.isRunning && Date() < deadline { usleep(2_000) }
            if p.isRunning {
                kill(p.processIdentifier, SIGKILL)
                p.waitUntilExit()
                return .bad("no answer within \(Int(timeout)) s (hang)")
            }
            p.waitUntilExit()
            let stdout = String(decoding: try Data(contentsOf: out), as: UTF8.self)
            let stderr = String(decoding: try Data(contentsOf: err), as: UTF8.self)
            if p.terminationReason == .uncaughtSignal {
                return .bad("killed by signal \(p.terminationStatus): \(stderr.suffix(600))")
            }
            switch p.terminationStatus {
            case 0:
                guard let data = stdout.data(using: .utf8),
                      let obj = try? JSONSerialization.jsonObject(with: data) as? [String: Any], obj["trees"] != nil else {
                    return .bad("exit 0 without a JSON digest: \(stdout.prefix(300))")
                }
                return .digest(stdout)
            case 1:
                let lines = stderr.split(separator: "\n")
                guard lines.count == 1, lines[0].hasPrefix("conservattack: error: "), stdout.isEmpty else {
                    return .bad("exit 1 without a one-line error: \(stderr.prefix(600))")
                }
                return .cleanError(String(lines[0]))
            default:
                return .bad("exit status \(p.terminationStatus): \(stderr.suffix(600))")
            }
        } catch {
            return .bad("could not run the child process: \(error)")
        }
    }
}

/// A small seeded generator, so the sweep's cases are the same on every run.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
