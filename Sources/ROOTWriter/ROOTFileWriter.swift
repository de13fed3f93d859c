import Columnar
import Foundation
import ROOTCompression

/// Writes a new ROOT file, append-only: the TFile key and top directory record first, baskets as they come,
/// then (at every autosave and at close) the TStreamerInfo list, the trees' metadata (a new key cycle),
/// metadata strings, the keys list and the free-segments record; the header and directory record are patched last.
/// The output goes to a temporary file in the target directory, renamed onto `path` by `close()`.
public final class ROOTFileWriter {
    public let path: String
    public let options: ROOTWriterOptions
    let out: OutputFile
    let fileName: String
    let datime: UInt32
    let uuid: [UInt8]
    private var trees: [ROOTTreeWriter] = []
    /// Latest key of each tree and of each metadata string (what the keys list names).
    private var treeKeys: [String: KeyHeader] = [:]
    /// The subdirectory of each tree or RNTuple that is not in the top directory (name → directory path).
    private var treeDirectories: [String: String] = [:]
    private var treeCycles: [String: Int16] = [:]
    private var metadataKeys: [KeyHeader] = []
    private var streamerKey: KeyHeader?
    /// Whether the StreamerInfo written so far describes ROOT::RNTuple.
    private var streamersDescribeRNTuple = false
    private var ntuples: [RNTupleWriter] = []
    /// The ROOT::RNTuple anchor keys, written when the file closes.
    private var anchorKeys: [KeyHeader] = []
    private var nbytesName: Int32 = 0
    /// Once a record needed 64-bit seeks, every later key uses them.
    private(set) var largeKeys = false
    private(set) var isClosed = false
    /// Subdirectories and histograms (see ROOTFileWriter+Objects.swift).
    let objects = ObjectCatalog()

