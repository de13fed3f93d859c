/// The fixed records of a ROOT file, encoded for both the small (32-bit seek) and large (64-bit) formats.
///
/// File header (offset 0, padded to fBEGIN = 100):
/// | bytes  | field                                                           |
/// |--------|-----------------------------------------------------------------|
/// | 4      | "root"                                                          |
/// | 4      | fVersion (+ 1000000 for the large format)                       |
/// | 4      | fBEGIN = 100                                                    |
/// | 4 or 8 | fEND, fSeekFree                                                 |
/// | 4      | fNbytesFree, nfree, fNbytesName; 1 fUnits (4 or 8)              |
/// | 4      | fCompress                                                       |
/// | 4 or 8 | fSeekInfo; 4 fNbytesInfo; 18 fUUID (version 1 + 16 bytes)       |
///
/// Key header: 4 fNbytes | 2 fVersion (4, or 1004 with 64-bit seeks) | 4 fObjlen | 4 fDatime | 2 fKeylen |
/// 2 fCycle | fSeekKey, fSeekPdir (4 or 8 each) | TString class, name, title.
///
/// Directory record (60 bytes in both formats): 2 version (5 / 1005) | 4 ctime | 4 mtime | 4 fNbytesKeys |
/// 4 fNbytesName | fSeekDir, fSeekParent, fSeekKeys (4 or 8 each) | 18 fUUID | 12 zero bytes (small only).
public enum FileLayout {
    /// ROOT's threshold above which seeks need 64 bits (TFile::kStartBigFile).
    public static let startBigFile: Int64 = 2_000_000_000
    /// Offset of the first key (the TFile key).
    public static let begin: Int64 = 100
    /// The ROOT version we claim to be (6.30/00).
    public static let rootVersion: Int32 = 63000
    public static let directoryRecordSize = 60

    /// Whether a record that may extend to `end` must use 64-bit seeks.
    public static func needsLargeSeeks(end: Int64) -> Bool { end > startBigFile }

    /// ROOT's TDatime packing of a Unix time (UTC fields).
    public static func datime(unixTime: Int64) -> UInt32 {
        let days = unixTime >= 0 ? unixTime / 86400 : (unixTime - 86399) / 86400
        let secs = unixTime - days * 86400
        // Civil-from-days (proleptic Gregorian).
        let z = days + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        let year = max(1995, min(y, 2058))
        let v = (year - 1995) << 26 | m << 22 | d << 17 | (secs / 3600) << 12 | ((secs % 3600) / 60) << 6 | (secs % 60)
        return UInt32(truncatingIfNeeded: v)
    }
}

/// A key header to be written in front of an object.
public struct KeyHeader: Equatable, Sendable {
    public var totalBytes: Int32
    public var objectLength: Int32
    public var datime: UInt32
    public var cycle: Int16
    public var seekKey: Int64
    public var seekParentDirectory: Int64
    public var className: String
    public var name: String
    public var title: String
    /// 64-bit seeks (fVersion 1004) instead of 32-bit (4).
    public var large: Bool
    /// Bytes appended to the standard header (the TBasket fields of basket keys).
    public var extra: [UInt8] = []

    /// fKeylen for a header with these strings and seek width, plus `extraBytes`.
    public static func length(className: String, name: String, title: String, large: Bool, extraBytes: Int = 0) -> Int {
        18 + (large ? 16 : 8) + ROOTBuffer.tstringSize(className) + ROOTBuffer.tstringSize(name)
            + ROOTBuffer.tstringSize(title) + extraBytes
    }

    public var keyLength: Int {
        Self.length(className: className, name: name, title: title, large: large, extraBytes: extra.count)
    }

    /// The encoded header (exactly `keyLength` bytes).
    public func encoded() -> [UInt8] {
        var b = ROOTBuffer(capacity: keyLength)
        b.i32(totalBytes)
        b.i16(large ? 1004 : 4)
        b.i32(objectLength)
        b.u32(datime)
        b.i16(Int16(keyLength))
        b.i16(cycle)
        b.seek(seekKey, large: large)
        b.seek(seekParentDirectory, large: large)
        b.tstring(className)
        b.tstring(name)
        b.tstring(title)
        b.raw(extra)
        return b.bytes
    }
}

/// The top directory's record (inside the TFile key's object).
public struct DirectoryRecord: Equatable, Sendable {
    public var ctime: UInt32
    public var mtime: UInt32
    public var nbytesKeys: Int32
    public var nbytesName: Int32
    public var seekDir: Int64
    public var seekParent: Int64
    public var seekKeys: Int64
    public var uuid: [UInt8]

    /// Large format when any seek needs 64 bits.
    public var large: Bool { FileLayout.needsLargeSeeks(end: max(seekDir, seekParent, seekKeys)) }

    public func encoded() -> [UInt8] {
        var b = ROOTBuffer(capacity: FileLayout.directoryRecordSize)
        let large = self.large
        b.i16(large ? 1005 : 5)
        b.u32(ctime)
        b.u32(mtime)
        b.i32(nbytesKeys)
        b.i32(nbytesName)
        b.seek(seekDir, large: large)
        b.seek(seekParent, large: large)
        b.seek(seekKeys, large: large)
        b.i16(1)
        b.raw(uuid)
        b.zeros(FileLayout.directoryRecordSize - b.count)
        return b.bytes
    }
}

/// The file header at offset 0 (rewritten whenever the metadata is saved).
public struct FileHeader: Equatable, Sendable {
    public var end: Int64
    public var seekFree: Int64
    public var nbytesFree: Int32
    public var nbytesName: Int32
    public var compression: Int32
    public var seekInfo: Int64
    public var nbytesInfo: Int32
    public var uuid: [UInt8]

    public var large: Bool { FileLayout.needsLargeSeeks(end: end) }

    /// Exactly fBEGIN (100) bytes: the header, zero padded.
    public func encoded() -> [UInt8] {
        var b = ROOTBuffer(capacity: Int(FileLayout.begin))
        let large = self.large
        b.raw(Array("root".utf8))
        b.i32(FileLayout.rootVersion + (large ? 1_000_000 : 0))
        b.i32(Int32(FileLayout.begin))
        b.seek(end, large: large)
        b.seek(seekFree, large: large)
        b.i32(nbytesFree)
        b.i32(1)                                  // nfree
        b.i32(nbytesName)
        b.u8(large ? 8 : 4)                       // fUnits
        b.i32(compression)
        b.seek(seekInfo, large: large)
        b.i32(nbytesInfo)
        b.i16(1)
        b.raw(uuid)
        b.zeros(Int(FileLayout.begin) - b.count)
        return b.bytes
    }
}

/// The free-segments record: one TFree covering everything past the end of the file.
public enum FreeSegments {
    /// TFree: 2 version (1, or 1001 with 64-bit bounds) | fFirst | fLast.
    public static func encoded(fileEnd: Int64) -> [UInt8] {
        let last = max(FileLayout.startBigFile, fileEnd + FileLayout.startBigFile / 2)
        let large = FileLayout.needsLargeSeeks(end: last)
        var b = ROOTBuffer(capacity: 18)
        b.i16(large ? 1001 : 1)
        b.seek(fileEnd, large: large)
        b.seek(last, large: large)
        return b.bytes
    }
}
