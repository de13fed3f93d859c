import Columnar

/// The one place holding every branch-to-type rule (uproot's `identify`, done our way).
///
/// | branch                              | rule                                                   |
/// |-------------------------------------|--------------------------------------------------------|
/// | has sub-branches                    | container (no data of its own)                         |
/// | TBranch, one TLeafX, no counter     | flat, or fixed when the title has numeric dimensions   |
/// | TBranch, one leaf with fLeafCount   | jagged, sizes from the basket's entry offsets          |
/// | TBranch, several leaves (leaf list) | unsupported as one column                              |
/// | TLeafD32 / TLeafF16                 | range and bits from the leaf title `d[low,high,bits]`  |
/// | TBranchElement, basic streamer type | flat (1-19), fixed (21-39), jagged with 1-byte header (41-59) |
/// | TBranchElement, fType 31 / 41       | member of a split collection: jagged (fBits: 4 or 6 B) |
/// | TBranchElement, vector<T> / set<T>  | jagged with a 10-byte header per entry                 |
/// | TBranchElement, std::bitset<N>      | jagged bool, N per entry, with the same 10-byte header |
public struct BranchIdentifier {
    let streamers: [String: StreamerInfo]

    public init(streamers: [String: StreamerInfo]) { self.streamers = streamers }

    /// Decides the interpretation of a branch.
    public func identify(_ b: BranchModel) -> Interpretation {
        if !b.branches.isEmpty {
            // A split TClonesArray / STL collection stores its per-entry size in the parent branch.
            if b.className == "TBranchElement" && (b.elementType == 3 || b.elementType == 4) { return .flat(.plain(.int32)) }
            return .container
        }
        if b.className == "TBranchObject" { return .unsupported("TBranchObject (\(b.elementClassName))") }
        guard let leaf = b.leaves.first else { return .container }
        if b.leaves.count > 1 { return .unsupported("leaf list of \(b.leaves.count) leaves") }
        if b.className == "TBranch" { return identifyLeaf(b, leaf) }
        return identifyElement(b, leaf)
    }

    /// The C++ type name of the branch's data, for display.
    public func typeName(_ b: BranchModel) -> String {
        if b.className == "TBranch", let leaf = b.leaves.first {
            let base = Self.leafTypeNames[leaf.className] ?? leaf.className
            let t = leaf.isUnsigned && !base.hasPrefix("u") && base.hasSuffix("_t") ? "u" + base : base
            if leaf.leafCount != nil { return t + "[]" }
            let dims = Self.dimensions(Self.nameWithDims(b, leaf))
            return t + dims.numeric.map { "[\($0)]" }.joined()
        }
        if let el = element(b) { return el.typeName }
        return b.elementClassName.isEmpty ? b.className : b.elementClassName
    }

    static let leafTypeNames: [String: String] = [
        "TLeafB": "int8_t", "TLeafS": "int16_t", "TLeafI": "int32_t", "TLeafL": "int64_t", "TLeafG": "int64_t",
        "TLeafF": "float", "TLeafD": "double", "TLeafO": "bool", "TLeafC": "char*", "TLeafF16": "Float16_t",
        "TLeafD32": "Double32_t", "TLeafElement": "element",
    ]

    // MARK: - plain TBranch

    private func identifyLeaf(_ b: BranchModel, _ leaf: LeafModel) -> Interpretation {
        let codec: ElementCodec
        switch leaf.className {
        case "TLeafB": codec = .plain(leaf.isUnsigned ? .uint8 : .int8)
        case "TLeafS": codec = .plain(leaf.isUnsigned ? .uint16 : .int16)
        case "TLeafI": codec = .plain(leaf.isUnsigned ? .uint32 : .int32)
        case "TLeafL", "TLeafG": codec = .plain(leaf.isUnsigned ? .uint64 : .int64)
        case "TLeafF": codec = .plain(.float32)
        case "TLeafD": codec = .plain(.float64)
        case "TLeafO": codec = .plain(.bool)
        case "TLeafF16": codec = Self.truncatedCodec(title: leaf.title, isFloat16: true)
        case "TLeafD32": codec = Self.truncatedCodec(title: leaf.title, isFloat16: false)
        case "TLeafC": return .unsupported("strings (TLeafC)")
        default: return .unsupported("leaf class \(leaf.className)")
        }
        let dims = Self.dimensions(Self.nameWithDims(b, leaf))
        if leaf.leafCount != nil {
            if !dims.numeric.isEmpty { return .unsupported("variable-length array of fixed arrays") }
            return .jagged(codec, headerBytes: 0)
        }
        let width = Int(leaf.length)
        if width <= 1 && dims.numeric.isEmpty { return .flat(codec) }
        let shape = dims.numeric.reduce(1, *) == width && !dims.numeric.isEmpty ? dims.numeric : [max(width, 1)]
        return .fixed(codec, shape: shape)
    }

