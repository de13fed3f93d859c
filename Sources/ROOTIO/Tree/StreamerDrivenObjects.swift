/// Streamer-driven reading of the tree classes, for class versions TreeObjects.swift does not hand-code
/// (TTree < 16, TBranch < 10, TBranchElement < 8, TLeaf != 2: files of ROOT 4 and early ROOT 5). The members
/// come from the file's own TStreamerInfo of that class version, in its order:
///
/// | element class            | type        | bytes read                                               |
/// |--------------------------|-------------|----------------------------------------------------------|
/// | TStreamerBase            | 0           | TObject / TNamed / TAttX read or skipped; other bases by their streamer |
/// | TStreamerBasicType       | 1-19        | one big-endian number of the type's size                 |
/// |                          | 21-39       | a fixed array: fArrayLength numbers                      |
/// | TStreamerBasicPointer    | 41-59       | 1 byte (0: null), then [count member] numbers            |
/// | TStreamerString          | 65          | a TString                                                |
/// | TStreamerObject(Any)     | 61, 62      | inline object: TObjArray read, TArrayX (int32 n + n numbers), others skipped by byte count |
/// | TStreamerObjectPointer   | 63, 64      | ReadObjectAny (a pointer, possibly null or a reference)  |
/// | TStreamerSTL / others    | 300, 500... | skipped by byte count                                     |
///
/// The members the reader needs are then taken by name (fEntries, fBranches, fBasketSeek, ...).
extension ObjectReader {
    /// One member's value, as the generic reader keeps it.
    enum Member {
        case integer(Int64)
        case real(Double)
        case text(String)
        case integers([Int64])
        case objects([ROOTObject?])
        case object(ROOTObject?)
    }

    /// Reads the members of `className` version `version` (its object header already read) as its
    /// TStreamerInfo in the file describes them, base classes first; keyed by member name.
    mutating func readMembers(_ className: String, version: Int16, into out: inout [String: Member], level: Int = 0) throws {
        guard level < 16 else { throw fail("\(className): base classes nested deeper than 16") }
        guard let info = streamers[className] else {
            if let failure = streamerFailure { throw failure }   // e.g. the list is cut off: the file is damaged
            throw ROOTError(.unsupported, "\(className) class version \(version): no TStreamerInfo for it in the file",
                            offset: cursor.fileOffset)
        }
        guard info.classVersion == Int32(version) else {
            throw ROOTError(.unsupported, "\(className) class version \(version): the file describes version \(info.classVersion) only",
                            offset: cursor.fileOffset)
        }
        for e in info.elements { try readMember(e, of: className, into: &out, level: level) }
    }

    private mutating func readMember(_ e: StreamerElement, of className: String, into out: inout [String: Member],
                                     level: Int) throws {
        let what = "\(className)::\(e.name)"
        switch e.elementClass {
        case "TStreamerBase":
            switch e.name {
            case "TObject": try cursor.readTObject()
            case "TNamed":
                let named = try cursor.readTNamed()
                out["fName"] = .text(named.name)
                out["fTitle"] = .text(named.title)
            case _ where e.name.hasPrefix("TAtt"): try cursor.skipObject(e.name)
            default:
                let h = try cursor.readObjectHeader(e.name)
                try readMembers(e.name, version: h.version, into: &out, level: level + 1)
                try cursor.finish(h, e.name)
            }
        case "TStreamerBasicType":
            let type = Int(e.type)
            if (1...19).contains(type) {
                out[e.name] = try readNumber(type, what: what)
            } else if (21...39).contains(type) {
                let n = Int(max(e.arrayLength, 0))
                var values: [Int64] = []
                for _ in 0..<n {
                    if case .integer(let v) = try readNumber(type - 20, what: what) { values.append(v) }
                }
                out[e.name] = .integers(values)
            } else {
                throw ROOTError(.unsupported, "\(what): basic type \(type)", offset: cursor.fileOffset)
            }
        case "TStreamerBasicPointer":
            let counter = Self.counterName(e.title)
            guard let name = counter, case .integer(let n)? = out[name] else {
                throw ROOTError(.malformed, "\(what): its count member \(counter ?? "?") was not read before it", offset: cursor.fileOffset)
            }
            let type = Int(e.type) - 40
            let flag = try cursor.read(UInt8.self)
            var values: [Int64] = []
            if flag != 0 {
                guard n >= 0, Int(n) <= cursor.remaining else {
                    throw ROOTError(.malformed, "\(what): \(n) elements exceed the buffer", offset: cursor.fileOffset)
                }
                values.reserveCapacity(Int(n))
                for _ in 0..<Int(n) {
                    switch try readNumber(type, what: what) {
                    case .integer(let v): values.append(v)
                    case .real(let d): values.append(Int64(d))
                    default: break
                    }
                }
            }
            out[e.name] = .integers(values)
        case "TStreamerString":
            out[e.name] = .text(try cursor.readTString())
        case "TStreamerObject", "TStreamerObjectAny":
            if e.typeName == "TObjArray" {
                out[e.name] = .objects(try readObjArray())
            } else if e.typeName.hasPrefix("TArray") {
                try skipTArray(e.typeName, what: what)
            } else {
                try skipInline(what)
            }
        case "TStreamerObjectPointer":
            out[e.name] = .object(try readObjectAny())
        default:
            try skipInline(what)
        }
    }

