/// Subdirectories (TDirectory) and histograms (TH1D) in a file being written.
///
/// A subdirectory is a key of class "TDirectory" (title = its name) in its parent, whose object is a directory
/// record (the 60 bytes of `DirectoryRecord`, uncompressed): fNbytesName = the key's fKeylen, fSeekDir = the key's
/// own offset, fSeekParent = the parent's (100 for the top directory), fSeekKeys/fNbytesKeys = its keys list.
/// Its keys list is written at every metadata save, like the top directory's: a "TDirectory" key (parent = the
/// directory itself) holding int32 nkeys and the key headers of its objects; then the record is patched in place.
/// Objects in a directory name it in their key's fSeekPdir.
final class ObjectCatalog {
    struct Directory {
        var path: String
        var name: String
        var key: KeyHeader
        var keys: [KeyHeader] = []
        var changed = true
    }
    /// Subdirectories by path ("a", "a/b"), in creation order.
    private(set) var directories: [Directory] = []
    /// Histogram and subdirectory keys of the top directory.
    private(set) var topKeys: [KeyHeader] = []
    private var hasHistograms = false
    private var streamerHasHistograms = false

    /// The StreamerInfo records the objects need beyond the trees' ones.
    var streamerInfos: [StreamerInfoCatalog.Info] { hasHistograms ? StreamerInfoCatalog.histogramInfos : [] }
    /// Whether the StreamerInfo list written so far lacks classes the file now holds.
    var streamerInfoOutdated: Bool { hasHistograms && !streamerHasHistograms }
    func streamerInfoWritten() { streamerHasHistograms = hasHistograms }

    func index(of path: String) -> Int? { directories.firstIndex { $0.path == path } }

    /// The seek of the directory at `path` ("" = the top directory, at fBEGIN).
    func seek(of path: String) -> Int64? {
        if path.isEmpty { return FileLayout.begin }
        return index(of: path).map { directories[$0].key.seekKey }
    }

    /// Whether `name` is already a key in the directory at `path`.
    func contains(_ name: String, in path: String) -> Bool {
        let keys = path.isEmpty ? topKeys : index(of: path).map { directories[$0].keys } ?? []
        return keys.contains { $0.name == name }
    }

    func add(_ key: KeyHeader, to path: String, histogram: Bool) {
        if histogram { hasHistograms = true }
        if path.isEmpty {
            topKeys.append(key)
        } else if let i = index(of: path) {
            directories[i].keys.append(key)
            directories[i].changed = true
        }
    }

    func addDirectory(_ d: Directory) { directories.append(d) }

    /// Lists `key` in the subdirectory at `path` instead of the earlier key of the same name (a tree's new cycle).
    func replace(_ key: KeyHeader, in path: String) {
        guard let i = index(of: path) else { return }
        directories[i].keys.removeAll { $0.name == key.name }
        directories[i].keys.append(key)
        directories[i].changed = true
    }

    func markWritten(_ i: Int) { directories[i].changed = false }
}

extension ROOTFileWriter {
    /// Creates the subdirectory `path` ("signal_region", "a/b/c") and every missing parent; an existing one is kept.
    public func makeDirectory(_ path: String) throws {
        guard !isClosed else { throw ROOTWriterError.closed(self.path) }
        let parts = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard !path.isEmpty, parts.allSatisfy({ !$0.isEmpty }) else {
            throw ROOTWriterError.invalidOption("directory path '\(path)' has an empty component")
        }
        var parent = ""
        for name in parts {
            let full = parent.isEmpty ? name : parent + "/" + name
            defer { parent = full }
            if objects.index(of: full) != nil { continue }
            guard !objects.contains(name, in: parent) else {
                throw ROOTWriterError.invalidOption("'\(full)': the name is already used by another object")
            }
            let parentSeek = objects.seek(of: parent) ?? FileLayout.begin
            let large = reserveSeekWidth(upperBound: 512)
            let seek = out.end
            let keyLength = KeyHeader.length(className: "TDirectory", name: name, title: name, large: large)
            let record = directoryRecord(path: full, keyLength: keyLength, seek: seek, parent: parentSeek, nbytesKeys: 0, seekKeys: 0)
            let key = try appendKey(className: "TDirectory", name: name, title: name, object: record.encoded(),
                                    objectLength: FileLayout.directoryRecordSize, large: large, parent: parentSeek)
            precondition(key.seekKey == seek && key.keyLength == keyLength, "directory key layout")
            objects.addDirectory(ObjectCatalog.Directory(path: full, name: name, key: key))
            objects.add(key, to: parent, histogram: false)
        }
    }

    /// Writes `histogram` as a TH1D key in the directory `directory` ("" = top; created when missing).
    /// Names are unique within a directory (a histogram and a subdirectory cannot share one).
    public func write(_ histogram: TH1D, in directory: String = "") throws {
        guard !isClosed else { throw ROOTWriterError.closed(path) }
        if !directory.isEmpty { try makeDirectory(directory) }
        guard !objects.contains(histogram.name, in: directory) else {
            throw ROOTWriterError.invalidOption("'\(directory.isEmpty ? "" : directory + "/")\(histogram.name)' is already written")
        }
        let key = try appendObject(className: "TH1D", name: histogram.name, title: histogram.title,
                                   parent: objects.seek(of: directory) ?? FileLayout.begin) { _ in histogram.serialized() }
        objects.add(key, to: directory, histogram: true)
    }

    /// Writes the keys list of every subdirectory that changed and patches its record (part of `saveMetadata`).
    func writeSubdirectoryKeys() throws {
        for (i, d) in objects.directories.enumerated() where d.changed {
            var kb = ROOTBuffer()
            kb.i32(Int32(d.keys.count))
            for k in d.keys { kb.raw(k.encoded()) }
            let keys = try appendKey(className: "TDirectory", name: d.name, title: d.name, object: kb.bytes, objectLength: kb.count,
                                     parent: d.key.seekKey)
            let parentPath = d.path.split(separator: "/").dropLast().joined(separator: "/")
            let record = directoryRecord(path: d.path, keyLength: d.key.keyLength, seek: d.key.seekKey,
                                         parent: objects.seek(of: parentPath) ?? FileLayout.begin,
                                         nbytesKeys: keys.totalBytes, seekKeys: keys.seekKey)
            try out.patch(record.encoded(), at: d.key.seekKey + Int64(d.key.keyLength))
            objects.markWritten(i)
        }
    }

    /// A subdirectory's record; its UUID is the file's, mixed with the path (FNV-1a), so each directory has its own.
    private func directoryRecord(path: String, keyLength: Int, seek: Int64, parent: Int64, nbytesKeys: Int32, seekKeys: Int64) -> DirectoryRecord {
        var h = path.utf8.reduce(UInt64(0xcbf2_9ce4_8422_2325)) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
        let id = uuid.map { b -> UInt8 in h = h &* 6364136223846793005 &+ 1442695040888963407; return b ^ UInt8(h >> 56) }
        return DirectoryRecord(ctime: datime, mtime: datime, nbytesKeys: nbytesKeys, nbytesName: Int32(keyLength),
                               seekDir: seek, seekParent: parent, seekKeys: seekKeys, uuid: id)
    }
}
