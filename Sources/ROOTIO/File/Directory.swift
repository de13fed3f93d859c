/// A TDirectory: its keys (objects and subdirectories), with cycle resolution.
public final class Directory: @unchecked Sendable {
    /// The file (held strongly: a directory or tree keeps its file open).
    public let file: ROOTFile
    /// '/'-joined path from the top directory ("" for the top).
    public let path: String
    public let keys: [Key]

    init(file: ROOTFile, path: String, keys: [Key]) {
        self.file = file
        self.path = path
        self.keys = keys
    }

    /// Reads the directory record at `offset` and the keys list it points to.
    convenience init(file: ROOTFile, recordAt offset: Int64, path: String) throws {
        self.init(file: file, path: path, keys: try Directory.readKeys(file: file, recordAt: offset, path: path))
    }

    static func readKeys(file: ROOTFile, recordAt offset: Int64, path: String) throws -> [Key] {
        let what = path.isEmpty ? "top directory" : "directory \(path)"
        let n = Int(min(Int64(64), file.source.size - offset))
        guard n >= 30 else { throw ROOTError(.truncated, "\(what): record at \(offset) is cut off", file: file.path, offset: offset) }
        var c = ByteCursor(try file.source.read(at: offset, count: n, what: what), base: offset)
        let version = try c.read(Int16.self)
        try c.skip(8)                                  // ctime, mtime
        let nbytesKeys = Int(try c.read(Int32.self))
        _ = try c.read(Int32.self)                     // fNbytesName
        let large = version > 1000
        try c.skip(large ? 16 : 8)                     // fSeekDir, fSeekParent
        let seekKeys = large ? try c.read(Int64.self) : Int64(try c.read(Int32.self))
        guard seekKeys > 0 else { return [] }
        guard nbytesKeys > 0, Int64(nbytesKeys) <= file.source.size - seekKeys else {
            throw ROOTError(.truncated, "\(what): keys list of \(nbytesKeys) bytes at \(seekKeys) runs past the end of the file",
                            file: file.path, offset: seekKeys)
        }
        var k = ByteCursor(try file.source.read(at: seekKeys, count: nbytesKeys, what: "\(what) keys list"), base: seekKeys)
        do {
            _ = try Key.read(&k)                       // the keys list's own key
            let count = Int(try k.read(Int32.self))
            guard count >= 0, count <= file.limits.maxKeysPerDirectory, count <= k.remaining / 18 else {
                throw ROOTError(.malformed, "\(what): \(count) keys cannot fit in \(k.remaining) bytes", offset: k.fileOffset)
            }
            var list: [Key] = []
            list.reserveCapacity(count)
            for _ in 0..<count { list.append(try Key.read(&k)) }
            return list
        } catch let e as ROOTError {
            throw e.located(file: file.path, object: what)
        }
    }

    /// The key for `name` or `name;cycle` (highest cycle by default).
    public func key(_ spec: String) throws -> Key {
        var name = spec
        var cycle: Int16? = nil
        if let semi = spec.lastIndex(of: ";"), let c = Int16(spec[spec.index(after: semi)...]) {
            name = String(spec[..<semi])
            cycle = c
        }
        let matches = keys.filter { $0.name == name && (cycle == nil || $0.cycle == cycle!) }
        guard let best = matches.max(by: { $0.cycle < $1.cycle }) else {
            let names = Set(keys.map(\.name)).sorted()
            throw ROOTError(.notFound, "no object '\(spec)' in \(path.isEmpty ? "the top directory" : path)"
                            + (names.isEmpty ? "" : " (it holds: \(names.prefix(12).joined(separator: ", ")))"), file: file.path)
        }
        return best
    }

    /// Keys with the highest cycle of each name, in file order.
    public var latestKeys: [Key] {
        var best: [String: Key] = [:]
        for k in keys where (best[k.name]?.cycle ?? Int16.min) < k.cycle { best[k.name] = k }
        var seen = Set<String>()
        return keys.compactMap { k in
            guard !seen.contains(k.name), let b = best[k.name] else { return nil }
            seen.insert(k.name)
            return b
        }
    }

    public static let directoryClasses: Set<String> = ["TDirectory", "TDirectoryFile"]

    /// A subdirectory by name.
    public func subdirectory(_ name: String) throws -> Directory {
        let k = try key(name)
        guard Self.directoryClasses.contains(k.className) else {
            throw ROOTError(.notFound, "'\(name)' is a \(k.className), not a directory", file: file.path)
        }
        return try Directory(file: file, recordAt: k.seekKey + Int64(k.keyLength),
                             path: path.isEmpty ? name : path + "/" + name)
    }

    /// Every tree below this directory, '/'-joined paths.
    func treePaths(depthLimit: Int) throws -> [String] {
        try objectPaths(classes: TTree.classNames, depthLimit: depthLimit)
    }

    /// Every object of one of `classes` below this directory (highest cycle of each), '/'-joined paths.
    /// Each directory record is visited once: keys that lead back to a directory already walked (a loop,
    /// or records shared so that the walk would grow exponentially) are an error.
    func objectPaths(classes: Set<String>, depthLimit: Int) throws -> [String] {
        var visited = Set<Int64>()
        return try objectPaths(classes: classes, depthLimit: depthLimit, visited: &visited)
    }

    private func objectPaths(classes: Set<String>, depthLimit: Int, visited: inout Set<Int64>) throws -> [String] {
        guard depthLimit > 0 else {
            throw ROOTError(.limit, "directories nested deeper than the limit", file: file.path, object: path)
        }
        var out: [String] = []
        for k in latestKeys {
            let p = path.isEmpty ? k.name : path + "/" + k.name
            if classes.contains(k.className) {
                out.append(p)
            } else if Self.directoryClasses.contains(k.className) {
                let record = k.seekKey + Int64(k.keyLength)
                guard visited.insert(record).inserted else {
                    throw ROOTError(.malformed, "directory '\(p)' leads back to a directory record already read (a loop)",
                                    file: file.path, object: "TDirectory \(p)", offset: record)
                }
                out += try subdirectory(k.name).objectPaths(classes: classes, depthLimit: depthLimit - 1, visited: &visited)
            }
        }
        return out
    }
}
