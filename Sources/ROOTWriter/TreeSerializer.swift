/// Per-branch basket bookkeeping (ROOT's fBasketBytes / fBasketEntry / fBasketSeek / fWriteBasket).
struct BranchState {
    var basketBytes: [Int32] = []
    var basketEntry: [Int64] = []
    var basketSeek: [Int64] = []
    var totalBytes: Int64 = 0
    var zipBytes: Int64 = 0
    var maxValue: Int = 0
}

/// Streams a TTree object (class versions below) the way TTree::Streamer writes them.
///
/// | class          | version | members written                                                         |
/// |----------------|---------|-------------------------------------------------------------------------|
/// | TTree          | 20      | TNamed, TAttLine, TAttFill, TAttMarker, fEntries … fEstimate,           |
/// |                |         | fClusterRangeEnd/Size [0], fIOFeatures, fBranches, fLeaves, fAliases=0,  |
/// |                |         | fIndexValues, fIndex, fTreeIndex=0, fFriends=0, fUserInfo=0, fBranchRef=0 |
/// | TBranch        | 13      | TNamed, TAttFill, fCompress … fZipBytes, fBranches, fLeaves, fBaskets,    |
/// |                |         | fBasketBytes, fBasketEntry, fBasketSeek [fMaxBaskets], fFileName        |
/// | TLeaf          | 2       | TNamed, fLen, fLenType, fOffset, fIsRange, fIsUnsigned, fLeafCount       |
/// | TLeafB/S/I/L/F/D/O | 1   | TLeaf, fMinimum, fMaximum                                               |
/// | TIOFeatures    | 0+sum   | checksum, fIOBits (uint8)                                                       |
/// fMaxBaskets = baskets + 1: the slot after the last basket holds the next entry number (ROOT's convention).
enum TreeSerializer {
    struct TreeInfo {
        var name: String
        var title: String
        var entries: Int64
        var autoFlush: Int64
        var compression: Int32
        var branches: [BranchPlan]
        var states: [BranchState]
    }

    /// The TTree object bytes for a key whose fKeylen is `keyLength` (references are measured from it).
    static func serialize(_ t: TreeInfo, keyLength: Int) -> [UInt8] {
        var b = ROOTBuffer(origin: keyLength, capacity: 1024 + 400 * t.branches.count)
        let tree = b.beginObject(version: 20)
        b.tnamed(t.name, t.title)
        attLine(&b); attFill(&b); attMarker(&b)
        let tot = t.states.reduce(Int64(0)) { $0 + $1.totalBytes }
        let zip = t.states.reduce(Int64(0)) { $0 + $1.zipBytes }
        b.i64(t.entries)
        b.i64(tot)                       // fTotBytes
        b.i64(zip)                       // fZipBytes
        b.i64(zip)                       // fSavedBytes
        b.i64(zip)                       // fFlushedBytes
        b.f64(1)                         // fWeight
        b.i32(0)                         // fTimerInterval
        b.i32(25)                        // fScanField
        b.i32(0)                         // fUpdate
        b.i32(1000)                      // fDefaultEntryOffsetLen
        b.i32(0)                         // fNClusterRange
        b.i64(1_000_000_000_000)         // fMaxEntries
        b.i64(1_000_000_000_000)         // fMaxEntryLoop
        b.i64(0)                         // fMaxVirtualSize
        b.i64(-300_000_000)              // fAutoSave
        b.i64(t.autoFlush)               // fAutoFlush: entries per cluster
        b.i64(1_000_000)                 // fEstimate
        b.u8(0)                          // fClusterRangeEnd [0]
        b.u8(0)                          // fClusterSize [0]
        ioFeatures(&b)
        // fBranches
        var leafTags: [UInt32] = []
        let arr = b.beginObject(version: 3)
        b.tobject(); b.tstring(""); b.i32(Int32(t.branches.count)); b.i32(0)
        for (i, plan) in t.branches.enumerated() {
            b.objectAny("TBranch") { b in
                leafTags.append(branch(&b, plan, state: t.states[i], entries: t.entries, compression: t.compression,
                                       treeName: t.name, leafTags: leafTags))
            }
        }
        b.endObject(arr)
        // fLeaves: references to the leaves written inside the branches.
        let leaves = b.beginObject(version: 3)
        b.tobject(); b.tstring(""); b.i32(Int32(leafTags.count)); b.i32(0)
        for tag in leafTags { b.reference(tag) }
        b.endObject(leaves)
        b.null()                         // fAliases
        b.i32(0)                         // fIndexValues (TArrayD, empty)
        b.i32(0)                         // fIndex (TArrayI, empty)
        b.null()                         // fTreeIndex
        b.null()                         // fFriends
        b.null()                         // fUserInfo
        b.null()                         // fBranchRef
        b.endObject(tree)
        return b.bytes
    }