    /// `name[3][4]` part of a branch title (before '/'), or the leaf title.
    static func nameWithDims(_ b: BranchModel, _ leaf: LeafModel) -> String {
        if leaf.className == "TLeafD32" || leaf.className == "TLeafF16" {
            return String(b.title.split(separator: "/", maxSplits: 1).first ?? "")
        }
        return leaf.title.isEmpty ? b.title : leaf.title
    }

    /// Bracketed dimensions after the name: numeric ones, and whether any is a counter name.
    static func dimensions(_ s: String) -> (numeric: [Int], hasCounter: Bool) {
        var numeric: [Int] = []
        var hasCounter = false
        var rest = Substring(s)
        while let open = rest.firstIndex(of: "["), let close = rest[open...].firstIndex(of: "]") {
            let inner = rest[rest.index(after: open)..<close]
            if let n = Int(inner) { numeric.append(n) } else { hasCounter = true }
            rest = rest[rest.index(after: close)...]
        }
        return (numeric, hasCounter)
    }

    /// Double32_t / Float16_t storage from a `[low, high(, bits)]` title, as ROOT and uproot read it.
    static func truncatedCodec(title: String, isFloat16: Bool) -> ElementCodec {
        let output: DType = isFloat16 ? .float32 : .float64
        guard let open = title.firstIndex(of: "["), let close = title[open...].firstIndex(of: "]") else {
            return isFloat16 ? .truncated(bits: 12, output: output) : .float32AsFloat64
        }
        let parts = title[title.index(after: open)..<close].split(separator: ",").map {
            $0.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "pi", with: "3.141592653589793")
        }
        let numbers = parts.compactMap(Double.init)
        guard numbers.count == parts.count, numbers.count == 2 || numbers.count == 3 else {
            return isFloat16 ? .truncated(bits: 12, output: output) : .float32AsFloat64
        }
        var bits = 32
        if numbers.count == 3, let b = Int(exactly: numbers[2]), (2...32).contains(b) { bits = b }
        let (low, high) = (numbers[0], numbers[1])
        if low == 0 && high == 0 { return .truncated(bits: bits, output: output) }
        return .scaled(low: low, high: high, bits: bits, output: output)
    }

    // MARK: - TBranchElement

    /// The streamer element that describes this branch's member, when the file has it.
    func element(_ b: BranchModel) -> StreamerElement? {
        guard b.elementID >= 0, let info = streamers[b.elementClassName],
              Int(b.elementID) < info.elements.count else { return nil }
        return info.elements[Int(b.elementID)]
    }

    private func identifyElement(_ b: BranchModel, _ leaf: LeafModel) -> Interpretation {
        let el = element(b)
        var type = b.streamerType
        if type < 0, leaf.elementType > 0 { type = leaf.elementType }
        let inCollection = b.elementType == 31 || b.elementType == 41
        // std::vector<T>, std::set<T>, RVec<T> at the top or as a member.
        let containerName = el?.typeName ?? (b.elementID < 0 ? b.elementClassName : "")
        if type == 500 || type == 300 || type == -1 || type == 365 {
            if Self.bitsetSize(containerName) != nil {
                // std::bitset<N>: streamed like vector<bool> (byte count, version, size N, N bools).
                if inCollection { return .unsupported("\(containerName) inside a split collection") }
                return .jagged(.plain(.bool), headerBytes: 10)
            }
            if let inner = Self.sequenceElement(containerName), let dtype = Self.dtype(cppName: inner) {
                if inCollection { return .unsupported("\(containerName) inside a split collection") }
                return .jagged(.plain(dtype), headerBytes: 10)
            }
            return .unsupported(containerName.isEmpty ? "object of class \(b.elementClassName)" : containerName)
        }
        guard type > 0 else { return .unsupported("streamer type \(type)") }
        let base = type % 20 == 0 ? 20 : type % 20   // 1...19 within each block of 20
        let block = (type - base) / 20                // 0 basic, 1 fixed array, 2 pointer array
        guard (1...19).contains(base), base != 7, block <= 2 else {
            return .unsupported(el.map { "\($0.typeName) (streamer type \(type))" } ?? "streamer type \(type)")
        }
        guard let codec = Self.codec(typeCode: Int(base), element: el) else {
            return .unsupported("streamer type \(type)")
        }
        if inCollection {
            // kBits (15): TObject::fBits, 4 or 6 bytes per object (see ElementCodec.objectBits).
            if block == 0 && base == 15 { return .jagged(.objectBits, headerBytes: 0) }
            return block == 0 ? .jagged(codec, headerBytes: 0) : .unsupported("array inside a split collection")
        }
        switch block {
        case 0: return .flat(codec)
        case 1:
            var shape = el.map { Array($0.maxIndex.prefix(Int($0.arrayDim)).map(Int.init)) } ?? []
            let width = Int(leaf.length)
            if shape.reduce(1, *) != width || shape.isEmpty { shape = [max(width, 1)] }
            return .fixed(codec, shape: shape)
        default: return .jagged(codec, headerBytes: 1)
        }
    }

    /// Element codec for ROOT's basic type codes (kChar = 1 ... kFloat16 = 19).
    static func codec(typeCode: Int, element: StreamerElement?) -> ElementCodec? {
        switch typeCode {
        case 1: return .plain(.int8)
        case 2: return .plain(.int16)
        case 3: return .plain(.int32)
        case 4, 16: return .plain(.int64)
        case 5: return .plain(.float32)
        case 6:
            // kCounter: an array size, never negative; read unsigned as uproot does, so digests agree.
            return .plain(.uint32)
        case 8: return .plain(.float64)
        case 9: return truncatedCodec(title: element?.title ?? "", isFloat16: false)
        case 11: return .plain(.uint8)
        case 12: return .plain(.uint16)
        case 13, 15: return .plain(.uint32)
        case 14, 17: return .plain(.uint64)
        case 18: return .plain(.bool)
        case 19: return truncatedCodec(title: element?.title ?? "", isFloat16: true)
        default: return nil
        }
    }

    /// `N` of `bitset<N>` / `std::bitset<N>`; nil for anything else.
    static func bitsetSize(_ name: String) -> Int? {
        let n = name.replacingOccurrences(of: "std::", with: "").replacingOccurrences(of: " ", with: "")
        guard n.hasPrefix("bitset<"), n.hasSuffix(">") else { return nil }
        return Int(n.dropFirst("bitset<".count).dropLast())
    }

    /// `T` of `vector<T>`, `std::vector<T>`, `set<T>`, `ROOT::VecOps::RVec<T>`; nil for anything else.
    static func sequenceElement(_ name: String) -> String? {
        let n = name.replacingOccurrences(of: "std::", with: "").replacingOccurrences(of: "ROOT::VecOps::", with: "")
        for prefix in ["vector<", "set<", "RVec<"] where n.hasPrefix(prefix) && n.hasSuffix(">") {
            var inner = n.dropFirst(prefix.count).dropLast().trimmingCharacters(in: .whitespaces)
            // vector<T, Allocator<T> > (RVec's adopting allocator): keep T.
            if let comma = inner.firstIndex(of: ","), inner[comma...].lowercased().contains("allocator") {
                inner = inner[..<comma].trimmingCharacters(in: .whitespaces)
            }
            if inner.contains("<") || inner.contains(",") { return nil }
            return inner
        }
        return nil
    }

    /// Numeric dtype for a C++ basic type spelling.
    static func dtype(cppName: String) -> DType? {
        switch cppName {
        case "bool", "Bool_t": return .bool
        case "char", "Char_t", "int8_t", "signed char": return .int8
        case "unsigned char", "UChar_t", "uint8_t": return .uint8
        case "short", "Short_t", "int16_t", "short int": return .int16
        case "unsigned short", "UShort_t", "uint16_t", "unsigned short int": return .uint16
        case "int", "Int_t", "int32_t": return .int32
        case "unsigned int", "UInt_t", "uint32_t", "unsigned": return .uint32
        case "long", "Long_t", "long long", "Long64_t", "int64_t", "long int", "long long int": return .int64
        case "unsigned long", "ULong_t", "unsigned long long", "ULong64_t", "uint64_t", "unsigned long int":
            return .uint64
        case "float", "Float_t": return .float32
        case "double", "Double_t": return .float64
        default: return nil
        }
    }
}
