import ROOTCompression

/// An open ROOT file: header, directories, keys, streamers and trees.
///
/// File header (offset 0):
/// | bytes  | field                                                           |
/// |--------|-----------------------------------------------------------------|
/// | 4      | "root"                                                          |
/// | 4      | fVersion (>= 1000000: large file, 64-bit seeks below)           |
/// | 4      | fBEGIN: first key (the TFile key, then the top directory)       |
/// | 4 or 8 | fEND, fSeekFree; 4 fNbytesFree, 4 nfree, 4 fNbytesName, 1 fUnits|
/// | 4      | fCompress                                                       |
/// | 4 or 8 | fSeekInfo (streamer list key), 4 fNbytesInfo                    |
///
/// Directory record (at fBEGIN + fNbytesName, or in a TDirectory key's object):
/// | 2 version (> 1000: 64-bit seeks) | 4 ctime | 4 mtime | 4 fNbytesKeys | 4 fNbytesName |
/// | fSeekDir | fSeekParent | fSeekKeys (4 or 8 bytes each) |
public final class ROOTFile: @unchecked Sendable {
    public let path: String
    public let source: FileSource
    /// ROOT version that wrote the file, e.g. 62004.
    public let version: Int
    public let isLarge: Bool
    /// The file's default compression setting (algorithm * 100 + level).
    public let compression: Int32
    public let seekInfo: Int64
    public let nbytesInfo: Int32
    private var rootKeys: [Key] = []
    /// The top directory.
    public var root: Directory { Directory(file: self, path: "", keys: rootKeys) }
    public let limits: ReadLimits
    /// Set when the file was opened by `openRecovering` and its records had to be walked.
    public private(set) var recoveryReport: RecoveryReport?

    public convenience init(path: String, limits: ReadLimits = .default) throws {
        try self.init(path: path, limits: limits, recovering: false)
    }

    /// `recovering`: ignore the directory's keys list and the header's streamer pointer; walk the records
    /// from fBEGIN instead (see Recovery.swift).
    init(path: String, limits: ReadLimits, recovering: Bool) throws {
        self.path = path
        self.limits = limits
        source = try FileSource(path: path)
        let headLength = Int(min(source.size, 128))
        var c = ByteCursor(try source.read(at: 0, count: headLength, what: "file header"))
        do {
            let magic = try c.readBytes(4)
            guard Array(magic) == Array("root".utf8) else {
                throw ROOTError(.notROOT, "not a ROOT file (no 'root' magic)", offset: 0)
            }
            let v = Int(try c.read(Int32.self))
            isLarge = v >= 1_000_000
            version = v % 1_000_000
            let begin = Int64(try c.read(Int32.self))
            if isLarge { try c.skip(16) } else { try c.skip(8) }   // fEND, fSeekFree
            try c.skip(4 + 4)                                        // fNbytesFree, nfree
            let nbytesName = Int64(try c.read(Int32.self))
            try c.skip(1)                                            // fUnits
            compression = try c.read(Int32.self)
            let headerSeekInfo = isLarge ? try c.read(Int64.self) : Int64(try c.read(Int32.self))
            let headerNbytesInfo = try c.read(Int32.self)
            guard begin > 0, begin < source.size, nbytesName > 0 else {
                throw ROOTError(.malformed, "file header: fBEGIN \(begin), fNbytesName \(nbytesName) invalid", offset: 4)
            }
            if recovering {
                let report = KeyScanner.scan(source, begin: begin, topDirectory: begin, limits: limits)
                seekInfo = report.streamerKey?.seekKey ?? 0
                nbytesInfo = report.streamerKey?.totalBytes ?? 0
                rootKeys = report.keys
                recoveryReport = report
            } else {
                seekInfo = headerSeekInfo
                nbytesInfo = headerNbytesInfo
                rootKeys = try Directory.readKeys(file: self, recordAt: begin + nbytesName, path: "")
            }
        } catch let e as ROOTError {
            throw e.located(file: path)
        }
    }

    /// Reads a key header at an absolute offset.
    func readKey(at offset: Int64, what: String) throws -> Key {
        let n = Int(min(Int64(limits.maxKeyHeaderBytes), source.size - offset))
        guard n > 0 else { throw ROOTError(.truncated, "\(what): key at \(offset) is past the end of the file", file: path, offset: offset) }
        var c = ByteCursor(try source.read(at: offset, count: n, what: what), base: offset)
        return try Key.read(&c)
    }

    /// The object bytes behind a key, decompressed; the cursor's origin is the key length (ROOT's convention).
    public func objectCursor(_ key: Key) throws -> ByteCursor {
        let what = "\(key.className) \(key.name)"
        let dataStart = key.seekKey + Int64(key.keyLength)
        let bytes = try readObjectBytes(at: dataStart, compressed: key.compressedLength, uncompressed: Int(key.objectLength), what: what)
        return ByteCursor(bytes, base: dataStart, origin: Int(key.keyLength))
    }

