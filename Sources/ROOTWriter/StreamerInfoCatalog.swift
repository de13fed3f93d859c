/// The TStreamerInfo list written into every file: the layouts (class version, checksum, members) of every class
/// a written tree uses, as ROOT 6 describes them, so ROOT itself can check and read the file.
///
/// | record                 | version | members written                                                      |
/// |------------------------|---------|----------------------------------------------------------------------|
/// | TList                  | 5       | TObject, name "", count, (object, option "") pairs                   |
/// | TStreamerInfo          | 9       | TNamed(class, ""), fCheckSum, fClassVersion, fElements (TObjArray*)   |
/// | TStreamerElement       | 4       | TNamed, fType, fSize, fArrayLength, fArrayDim, fMaxIndex[5], fTypeName|
/// | TStreamerBase          | 3       | element, fBaseVersion (fMaxIndex[1] holds the base's checksum)        |
/// | TStreamerBasicPointer  | 2       | element, fCountVersion, fCountName, fCountClass                      |
/// | other TStreamer*       | 2       | element                                                              |
enum StreamerInfoCatalog {
    /// ROOT::TIOFeatures checksum (a "foreign" class: streamed as version 0 + this checksum).
    static let ioFeaturesChecksum: UInt32 = 0x1aa1_2f10

    enum Kind { case base(version: Int32, checksum: UInt32), basic, pointer(count: String, countClass: String, countVersion: Int32)
                case object, objectAny, objectPointer, string }

    struct Element {
        var kind: Kind
        var name: String
        var type: Int32
        var size: Int32
        var typeName: String
        var title: String = ""
    }

    struct Info {
        var className: String
        var version: Int32
        var checksum: UInt32
        var elements: [Element]
    }

    // ROOT type codes.
    static let kShort: Int32 = 2, kInt: Int32 = 3, kChar: Int32 = 1, kFloat: Int32 = 5, kCounter: Int32 = 6
    static let kDouble: Int32 = 8, kUChar: Int32 = 11, kUInt: Int32 = 13, kBits: Int32 = 15, kLong64: Int32 = 16, kBool: Int32 = 18

    static func base(_ name: String, _ v: Int32, _ sum: UInt32) -> Element {
        let type: Int32 = name == "TObject" ? 66 : name == "TNamed" ? 67 : 0
        return Element(kind: .base(version: v, checksum: sum), name: name, type: type, size: 0, typeName: "BASE")
    }
    static func basic(_ name: String, _ type: Int32, _ size: Int32, _ typeName: String) -> Element {
        Element(kind: .basic, name: name, type: type, size: size, typeName: typeName)
    }
    static func minMax(_ type: Int32, _ size: Int32, _ typeName: String) -> [Element] {
        [basic("fMinimum", type, size, typeName), basic("fMaximum", type, size, typeName)]
    }
    static func tstring(_ name: String) -> Element { Element(kind: .string, name: name, type: 65, size: 24, typeName: "TString") }
    static func objArray(_ name: String) -> Element { Element(kind: .object, name: name, type: 61, size: 64, typeName: "TObjArray") }
    static func pointer(_ name: String, _ typeName: String) -> Element {
        Element(kind: .objectPointer, name: name, type: 64, size: 8, typeName: typeName)
    }
    static func any(_ name: String, _ typeName: String, size: Int32) -> Element {
        Element(kind: .objectAny, name: name, type: 62, size: size, typeName: typeName)
    }
    static func array(_ name: String, _ typeName: String, type: Int32, count: String, countClass: String, countVersion: Int32) -> Element {
        Element(kind: .pointer(count: count, countClass: countClass, countVersion: countVersion), name: name, type: type, size: 8,
                typeName: typeName, title: "[\(count)]")
    }

    static let sumTObject: UInt32 = 0x901b_c02d, sumTNamed: UInt32 = 0xdfb7_4a3c, sumTAttLine: UInt32 = 0x9407_4549
    static let sumTAttFill: UInt32 = 0xffd9_2a92, sumTAttMarker: UInt32 = 0x291d_8bec, sumTLeaf: UInt32 = 0x6d1e_8152
    static let sumTCollection: UInt32 = 0x57e3_cb9c, sumTSeqCollection: UInt32 = 0xfc6c_3bc6

