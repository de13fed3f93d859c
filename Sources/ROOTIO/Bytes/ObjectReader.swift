/// Decoded objects the reader understands; anything else is skipped by its byte count.
enum ROOTObject {
    case branch(BranchModel)
    case leaf(LeafModel)
    case basket(EmbeddedBasket)
    case streamerInfo(StreamerInfo)
    case streamerElement(StreamerElement)
    case list([ROOTObject?])
    case string(String)
    case skipped(String)
}

/// Reads polymorphic object graphs the way TBufferFile::ReadObjectAny writes them.
///
/// | word                      | meaning                                                      |
/// |---------------------------|--------------------------------------------------------------|
/// | 0                         | null pointer                                                 |
/// | bcnt|0x40000000, then tag | object with a byte count; tag follows                        |
/// | tag 0xFFFFFFFF            | new class: NUL-terminated class name, then the object        |
/// | tag & 0x80000000          | known class (reference to the class tag's position), object  |
/// | other tag                 | reference to an object read earlier in this buffer           |
struct ObjectReader {
    var cursor: ByteCursor
    private var refs: [Int: Ref] = [:]
    /// Nesting depth guard against hostile, deeply nested object graphs.
    private var depth = 0
    static let maxDepth = 64
    /// The file's class layouts, for classes read by streamer (StreamerDrivenObjects.swift).
    var streamers: [String: StreamerInfo] = [:]
    /// Why `streamers` is empty, when the file's list could not be read.
    var streamerFailure: ROOTError?
    /// Read the tree classes by streamer even for versions with a hand-written reader (tests compare both).
    var preferStreamers = false

    private enum Ref { case className(String), object(ROOTObject?) }

    init(_ cursor: ByteCursor) { self.cursor = cursor }

    func fail(_ message: String, at position: Int? = nil) -> ROOTError {
        ROOTError(.malformed, message, offset: cursor.base + Int64(position ?? cursor.position))
    }

    /// ReadObjectAny: a pointer to an object of any class.
    mutating func readObjectAny() throws -> ROOTObject? {
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maxDepth else { throw fail("object nesting deeper than \(Self.maxDepth)") }
        let beg = cursor.position
        let begDisp = cursor.displacement
        var bcnt = try cursor.read(UInt32.self)
        let tag: UInt32
        var hasCount = false
        var startDisp = 0
        if bcnt & kByteCountMask == 0 || bcnt == kNewClassTag {
            tag = bcnt
            bcnt = 0
        } else {
            hasCount = true
            bcnt &= ~kByteCountMask
            startDisp = cursor.displacement
            guard Int(bcnt) <= cursor.bytes.count - beg - 4 else {
                throw fail("object byte count \(bcnt) exceeds the buffer", at: beg)
            }
            tag = try cursor.read(UInt32.self)
        }
        let end = hasCount ? beg + 4 + Int(bcnt) : nil

        if tag & kClassMask == 0 {
            // A reference to an object read earlier, or null.
            if tag == 0 { return nil }
            if let end { try cursor.seek(end) }
            if case .object(let o)? = refs[Int(tag)] { return o }
            return nil
        }
        let className: String
        if tag == kNewClassTag {
            className = try cursor.readCString()
            refs[hasCount ? startDisp + kMapOffset : refs.count + 1] = .className(className)
        } else {
            let ref = Int(tag & ~kClassMask)
            guard case .className(let name)? = refs[ref] else {
                throw fail("invalid class reference \(ref)", at: beg)
            }
            className = name
        }
        let objDisp = begDisp + kMapOffset
        let obj = try readBody(className, end: end)
        if let end {
            guard cursor.position <= end else {
                throw fail("\(className) read \(cursor.position - end) bytes past its byte count", at: beg)
            }
            cursor.position = end
        }
        refs[hasCount ? objDisp : refs.count + 1] = .object(obj)
        return obj
    }