    static func attLine(_ b: inout ROOTBuffer) {
        let s = b.beginObject(version: 2); b.i16(602); b.i16(1); b.i16(1); b.endObject(s)
    }
    static func attFill(_ b: inout ROOTBuffer, color: Int16 = 0, style: Int16 = 1001) {
        let s = b.beginObject(version: 2); b.i16(color); b.i16(style); b.endObject(s)
    }
    static func attMarker(_ b: inout ROOTBuffer) {
        let s = b.beginObject(version: 2); b.i16(1); b.i16(1); b.f32(1); b.endObject(s)
    }
    /// ROOT::TIOFeatures is a "foreign" class: version 0 followed by its checksum, then fIOBits.
    static func ioFeatures(_ b: inout ROOTBuffer) {
        let s = b.beginObject(version: 0); b.u32(StreamerInfoCatalog.ioFeaturesChecksum); b.u8(0); b.endObject(s)
    }

    /// Writes one TBranch body; returns the reference tag of its leaf.
    static func branch(_ b: inout ROOTBuffer, _ p: BranchPlan, state s: BranchState, entries: Int64, compression: Int32,
                       treeName: String, leafTags: [UInt32]) -> UInt32 {
        let start = b.beginObject(version: 13)
        b.tnamed(p.name, title(p, counterName: nil))
        attFill(&b, color: 0, style: 1001)
        let baskets = s.basketSeek.count
        let maxBaskets = baskets + 1
        let basketBytes = s.basketBytes.reduce(0) { max($0, Int($1)) }
        b.i32(compression)                              // fCompress
        b.i32(Int32(clamping: max(32000, basketBytes))) // fBasketSize
        b.i32(p.isJagged ? 1000 : 0)                    // fEntryOffsetLen
        b.i32(Int32(baskets))                           // fWriteBasket
        b.i64(entries)                                  // fEntryNumber
        ioFeatures(&b)
        b.i32(0)                                        // fOffset
        b.i32(Int32(maxBaskets))                        // fMaxBaskets
        b.i32(0)                                        // fSplitLevel
        b.i64(entries)                                  // fEntries
        b.i64(0)                                        // fFirstEntry
        b.i64(s.totalBytes)
        b.i64(s.zipBytes)
        // fBranches: none
        let sub = b.beginObject(version: 3)
        b.tobject(); b.tstring(""); b.i32(0); b.i32(0)
        b.endObject(sub)
        // fLeaves: one leaf
        var leafTag: UInt32 = 0
        let lv = b.beginObject(version: 3)
        b.tobject(); b.tstring(""); b.i32(1); b.i32(0)
        leafTag = b.objectAny(p.leafClass) { b in leaf(&b, p, leafTags: leafTags, maxValue: s.maxValue) }
        b.endObject(lv)
        // fBaskets: all on disk, so an array of empty slots.
        let bk = b.beginObject(version: 3)
        b.tobject(); b.tstring(""); b.i32(Int32(maxBaskets)); b.i32(0)
        for _ in 0..<maxBaskets { b.null() }
        b.endObject(bk)
        b.u8(1); for v in s.basketBytes { b.i32(v) }; b.i32(0)
        b.u8(1); for v in s.basketEntry { b.i64(v) }; b.i64(entries)
        b.u8(1); for v in s.basketSeek { b.i64(v) }; b.i64(0)
        b.tstring("")                                   // fFileName
        b.endObject(start)
        return leafTag
    }

    /// Branch title (`Jet_pt[nJet]/F`, `x[3]/F`, `pt/F`) and leaf title (the same without the type).
    static func title(_ p: BranchPlan, counterName: String?, withType: Bool = true) -> String {
        var s = p.name
        switch p.kind {
        case .fixed(let shape): s += shape.map { "[\($0)]" }.joined()
        case .jagged: s += "[\(counterName ?? p.counterName ?? "")]"
        default: break
        }
        return withType ? s + "/" + BranchPlan.typeCode(p.dtype) : s
    }

    static func leaf(_ b: inout ROOTBuffer, _ p: BranchPlan, leafTags: [UInt32], maxValue: Int) {
        let outer = b.beginObject(version: 1)
        let inner = b.beginObject(version: 2)
        b.tnamed(p.name, title(p, counterName: nil, withType: false))
        b.i32(Int32(p.width))                           // fLen
        b.i32(Int32(p.dtype.byteWidth))                 // fLenType
        b.i32(0)                                        // fOffset
        b.bool(p.kind == .counter)                      // fIsRange
        b.bool(p.isUnsigned)
        if case .jagged(let counter) = p.kind, counter < leafTags.count {
            b.reference(leafTags[counter])              // fLeafCount
        } else {
            b.null()
        }
        b.endObject(inner)
        let hi = Int64(maxValue)
        switch p.dtype {
        case .bool: b.bool(false); b.bool(hi != 0)
        case .int8, .uint8: b.u8(0); b.u8(UInt8(truncatingIfNeeded: hi))
        case .int16, .uint16: b.i16(0); b.i16(Int16(truncatingIfNeeded: hi))
        case .int32, .uint32: b.i32(0); b.i32(Int32(truncatingIfNeeded: hi))
        case .int64, .uint64: b.i64(0); b.i64(hi)
        case .float32: b.f32(0); b.f32(Float(hi))
        case .float64: b.f64(0); b.f64(Double(hi))
        }
        b.endObject(outer)
    }
}