    /// A basic number of ROOT type code `type` (1...19): integers as `.integer`, floats as `.real`.
    private mutating func readNumber(_ type: Int, what: String) throws -> Member {
        switch type {
        case 1: return .integer(Int64(try cursor.read(Int8.self)))
        case 11, 18: return .integer(Int64(try cursor.read(UInt8.self)))
        case 2: return .integer(Int64(try cursor.read(Int16.self)))
        case 12: return .integer(Int64(try cursor.read(UInt16.self)))
        case 3, 6: return .integer(Int64(try cursor.read(Int32.self)))
        case 13, 15: return .integer(Int64(try cursor.read(UInt32.self)))
        case 4, 16: return .integer(try cursor.read(Int64.self))
        case 14, 17: return .integer(Int64(bitPattern: try cursor.read(UInt64.self)))
        case 5, 9, 19: return .real(Double(Float(bitPattern: try cursor.read(UInt32.self))))
        case 8: return .real(Double(bitPattern: try cursor.read(UInt64.self)))
        default: throw ROOTError(.unsupported, "\(what): basic type \(type)", offset: cursor.fileOffset)
        }
    }

    /// TArrayC/S/I/L/F/D as a member: int32 count, then the numbers (no byte count).
    private mutating func skipTArray(_ typeName: String, what: String) throws {
        let sizes: [String: Int] = ["TArrayC": 1, "TArrayS": 2, "TArrayI": 4, "TArrayF": 4, "TArrayL": 8, "TArrayL64": 8, "TArrayD": 8]
        guard let size = sizes[typeName] else { throw ROOTError(.unsupported, "\(what): \(typeName)", offset: cursor.fileOffset) }
        let n = Int(try cursor.read(Int32.self))
        guard n >= 0, n <= cursor.remaining / size else { throw fail("\(what): \(typeName) of \(n) elements exceeds the buffer") }
        try cursor.skip(n * size)
    }

    /// An inline object with a byte count: skipped whole.
    private mutating func skipInline(_ what: String) throws {
        let h = try cursor.readObjectHeader(what)
        guard let end = h.end else { throw fail("\(what): no byte count, cannot skip it") }
        try cursor.seek(end)
    }

    /// `fMaxBaskets` of a pointer member's title `[fMaxBaskets] ...`.
    static func counterName(_ title: String) -> String? {
        guard let open = title.firstIndex(of: "["), let close = title[open...].firstIndex(of: "]") else { return nil }
        let name = title[title.index(after: open)..<close].trimmingCharacters(in: .whitespaces)
        return name.isEmpty ? nil : name
    }

    // MARK: - the tree classes from their members

    /// A TTree of a version without hand-written reader (header already read).
    mutating func readTreeByStreamer(_ h: ObjectHeader) throws -> TreeHeader {
        var m: [String: Member] = [:]
        try readMembers("TTree", version: h.version, into: &m)
        if let end = h.end { try cursor.seek(end) }
        guard case .integer(let entries)? = m["fEntries"] else { throw fail("TTree v\(h.version): no fEntries member") }
        var branches: [BranchModel] = []
        if case .objects(let list)? = m["fBranches"] {
            for case .branch(let b)? in list { branches.append(b) }
        }
        return TreeHeader(name: m.text("fName"), title: m.text("fTitle"), entries: entries, branches: branches)
    }

    /// The TBranch members of `b` (header `h` already read), for versions without hand-written reader.
    mutating func readBranchMembersByStreamer(_ b: BranchModel, header h: ObjectHeader, className: String = "TBranch") throws {
        var m: [String: Member] = [:]
        try readMembers(className, version: h.version, into: &m)
        try cursor.finish(h, className)
        try b.take(m)
    }

