/// Recovery of files whose writer died (no keys list, no streamer list, header pointers stale or zero),
/// the way ROOT's TFile::Recover works: walk the records one after the other from fBEGIN, using each
/// key's fNbytes to find the next, and keep the top directory's objects that are whole.
///
/// Record walk (from fBEGIN):
/// | fNbytes > 0 | a key + object: parsed, checked (its fSeekKey must equal its own offset), kept or skipped |
/// | fNbytes < 0 | a freed gap of -fNbytes bytes: skipped                                                     |
/// | zeros       | space reserved but never written (uproot, killed writers): resynchronised at the next     |
/// |             | non-zero bytes, accepting only a key whose fSeekKey is its own offset                      |
/// The walk stops at the end of the file, at a record that runs past it (a cut file), or at bytes that
/// are not a key; `RecoveryReport.warnings` says which objects could not be recovered and why.
public struct RecoveryReport: Sendable {
    /// Objects of the top directory found whole (trees, histograms, subdirectory records, ...).
    public var keys: [Key] = []
    /// Baskets found whole (they are read through their tree, not listed).
    public var basketCount = 0
    /// The last whole streamer list ("StreamerInfo"), if any.
    public var streamerKey: Key?
    /// Offset where the walk ended.
    public var scannedUpTo: Int64 = 0
    /// What could not be recovered, in file order.
    public var warnings: [String] = []
}

public enum KeyScanner {
    /// Classes the writer uses for bookkeeping records, never user objects.
    static let bookkeeping: Set<String> = ["TFile", "KeysList", "FreeSegments", "TBasket"]

    /// Walks every record from `begin` (fBEGIN), keeping the objects whose parent directory is
    /// `topDirectory` (the top directory's seek, fBEGIN itself).
    public static func scan(_ source: FileSource, begin: Int64, topDirectory: Int64, limits: ReadLimits) -> RecoveryReport {
        var report = RecoveryReport()
        var pos = begin
        var otherDirectoryObjects = 0
        walk: while pos < source.size {
            guard source.size - pos >= 4, let head = try? source.read(at: pos, count: 4, what: "record length") else {
                report.warnings.append("\(source.size - pos) trailing bytes at \(pos) are not a record")
                break
            }
            let nbytes = Int32(bitPattern: UInt32(head[0]) << 24 | UInt32(head[1]) << 16 | UInt32(head[2]) << 8 | UInt32(head[3]))
            if nbytes < 0 {                           // a freed gap
                pos += Int64(-Int64(nbytes))
                continue
            }
            if nbytes == 0 {
                guard let next = resynchronise(source, after: pos) else {
                    report.warnings.append("unwritten space from byte \(pos) to the end of the file")
                    break walk
                }
                pos = next
                continue
            }
            let key: Key
            do {
                key = try readKey(source, at: pos, limits: limits)
            } catch {
                report.warnings.append("bytes at \(pos) are not a key (\(error)): the rest of the file is not recovered")
                break
            }
            guard key.seekKey == pos else {
                report.warnings.append("the key at \(pos) says it belongs at \(key.seekKey): the rest of the file is not recovered")
                break
            }
            let end = pos + Int64(nbytes)
            if end > source.size {
                report.warnings.append("\(key.className) '\(key.name)' (cycle \(key.cycle)) at byte \(pos) needs \(nbytes) bytes, "
                                       + "the file ends \(source.size - pos) bytes after its start: not recovered")
                break
            }
            switch key.className {
            case "TBasket": report.basketCount += 1
            case "TList" where key.name == "StreamerInfo": report.streamerKey = key
            case _ where bookkeeping.contains(key.className): break
            default:
                if key.seekParentDirectory == topDirectory {
                    guard report.keys.count < limits.maxKeysPerDirectory else {
                        report.warnings.append("more than \(limits.maxKeysPerDirectory) objects: the rest are not recovered")
                        break walk
                    }
                    report.keys.append(key)
                } else {
                    otherDirectoryObjects += 1
                }
            }
            pos = end
        }
        report.scannedUpTo = min(pos, source.size)
        if otherDirectoryObjects > 0 {
            report.warnings.append("\(otherDirectoryObjects) objects belong to subdirectories, which are read only through their own keys lists")
        }
        if report.streamerKey == nil {
            report.warnings.append("no whole streamer list (StreamerInfo): classes whose layout is not built in cannot be read")
        }
        return report
    }

    static func readKey(_ source: FileSource, at pos: Int64, limits: ReadLimits) throws -> Key {
        let n = Int(min(Int64(limits.maxKeyHeaderBytes), source.size - pos))
        var c = ByteCursor(try source.read(at: pos, count: n, what: "key"), base: pos)
        return try Key.read(&c)
    }

    /// The offset of the next key after a run of zero bytes that starts at `pos`: a key's length field
    /// begins with zero bytes itself, so the candidates are the few offsets just before the first non-zero
    /// byte; the one whose fSeekKey names itself is taken.
    static func resynchronise(_ source: FileSource, after pos: Int64) -> Int64? {
        let chunk = 1 << 16
        var at = pos
        while at < source.size {
            let n = Int(min(Int64(chunk), source.size - at))
            guard let bytes = try? source.read(at: at, count: n, what: "unwritten space") else { return nil }
            if let i = bytes.firstIndex(where: { $0 != 0 }) {
                let firstNonZero = at + Int64(i)
                for candidate in stride(from: max(pos, firstNonZero - 3), through: firstNonZero, by: 1) {
                    if let k = try? readKey(source, at: candidate, limits: .default), k.seekKey == candidate, k.totalBytes > 0 {
                        return candidate
                    }
                }
                return nil
            }
            at += Int64(n)
        }
        return nil
    }
}

extension ROOTFile {
    /// Opens a file; when its directory cannot be read or lists nothing (a writer killed mid-write, a cut
    /// copy), recovers what is whole by walking the records from fBEGIN. The report is nil when the file
    /// opened normally. Throws only when the file is not a ROOT file or its header is unreadable.
    public static func openRecovering(path: String, limits: ReadLimits = .default) throws -> (file: ROOTFile, report: RecoveryReport?) {
        do {
            let file = try ROOTFile(path: path, limits: limits)
            guard file.root.keys.isEmpty else { return (file, nil) }
            // An empty top directory: truly empty, or a writer that died before writing its keys list.
            let recovered = try ROOTFile(path: path, limits: limits, recovering: true)
            guard var report = recovered.recoveryReport, !report.keys.isEmpty || report.basketCount > 0 else { return (file, nil) }
            report.warnings.insert("the top directory lists no objects (its keys list was never written); "
                                   + "objects recovered by walking the records", at: 0)
            return (recovered, report)
        } catch let e as ROOTError where e.kind != .notROOT && e.kind != .io {
            let file = try ROOTFile(path: path, limits: limits, recovering: true)
            var report = file.recoveryReport ?? RecoveryReport()
            report.warnings.insert("the directory could not be read (\(e.message)); objects recovered by walking the records", at: 0)
            return (file, report)
        }
    }
}
