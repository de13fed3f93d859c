import ArgumentParser
import Foundation
import ROOTIO
import ArrowIPC
import Tables

/// Prints a one-line error on stderr and exits 1, for every failure on input data.
func reportingErrors(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let e as ExitCode {
        throw e
    } catch let e as CleanExit {
        throw e
    } catch {
        FileHandle.standardError.write(Data("conservattack: error: \(error)\n".utf8))
        throw ExitCode.failure
    }
}

/// One warning line on stderr (the command goes on).
func warn(_ s: String) {
    FileHandle.standardError.write(Data("conservattack: warning: \(s)\n".utf8))
}

/// Writes to stdout without buffering surprises.
func emit(_ s: String) {
    FileHandle.standardOutput.write(Data((s.hasSuffix("\n") ? s : s + "\n").utf8))
}

/// `ttree`, `rntuple` or `arrow` from a command-line flag.
func parseOutputFormat(_ s: String, flag: String) throws -> OutputFormat {
    guard let f = OutputFormat(rawValue: s.lowercased()) else {
        throw ValidationError("\(flag) takes \(OutputFormat.allCases.map(\.rawValue).joined(separator: ", ")), got '\(s)'")
    }
    return f
}

/// Writes bytes to `path` through a temporary file and a rename: readers never see a partial file.
/// A signal mid-write removes the temporary file (InterruptCleanup).
func writeAtomically(_ bytes: [UInt8], to path: String) throws {
    InterruptCleanup.protect(path)
    defer { InterruptCleanup.release(path) }
    try AtomicFileWriter.write(to: path) { try $0.write(bytes) }
}
