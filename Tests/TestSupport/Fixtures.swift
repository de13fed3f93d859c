import Foundation

/// Where tests find the repository's fixtures, the shared data folder and external tools.
public enum Fixtures {
    /// The repository root (the folder holding Package.swift).
    public static let repositoryRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    }()

    /// A file under fixtures/.
    public static func path(_ relative: String) -> String {
        repositoryRoot.appendingPathComponent("fixtures").appendingPathComponent(relative).path
    }

    /// ../shared beside the repository (or $CONSERVATTACK_SHARED), when it exists; tests that need it skip
    /// with the reason otherwise.
    public static var shared: URL? {
        if let env = ProcessInfo.processInfo.environment["CONSERVATTACK_SHARED"], !env.isEmpty {
            return FileManager.default.fileExists(atPath: env) ? URL(fileURLWithPath: env) : nil
        }
        let url = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared")
        return FileManager.default.fileExists(atPath: url.path) ? url : nil
    }

    /// The Python interpreter for independent-reader checks ($CONSERVATTACK_PYTHON), when usable.
    public static var python: String? {
        guard let p = ProcessInfo.processInfo.environment["CONSERVATTACK_PYTHON"], !p.isEmpty,
              FileManager.default.isExecutableFile(atPath: p) else { return nil }
        return p
    }

    /// The built `conservattack` binary next to the test bundle.
    public static var binary: String? {
        let candidates = [
            repositoryRoot.appendingPathComponent(".build/debug/conservattack").path,
            Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("conservattack").path,
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// A fresh temporary directory.
    public static func temporaryDirectory(_ name: String = "test") throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("conservattack-\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Runs a program; returns exit status, stdout and stderr.
    @discardableResult
    public static func run(_ executable: String, _ arguments: [String], timeout: TimeInterval = 120) throws
        -> (status: Int32, stdout: String, stderr: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = arguments
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        var outData = Data(), errData = Data()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async { outData = out.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        group.enter()
        DispatchQueue.global().async { errData = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        let deadline = Date().addingTimeInterval(timeout)
        while p.isRunning && Date() < deadline { usleep(10_000) }
        if p.isRunning { p.terminate() }
        p.waitUntilExit()
        group.wait()
        return (p.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
    }
}