    /// Reads one object of a known class (no class tag), dispatching on the class name.
    mutating func readBody(_ className: String, end: Int?) throws -> ROOTObject? {
        switch className {
        case "TObjArray":
            return .list(try readObjArray())
        case "TList", "THashList":
            return .list(try readList())
        case "TBranch", "TBranchElement", "TBranchObject":
            return .branch(try readBranch(className))
        case "TBranchRef", "TBranchSTL":
            break
        case "TLeafB", "TLeafS", "TLeafI", "TLeafL", "TLeafG", "TLeafF", "TLeafD", "TLeafO", "TLeafC",
             "TLeafF16", "TLeafD32", "TLeafElement", "TLeafObject":
            return .leaf(try readLeaf(className))
        case "TBasket":
            return .basket(try readEmbeddedBasket())
        case "TStreamerInfo":
            return .streamerInfo(try readStreamerInfo())
        case _ where className.hasPrefix("TStreamer"):
            return .streamerElement(try readStreamerElement(className))
        case "TObjString":
            let h = try cursor.readObjectHeader(className)
            try cursor.readTObject()
            let s = try cursor.readTString()
            try cursor.finish(h, className)
            return .string(s)
        default:
            break
        }
        guard let end else {
            throw fail("cannot skip object of class \(className): no byte count")
        }
        try cursor.seek(end)
        return .skipped(className)
    }

    /// TObjArray: header, TObject, name, count, lower bound, objects.
    mutating func readObjArray() throws -> [ROOTObject?] {
        let h = try cursor.readObjectHeader("TObjArray")
        if h.version > 2 { try cursor.readTObject() }
        if h.version > 1 { _ = try cursor.readTString() }
        let n = Int(try cursor.read(Int32.self))
        _ = try cursor.read(Int32.self)
        guard n >= 0, n <= cursor.remaining / 4 else { throw fail("TObjArray of \(n) objects exceeds the buffer") }
        var out: [ROOTObject?] = []
        out.reserveCapacity(n)
        for _ in 0..<n { out.append(try readObjectAny()) }
        try cursor.finish(h, "TObjArray")
        return out
    }

    /// TList: header, TObject, name, count, then (object, option string) pairs.
    mutating func readList() throws -> [ROOTObject?] {
        let h = try cursor.readObjectHeader("TList")
        if h.version > 3 { try cursor.readTObject() }
        _ = try cursor.readTString()
        let n = Int(try cursor.read(Int32.self))
        guard n >= 0, n <= cursor.remaining / 4 else { throw fail("TList of \(n) objects exceeds the buffer") }
        var out: [ROOTObject?] = []
        out.reserveCapacity(n)
        for _ in 0..<n {
            out.append(try readObjectAny())
            let nch = Int(try cursor.read(UInt8.self))
            try cursor.skip(nch)
        }
        try cursor.finish(h, "TList")
        return out
    }

    /// TStreamerInfo: TNamed, checksum, class version, elements.
    mutating func readStreamerInfo() throws -> StreamerInfo {
        let h = try cursor.readObjectHeader("TStreamerInfo")
        let named = try cursor.readTNamed()
        let checksum = try cursor.read(UInt32.self)
        let version = try cursor.read(Int32.self)
        var elements: [StreamerElement] = []
        if case .list(let items)? = try readObjectAny() {
            for case .streamerElement(let e)? in items { elements.append(e) }
        }
        try cursor.finish(h, "TStreamerInfo")
        return StreamerInfo(className: named.name, classVersion: version, checksum: checksum, elements: elements)
    }

    /// Any TStreamerElement subclass: the common TStreamerElement part; subclass members are skipped.
    mutating func readStreamerElement(_ className: String) throws -> StreamerElement {
        let outer = try cursor.readObjectHeader(className)
        if className == "TStreamerSTLstring" && outer.version > 1 {
            _ = try cursor.readObjectHeader("TStreamerSTL")   // streamed member-wise: its TStreamerSTL base first
        }
        let h = try cursor.readObjectHeader("TStreamerElement")
        let named = try cursor.readTNamed()
        let type = try cursor.read(Int32.self)
        let size = try cursor.read(Int32.self)
        let arrayLength = try cursor.read(Int32.self)
        let arrayDim = try cursor.read(Int32.self)
        var maxIndex: [Int32] = []
        if h.version == 1 {
            let n = Int(try cursor.read(Int32.self))
            guard n >= 0, n <= 16 else { throw fail("TStreamerElement fMaxIndex of \(n)") }
            for _ in 0..<n { maxIndex.append(try cursor.read(Int32.self)) }
        } else {
            for _ in 0..<5 { maxIndex.append(try cursor.read(Int32.self)) }
        }
        let typeName = try cursor.readTString()
        try cursor.finish(h, "TStreamerElement \(named.name) (\(className))")
        if let end = outer.end { try cursor.seek(end) }
        return StreamerElement(elementClass: className, name: named.name, title: named.title, type: type, size: size,
                               arrayLength: arrayLength, arrayDim: arrayDim, maxIndex: maxIndex, typeName: typeName)
    }
}