    /// A TLeaf's own members (header `h` already read), for versions without hand-written reader.
    mutating func readLeafMembersByStreamer(_ leaf: LeafModel, header h: ObjectHeader) throws {
        var m: [String: Member] = [:]
        try readMembers("TLeaf", version: h.version, into: &m)
        try cursor.finish(h, "TLeaf")
        leaf.name = m.text("fName")
        leaf.title = m.text("fTitle")
        leaf.length = Int32(truncatingIfNeeded: m.integer("fLen") ?? 1)
        leaf.lengthType = Int32(truncatingIfNeeded: m.integer("fLenType") ?? 0)
        leaf.offset = Int32(truncatingIfNeeded: m.integer("fOffset") ?? 0)
        leaf.isRange = (m.integer("fIsRange") ?? 0) != 0
        leaf.isUnsigned = (m.integer("fIsUnsigned") ?? 0) != 0
        if case .object(.leaf(let counter)?)? = m["fLeafCount"] { leaf.leafCount = counter }
    }
}

extension Dictionary where Key == String, Value == ObjectReader.Member {
    func text(_ name: String) -> String { if case .text(let s)? = self[name] { return s } else { return "" } }
    func integer(_ name: String) -> Int64? { if case .integer(let v)? = self[name] { return v } else { return nil } }
    func integers(_ name: String) -> [Int64] { if case .integers(let v)? = self[name] { return v } else { return [] } }
}

extension BranchModel {
    /// Fills the TBranch (and TBranchElement) fields from members read by streamer.
    func take(_ m: [String: ObjectReader.Member]) throws {
        name = m.text("fName")
        title = m.text("fTitle")
        compression = Int32(truncatingIfNeeded: m.integer("fCompress") ?? 0)
        basketSize = Int32(truncatingIfNeeded: m.integer("fBasketSize") ?? 0)
        entryOffsetLength = Int32(truncatingIfNeeded: m.integer("fEntryOffsetLen") ?? 0)
        writeBasket = Int32(truncatingIfNeeded: m.integer("fWriteBasket") ?? 0)
        splitLevel = Int32(truncatingIfNeeded: m.integer("fSplitLevel") ?? 0)
        entries = m.integer("fEntries") ?? 0
        firstEntry = m.integer("fFirstEntry") ?? 0
        totalBytes = m.integer("fTotBytes") ?? 0
        zipBytes = m.integer("fZipBytes") ?? 0
        if case .objects(let list)? = m["fBranches"] {
            for case .branch(let sub)? in list {
                sub.parent = self
                branches.append(sub)
            }
        }
        if case .objects(let list)? = m["fLeaves"] { for case .leaf(let leaf)? in list { leaves.append(leaf) } }
        if case .objects(let list)? = m["fBaskets"] { for case .basket(let basket)? in list { embeddedBaskets.append(basket) } }
        basketBytes = m.integers("fBasketBytes").map { Int32(truncatingIfNeeded: $0) }
        basketEntry = m.integers("fBasketEntry")
        basketSeek = m.integers("fBasketSeek")
        let maxBaskets = Int(m.integer("fMaxBaskets") ?? Int64(basketSeek.count))
        guard maxBaskets >= 0, writeBasket >= 0, Int(writeBasket) <= maxBaskets else {
            throw ROOTError(.malformed, "branch \(name): fWriteBasket \(writeBasket) / fMaxBaskets \(maxBaskets) inconsistent")
        }
        // TBranchElement members, when the class has them.
        if m["fClassName"] != nil {
            elementClassName = m.text("fClassName")
            parentName = m.text("fParentName")
            clonesName = m.text("fClonesName")
            classVersion = Int32(truncatingIfNeeded: m.integer("fClassVersion") ?? 0)
            elementID = Int32(truncatingIfNeeded: m.integer("fID") ?? -1)
            elementType = Int32(truncatingIfNeeded: m.integer("fType") ?? 0)
            streamerType = Int32(truncatingIfNeeded: m.integer("fStreamerType") ?? -1)
            maximum = Int32(truncatingIfNeeded: m.integer("fMaximum") ?? 0)
            if case .object(.branch(let c)?)? = m["fBranchCount"] { branchCount = c }
            if case .object(.branch(let c)?)? = m["fBranchCount2"] { branchCount2 = c }
        }
    }
}