    /// Every class a written file uses.
    static let infos: [Info] = {
        let leaf: [(String, UInt32, Int32, Int32, String)] = [
            ("TLeafB", 0x0f1e_4b5e, kChar, 1, "char"), ("TLeafS", 0x150c_eecf, kShort, 2, "short"),
            ("TLeafI", 0x7e6a_ae19, kInt, 4, "int"), ("TLeafL", 0xde32_0862, kLong64, 8, "long long"),
            ("TLeafF", 0x3add_9d72, kFloat, 4, "float"), ("TLeafD", 0x118e_8776, kDouble, 8, "double"),
            ("TLeafO", 0x02ae_48d3, kBool, 1, "bool"),
        ]
        var out: [Info] = [
            Info(className: "TObject", version: 1, checksum: sumTObject, elements: [
                basic("fUniqueID", kUInt, 4, "unsigned int"), basic("fBits", kBits, 4, "unsigned int")]),
            Info(className: "TNamed", version: 1, checksum: sumTNamed, elements: [
                base("TObject", 1, sumTObject), tstring("fName"), tstring("fTitle")]),
            Info(className: "TAttLine", version: 2, checksum: sumTAttLine, elements: [
                basic("fLineColor", kShort, 2, "short"), basic("fLineStyle", kShort, 2, "short"), basic("fLineWidth", kShort, 2, "short")]),
            Info(className: "TAttFill", version: 2, checksum: sumTAttFill, elements: [
                basic("fFillColor", kShort, 2, "short"), basic("fFillStyle", kShort, 2, "short")]),
            Info(className: "TAttMarker", version: 2, checksum: sumTAttMarker, elements: [
                basic("fMarkerColor", kShort, 2, "short"), basic("fMarkerStyle", kShort, 2, "short"),
                basic("fMarkerSize", kFloat, 4, "float")]),
            Info(className: "TCollection", version: 3, checksum: sumTCollection, elements: [
                base("TObject", 1, sumTObject), tstring("fName"), basic("fSize", kInt, 4, "int")]),
            Info(className: "TSeqCollection", version: 0, checksum: sumTSeqCollection, elements: [
                base("TCollection", 3, sumTCollection)]),
            Info(className: "TObjArray", version: 3, checksum: 0xa99e_6552, elements: [
                base("TSeqCollection", 0, sumTSeqCollection), basic("fLowerBound", kInt, 4, "int"), basic("fLast", kInt, 4, "int")]),
            Info(className: "TList", version: 5, checksum: 0x69c5_c3bb, elements: [base("TSeqCollection", 0, sumTSeqCollection)]),
            Info(className: "ROOT::TIOFeatures", version: 1, checksum: ioFeaturesChecksum, elements: [
                basic("fIOBits", kUChar, 1, "unsigned char")]),
            Info(className: "TLeaf", version: 2, checksum: sumTLeaf, elements: [
                base("TNamed", 1, sumTNamed), basic("fLen", kInt, 4, "int"), basic("fLenType", kInt, 4, "int"),
                basic("fOffset", kInt, 4, "int"), basic("fIsRange", kBool, 1, "bool"), basic("fIsUnsigned", kBool, 1, "bool"),
                pointer("fLeafCount", "TLeaf*")]),
        ]
        for (name, sum, type, size, typeName) in leaf {
            out.append(Info(className: name, version: 1, checksum: sum, elements: [base("TLeaf", 2, sumTLeaf)] + minMax(type, size, typeName)))
        }
        out.append(Info(className: "TBranch", version: 13, checksum: 0x1097_8aac, elements: [
            base("TNamed", 1, sumTNamed), base("TAttFill", 2, sumTAttFill),
            basic("fCompress", kInt, 4, "int"), basic("fBasketSize", kInt, 4, "int"), basic("fEntryOffsetLen", kInt, 4, "int"),
            basic("fWriteBasket", kInt, 4, "int"), basic("fEntryNumber", kLong64, 8, "long long"),
            any("fIOFeatures", "ROOT::TIOFeatures", size: 1), basic("fOffset", kInt, 4, "int"),
            basic("fMaxBaskets", kCounter, 4, "int"), basic("fSplitLevel", kInt, 4, "int"),
            basic("fEntries", kLong64, 8, "long long"), basic("fFirstEntry", kLong64, 8, "long long"),
            basic("fTotBytes", kLong64, 8, "long long"), basic("fZipBytes", kLong64, 8, "long long"),
            objArray("fBranches"), objArray("fLeaves"), objArray("fBaskets"),
            array("fBasketBytes", "int*", type: 43, count: "fMaxBaskets", countClass: "TBranch", countVersion: 13),
            array("fBasketEntry", "long long*", type: 56, count: "fMaxBaskets", countClass: "TBranch", countVersion: 13),
            array("fBasketSeek", "long long*", type: 56, count: "fMaxBaskets", countClass: "TBranch", countVersion: 13),
            tstring("fFileName")]))
        let l64 = ["fEntries", "fTotBytes", "fZipBytes", "fSavedBytes", "fFlushedBytes"].map { basic($0, kLong64, 8, "long long") }
        let ints = ["fTimerInterval", "fScanField", "fUpdate", "fDefaultEntryOffsetLen"].map { basic($0, kInt, 4, "int") }
        let l64b = ["fMaxEntries", "fMaxEntryLoop", "fMaxVirtualSize", "fAutoSave", "fAutoFlush", "fEstimate"].map { basic($0, kLong64, 8, "long long") }
        out.append(Info(className: "TTree", version: 20, checksum: 0x7264_e07f, elements:
            [base("TNamed", 1, sumTNamed), base("TAttLine", 2, sumTAttLine), base("TAttFill", 2, sumTAttFill),
             base("TAttMarker", 2, sumTAttMarker)] + l64 + [basic("fWeight", kDouble, 8, "double")] + ints
            + [basic("fNClusterRange", kCounter, 4, "int")] + l64b + [
                array("fClusterRangeEnd", "long long*", type: 56, count: "fNClusterRange", countClass: "TTree", countVersion: 20),
                array("fClusterSize", "long long*", type: 56, count: "fNClusterRange", countClass: "TTree", countVersion: 20),
                any("fIOFeatures", "ROOT::TIOFeatures", size: 1), objArray("fBranches"), objArray("fLeaves"),
                pointer("fAliases", "TList*"), any("fIndexValues", "TArrayD", size: 24), any("fIndex", "TArrayI", size: 24),
                pointer("fTreeIndex", "TVirtualIndex*"), pointer("fFriends", "TList*"), pointer("fUserInfo", "TList*"),
                pointer("fBranchRef", "TBranchRef*")]))
        return out
    }()