    /// Reads `compressed` bytes at `offset` and returns the `uncompressed` object bytes.
    func readObjectBytes(at offset: Int64, compressed: Int, uncompressed: Int, what: String) throws -> [UInt8] {
        guard compressed >= 0, uncompressed >= 0 else {
            throw ROOTError(.malformed, "negative object size", file: path, object: what, offset: offset)
        }
        guard uncompressed <= limits.maxObjectBytes else {
            throw ROOTError(.limit, "declared object size \(uncompressed) exceeds the limit of \(limits.maxObjectBytes) bytes",
                            file: path, object: what, offset: offset)
        }
        let raw = try source.read(at: offset, count: compressed, what: what)
        if compressed == uncompressed { return raw }
        do {
            return try ROOTDecompressor.decompress(raw, uncompressedSize: uncompressed)
        } catch {
            throw ROOTError.wrap(error, file: path, object: what, offset: offset)
        }
    }

    /// The class layouts stored in the file (TStreamerInfo list), read on first use.
    public lazy var streamerInfos: [String: StreamerInfo] = {
        do { return try readStreamerInfos() } catch {
            streamerInfoFailure = ROOTError.wrap(error, file: path, object: "TStreamerInfo list", offset: nil)
            return [:]
        }
    }()
    /// Why `streamerInfos` is empty when the list could not be read (a class read by streamer reports it).
    public private(set) var streamerInfoFailure: ROOTError?

    /// Reads the TStreamerInfo list (errors surface here; `streamerInfos` swallows them).
    public func readStreamerInfos() throws -> [String: StreamerInfo] {
        guard seekInfo > 0, nbytesInfo > 0 else { return [:] }
        let key = try readKey(at: seekInfo, what: "TStreamerInfo list")
        var r = ObjectReader(try objectCursor(key))
        var out: [String: StreamerInfo] = [:]
        for case .streamerInfo(let info)? in try r.readList() { out[info.className] = info }
        return out
    }

    /// The key at a '/'-joined path ("events", "dir/sub/tree", "tree;2": highest cycle unless given).
    public func key(atPath path: String, what: String = "object") throws -> Key {
        var parts = path.split(separator: "/").map(String.init)
        guard let last = parts.popLast() else { throw ROOTError(.notFound, "empty \(what) path", file: self.path) }
        var dir = root
        for p in parts { dir = try dir.subdirectory(p) }
        return try dir.key(last)
    }

    /// A tree by path ("events", "dir/sub/tree", "tree;2").
    public func tree(_ path: String) throws -> TTree { try tree(path, streamerDriven: false) }

    /// A tree, its classes read from the file's TStreamerInfo when `streamerDriven` (tests).
    func tree(_ path: String, streamerDriven: Bool) throws -> TTree {
        let key = try key(atPath: path, what: "tree")
        guard TTree.classNames.contains(key.className) else {
            throw ROOTError(.notFound, "'\(path)' is a \(key.className), not a TTree", file: self.path)
        }
        return try TTree(file: self, key: key, path: path, streamerDriven: streamerDriven)
    }

    /// An RNTuple by path ("events", "dir/ntuple", "ntuple;2").
    public func rntuple(_ path: String) throws -> RNTuple {
        let key = try key(atPath: path, what: "RNTuple")
        guard RNTupleAnchor.classNames.contains(key.className) else {
            throw ROOTError(.notFound, "'\(path)' is a \(key.className), not an RNTuple", file: self.path)
        }
        return try RNTuple(file: self, key: key, path: path)
    }

    /// Every RNTuple in the file (highest cycle of each), with '/'-joined directory paths.
    public func rntuplePaths() throws -> [String] {
        try root.objectPaths(classes: RNTupleAnchor.classNames, depthLimit: limits.maxDirectoryDepth)
    }

    /// Every tree in the file (highest cycle of each), with '/'-joined directory paths.
    public func treePaths() throws -> [String] {
        try root.treePaths(depthLimit: limits.maxDirectoryDepth)
    }
}

/// Caps checked before allocating, so hostile files get errors instead of huge allocations.
public struct ReadLimits: Sendable {
    public var maxObjectBytes: Int
    public var maxKeyHeaderBytes: Int
    public var maxDirectoryDepth: Int
    public var maxKeysPerDirectory: Int
    public static let `default` = ReadLimits(maxObjectBytes: 1 << 31, maxKeyHeaderBytes: 4096,
                                             maxDirectoryDepth: 64, maxKeysPerDirectory: 10_000_000)
}
