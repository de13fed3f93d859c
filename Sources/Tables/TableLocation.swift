import Foundation

/// `FILE[:NAME]`: a file and, optionally, the path of a TTree or RNTuple inside it (`dir/sub/t`, `t;2`).
/// A path that exists as a file is taken whole, so file names holding ':' still work.
public struct TableLocation: Sendable, Equatable {
    public var path: String
    public var name: String?

    public init(path: String, name: String?) { self.path = path; self.name = name }

    public init(_ spec: String) {
        if FileManager.default.fileExists(atPath: spec) {
            path = spec; name = nil; return
        }
        if let colon = spec.lastIndex(of: ":") {
            let left = String(spec[..<colon]), right = String(spec[spec.index(after: colon)...])
            if FileManager.default.fileExists(atPath: left) { path = left; name = right.isEmpty ? nil : right; return }
        }
        path = spec; name = nil
    }
}

/// The container format of a file, told by its first bytes (never by its extension).
public enum FileFormat: String, Sendable {
    case root = "ROOT"
    case arrow = "Arrow"

    /// The format of the file at `path`; an error names the file and what its first bytes are.
    public static func detect(path: String) throws -> FileFormat {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw TableError.unreadable(path: path, reason: "no such file")
        }
        guard !isDirectory.boolValue else { throw TableError.unreadable(path: path, reason: "is a directory, not a file") }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw TableError.unreadable(path: path, reason: "cannot be opened for reading")
        }
        defer { try? handle.close() }
        let head = [UInt8]((try? handle.read(upToCount: 6)) ?? Data())
        if head.starts(with: Array("root".utf8)) { return .root }
        if head.starts(with: Array("ARROW1".utf8)) { return .arrow }
        throw TableError.unknownFormat(path: path, head: head)
    }
}