    /// Creates the file (as a temporary beside `path`) and writes its header, TFile key and directory record.
    public init(path: String, options: ROOTWriterOptions = ROOTWriterOptions()) throws {
        self.path = path
        self.options = options
        fileName = path.split(separator: "/").last.map(String.init) ?? path
        let now = options.timestamp ?? Int64(Date().timeIntervalSince1970)
        datime = FileLayout.datime(unixTime: now)
        // UUID: deterministic from the time stamp and the file name (FNV-1a), so fixed time stamps reproduce files.
        var seed = fileName.utf8.reduce(UInt64(0xcbf2_9ce4_8422_2325)) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 } ^ UInt64(bitPattern: now)
        uuid = (0..<16).map { _ in seed = seed &* 6364136223846793005 &+ 1442695040888963407; return UInt8(seed >> 56) }
        out = try OutputFile(path: path)
        do {
            try out.append(header(end: FileLayout.begin, seekFree: 0, nbytesFree: 0, seekInfo: 0, nbytesInfo: 0).encoded())
            // TFile key: name and title strings, then the top directory record.
            let objlen = ROOTBuffer.tstringSize(fileName) + ROOTBuffer.tstringSize("") + FileLayout.directoryRecordSize
            var key = KeyHeader(totalBytes: 0, objectLength: Int32(objlen), datime: datime, cycle: 1, seekKey: FileLayout.begin,
                                seekParentDirectory: 0, className: "TFile", name: fileName, title: "", large: false)
            key.totalBytes = Int32(key.keyLength + objlen)
            nbytesName = Int32(key.keyLength + ROOTBuffer.tstringSize(fileName) + ROOTBuffer.tstringSize(""))
            var b = ROOTBuffer()
            b.raw(key.encoded()); b.tstring(fileName); b.tstring("")
            b.raw(directory(nbytesKeys: 0, seekKeys: 0).encoded())
            try out.append(b.bytes)
        } catch {
            out.discard()
            throw error
        }
    }

    /// A new tree in the top directory; feed it with `append(_:)`. Its title defaults to `options.treeTitle`.
    public func makeTree(_ name: String, title: String? = nil) throws -> ROOTTreeWriter {
        try makeTree(name, title: title, in: "")
    }

    /// A new tree in the subdirectory `directory` ("" = the top directory; created with its parents when missing).
    /// Tree names are unique in the file, whatever their directory.
    public func makeTree(_ name: String, title: String? = nil, in directory: String) throws -> ROOTTreeWriter {
        guard !isClosed else { throw ROOTWriterError.closed(path) }
        if !directory.isEmpty {
            try makeDirectory(directory)
            treeDirectories[name] = directory
        }
        guard !name.isEmpty, !name.contains("/"), !trees.contains(where: { $0.name == name }),
              !ntuples.contains(where: { $0.name == name }) else {
            throw ROOTWriterError.invalidOption("tree name '\(name)' is empty, contains '/', or is already used")
        }
        let t = ROOTTreeWriter(file: self, name: name, title: title ?? options.treeTitle)
        trees.append(t)
        return t
    }

    /// A new RNTuple in the top directory; feed it with `append(_:)`. It is finished (footer and anchor) by `close()`.
    public func makeNTuple(_ name: String) throws -> RNTupleWriter {
        try makeNTuple(name, in: "")
    }

    /// A new RNTuple whose anchor goes into the subdirectory `directory` ("" = the top directory; created when missing).
    public func makeNTuple(_ name: String, in directory: String) throws -> RNTupleWriter {
        guard !isClosed else { throw ROOTWriterError.closed(path) }
        try RNTupleSchema.checkName(name, ntuple: name)
        if !directory.isEmpty {
            try makeDirectory(directory)
            treeDirectories[name] = directory
        }
        guard !trees.contains(where: { $0.name == name }), !ntuples.contains(where: { $0.name == name }) else {
            throw ROOTWriterError.invalidOption("ntuple name '\(name)' is already used")
        }
        let n = RNTupleWriter(file: self, name: name)
        ntuples.append(n)
        return n
    }

    /// Registers a tree writer created on its own (`ROOTTreeWriter(path:treeName:options:)`).
    func adopt(_ t: ROOTTreeWriter) throws {
        guard !trees.contains(where: { $0.name == t.name }) else { throw ROOTWriterError.invalidOption("tree '\(t.name)' exists") }
        trees.append(t)
    }

    /// Writes every table as a tree to `path` in one go.
    public static func write(tables: [(String, EventTable)], to path: String, options: ROOTWriterOptions = ROOTWriterOptions()) throws {
        let f = try ROOTFileWriter(path: path, options: options)
        do {
            for (name, table) in tables {
                // "dir/sub/t": the tree t in the subdirectory dir/sub.
                let parts = name.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
                let t = try f.makeTree(parts.last ?? name, in: parts.dropLast().joined(separator: "/"))
                try t.append(table)
            }
            try f.close()
        } catch {
            f.abandon()
            throw error
        }
    }

    /// Flushes every tree, writes the metadata and renames the temporary file onto `path`.
    public func close() throws {
        guard !isClosed else { throw ROOTWriterError.closed(path) }
        for t in trees { try t.flushPending() }
        for n in ntuples {
            let anchor = try n.finish()
            let directory = treeDirectories[n.name] ?? ""
            let key = try appendKey(className: "ROOT::RNTuple", name: n.name, title: "", object: anchor, objectLength: anchor.count,
                                    parent: objects.seek(of: directory) ?? FileLayout.begin)
            if directory.isEmpty { anchorKeys.append(key) } else { objects.replace(key, in: directory) }
        }
        try saveMetadata()
        try out.commit()
        isClosed = true
        trees.removeAll()          // breaks the tree → file reference cycle
        ntuples.removeAll()
    }

    /// Deletes the temporary file without producing `path`.
    public func abandon() {
        guard !isClosed else { return }
        isClosed = true
        out.discard()
        trees.removeAll()
        ntuples.removeAll()
    }

    // MARK: - Keys

    /// Decides the seek width for the next `upperBound` bytes (sticky once large).
    func reserveSeekWidth(upperBound: Int64) -> Bool {
        if !largeKeys && FileLayout.needsLargeSeeks(end: out.end + upperBound) { largeKeys = true }
        return largeKeys
    }

    /// Appends a key and its (already compressed or raw) object; returns the key written.
    @discardableResult
    func appendKey(className: String, name: String, title: String, cycle: Int16 = 1, object: [UInt8], objectLength: Int,
                   extra: [UInt8] = [], large: Bool? = nil, parent: Int64 = FileLayout.begin) throws -> KeyHeader {
        let isLarge = large ?? reserveSeekWidth(upperBound: Int64(object.count + 256))
        var key = KeyHeader(totalBytes: 0, objectLength: Int32(objectLength), datime: datime, cycle: cycle, seekKey: out.end,
                            seekParentDirectory: parent, className: className, name: name, title: title,
                            large: isLarge, extra: extra)
        key.totalBytes = Int32(key.keyLength + object.count)
        try out.append(key.encoded())
        try out.append(object)
        return key
    }

    /// Writes a compressed object under a new key whose fKeylen is known before the object is built.
    func appendObject(className: String, name: String, title: String, cycle: Int16 = 1, parent: Int64 = FileLayout.begin,
                      build: (_ keyLength: Int) -> [UInt8]) throws -> KeyHeader {
        let large = reserveSeekWidth(upperBound: 1 << 20)
        let keyLength = KeyHeader.length(className: className, name: name, title: title, large: large)
        let raw = build(keyLength)
        guard raw.count < 1 << 30 else { throw ROOTWriterError.objectTooLarge(tree: name, branch: "", bytes: raw.count) }
        let packed = try ROOTCompressor.compress(raw, settings: options.compression)
        return try appendKey(className: className, name: name, title: title, cycle: cycle, object: packed,
                             objectLength: raw.count, large: large, parent: parent)
    }

    // MARK: - Metadata

    /// Writes streamers (once), a new cycle of each tree, metadata strings (once), the keys list and free
    /// segments, then patches the directory record and the header. Called at autosave and at close.
    func saveMetadata() throws {
        // Rewritten once more when an RNTuple or histograms arrive after it was first written (the header points
        // at the latest list).
        let withRNTuple = !ntuples.isEmpty
        if streamerKey == nil || objects.streamerInfoOutdated || (withRNTuple && !streamersDescribeRNTuple) {
            let extra = objects.streamerInfos + (withRNTuple ? [StreamerInfoCatalog.rntupleInfo] : [])
            streamerKey = try appendObject(className: "TList", name: "StreamerInfo", title: "Doubly linked list") { kl in
                StreamerInfoCatalog.list(keyLength: kl, including: extra)
            }
            streamersDescribeRNTuple = withRNTuple
            objects.streamerInfoWritten()
        }
        for t in trees {
            let cycle = (treeCycles[t.name] ?? 0) + 1
            treeCycles[t.name] = cycle
            let info = t.treeInfo()
            let directory = treeDirectories[t.name] ?? ""
            let key = try appendObject(className: "TTree", name: t.name, title: info.title, cycle: cycle,
                                       parent: objects.seek(of: directory) ?? FileLayout.begin) { kl in
                TreeSerializer.serialize(info, keyLength: kl)
            }
            if directory.isEmpty { treeKeys[t.name] = key } else { objects.replace(key, in: directory) }
        }
        if metadataKeys.isEmpty && !options.metadata.isEmpty {
            for (k, v) in options.metadata.sorted(by: { $0.key < $1.key }) {
                metadataKeys.append(try appendObject(className: "TObjString", name: k, title: "Collectable string class") { _ in
                    var b = ROOTBuffer()
                    let s = b.beginObject(version: 1)
                    b.tobject(); b.tstring(v)
                    b.endObject(s)
                    return b.bytes
                })
            }
        }
        try writeSubdirectoryKeys()
        // Keys list: the top directory's keys, uncompressed.
        let listed = trees.compactMap { treeKeys[$0.name] } + anchorKeys + metadataKeys + objects.topKeys
        var kb = ROOTBuffer()
        kb.i32(Int32(listed.count))
        for k in listed { kb.raw(k.encoded()) }
        let keysKey = try appendKey(className: "TFile", name: fileName, title: "", object: kb.bytes, objectLength: kb.count)
        // Free segments: one TFree from the end of the file on.
        let large = reserveSeekWidth(upperBound: 256)
        let freeKeyLength = KeyHeader.length(className: "TFile", name: fileName, title: "", large: large)
        var freeEnd = out.end + Int64(freeKeyLength) + 10
        if FileLayout.needsLargeSeeks(end: max(FileLayout.startBigFile, freeEnd + FileLayout.startBigFile / 2)) { freeEnd += 8 }
        let free = FreeSegments.encoded(fileEnd: freeEnd)
        let freeKey = try appendKey(className: "TFile", name: fileName, title: "", object: free, objectLength: free.count, large: large)
        precondition(out.end == freeEnd, "free-segment record size")
        // Patch directory record and header.
        let dir = directory(nbytesKeys: keysKey.totalBytes, seekKeys: keysKey.seekKey)
        try out.patch(dir.encoded(), at: FileLayout.begin + Int64(nbytesName))
        let info = streamerKey!
        try out.patch(header(end: out.end, seekFree: freeKey.seekKey, nbytesFree: freeKey.totalBytes,
                             seekInfo: info.seekKey, nbytesInfo: info.totalBytes).encoded(), at: 0)
    }

    private func header(end: Int64, seekFree: Int64, nbytesFree: Int32, seekInfo: Int64, nbytesInfo: Int32) -> FileHeader {
        FileHeader(end: end, seekFree: seekFree, nbytesFree: nbytesFree, nbytesName: nbytesName,
                   compression: Int32(options.compression.code), seekInfo: seekInfo, nbytesInfo: nbytesInfo, uuid: uuid)
    }

    private func directory(nbytesKeys: Int32, seekKeys: Int64) -> DirectoryRecord {
        DirectoryRecord(ctime: datime, mtime: datime, nbytesKeys: nbytesKeys, nbytesName: nbytesName,
                        seekDir: FileLayout.begin, seekParent: 0, seekKeys: seekKeys, uuid: uuid)
    }
}
