import ArgumentParser
import Foundation
import ROOTIO
import ArrowIPC

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

/// `FILE[:TREE]`: a ROOT file and, optionally, the path of a tree inside it.
struct InputSpec {
    var path: String
    var tree: String?

    init(_ spec: String) {
        if FileManager.default.fileExists(atPath: spec) {
            path = spec; tree = nil; return
        }
        if let colon = spec.lastIndex(of: ":") {
            let left = String(spec[..<colon]), right = String(spec[spec.index(after: colon)...])
            if FileManager.default.fileExists(atPath: left) { path = left; tree = right.isEmpty ? nil : right; return }
        }
        path = spec; tree = nil
    }

    /// Opens the file and the tree (the only tree when none is named).
    func open() throws -> (ROOTFile, TTree) {
        let file = try ROOTFile(path: path)
        if let tree { return (file, try file.tree(tree)) }
        let trees = try file.treePaths()
        guard trees.count == 1 else {
            throw ROOTError(.notFound, trees.isEmpty ? "no TTree in the file"
                            : "several trees (\(trees.joined(separator: ", "))): name one as FILE:TREE", file: path)
        }
        return (file, try file.tree(trees[0]))
    }
}

/// Writes bytes to `path` through a temporary file and a rename: readers never see a partial file.
/// A signal mid-write removes the temporary file (InterruptCleanup).
func writeAtomically(_ bytes: [UInt8], to path: String) throws {
    InterruptCleanup.protect(path)
    defer { InterruptCleanup.release(path) }
    try AtomicFileWriter.write(to: path) { try $0.write(bytes) }
}