    static let kULong64: Int32 = 17

    /// ROOT::RNTuple, the RNTuple anchor (class version 2), as ROOT 6.34 describes it.
    static let rntupleInfo = Info(className: "ROOT::RNTuple", version: 2, checksum: 0x4ba2_1bf5, elements:
        ["fVersionEpoch", "fVersionMajor", "fVersionMinor", "fVersionPatch"].map { basic($0, kUShort, 2, "unsigned short") }
        + ["fSeekHeader", "fNBytesHeader", "fLenHeader", "fSeekFooter", "fNBytesFooter", "fLenFooter", "fMaxKeySize"]
            .map { basic($0, kULong64, 8, "unsigned long long") })

    /// The StreamerInfo TList object for a key of length `keyLength`: `infos`, then the `extra` records
    /// (e.g. `histogramInfos`, `rntupleInfo`).
    static func list(keyLength: Int, including extra: [Info] = []) -> [UInt8] {
        var b = ROOTBuffer(origin: keyLength, capacity: 16 * 1024)
        let list = b.beginObject(version: 5)
        b.tobject()
        b.tstring("")
        let all = infos + extra
        b.i32(Int32(all.count))
        for info in all {
            b.objectAny("TStreamerInfo") { b in write(&b, info) }
            b.u8(0)                                           // option string
        }
        b.endObject(list)
        return b.bytes
    }

    static func write(_ b: inout ROOTBuffer, _ info: Info) {
        let s = b.beginObject(version: 9)
        b.tnamed(info.className, "")
        b.u32(info.checksum)
        b.i32(info.version)
        b.objectAny("TObjArray") { b in
            let arr = b.beginObject(version: 3)
            b.tobject(); b.tstring(""); b.i32(Int32(info.elements.count)); b.i32(0)
            for e in info.elements {
                b.objectAny(className(e.kind)) { b in element(&b, e) }
            }
            b.endObject(arr)
        }
        b.endObject(s)
    }

    static func className(_ k: Kind) -> String {
        switch k {
        case .base: return "TStreamerBase"
        case .basic: return "TStreamerBasicType"
        case .pointer: return "TStreamerBasicPointer"
        case .object: return "TStreamerObject"
        case .objectAny: return "TStreamerObjectAny"
        case .objectPointer: return "TStreamerObjectPointer"
        case .string: return "TStreamerString"
        }
    }

    static func element(_ b: inout ROOTBuffer, _ e: Element) {
        var outerVersion: Int16 = 2
        if case .base = e.kind { outerVersion = 3 }
        let outer = b.beginObject(version: outerVersion)
        let inner = b.beginObject(version: 4)
        b.tnamed(e.name, e.title)
        b.i32(e.type)
        b.i32(e.size)
        b.i32(0)                                              // fArrayLength
        b.i32(0)                                              // fArrayDim
        var maxIndex: [UInt32] = [0, 0, 0, 0, 0]
        if case .base(_, let sum) = e.kind { maxIndex[1] = sum }
        for m in maxIndex { b.u32(m) }
        b.tstring(e.typeName)
        b.endObject(inner)
        switch e.kind {
        case .base(let v, _): b.i32(v)
        case let .pointer(count, countClass, countVersion):
            b.i32(countVersion); b.tstring(count); b.tstring(countClass)
        default: break
        }
        b.endObject(outer)
    }
}
