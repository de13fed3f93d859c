import Synchronization

/// A TLeaf (any subclass) as read from the file: the per-entry layout of one branch's numbers.
public final class LeafModel: @unchecked Sendable {
    public var className = ""
    public var name = ""
    public var title = ""
    /// Fixed number of elements per entry (product of fixed dimensions).
    public var length: Int32 = 1
    /// Size in bytes of one element.
    public var lengthType: Int32 = 0
    public var offset: Int32 = 0
    public var isRange = false
    public var isUnsigned = false
    /// The counter leaf of a variable-length array (`x[n]`), if any.
    public var leafCount: LeafModel?
    /// TLeafElement: the streamer element id and its ROOT type code.
    public var elementID: Int32 = -1
    public var elementType: Int32 = -1
    init() {}
}

/// A basket stored inside the TTree object itself (the last, unflushed one), already uncompressed.
public struct EmbeddedBasket: Sendable {
    public var entryCount: Int
    /// Data bytes (without key header or offsets).
    public var data: [UInt8]
    /// Entry start offsets into `data` plus its end, when the basket has per-entry offsets.
    public var entryOffsets: [Int]?
}

/// A TBranch / TBranchElement / TBranchObject as read from the file.
public final class BranchModel: @unchecked Sendable {
    public var className = ""
    public var name = ""
    public var title = ""
    public var compression: Int32 = 0
    public var basketSize: Int32 = 0
    public var entryOffsetLength: Int32 = 0
    public var writeBasket: Int32 = 0
    public var entries: Int64 = 0
    public var firstEntry: Int64 = 0
    public var totalBytes: Int64 = 0
    public var zipBytes: Int64 = 0
    public var splitLevel: Int32 = 0
    public var basketBytes: [Int32] = []
    public var basketEntry: [Int64] = []
    public var basketSeek: [Int64] = []
    public var branches: [BranchModel] = []
    public var leaves: [LeafModel] = []
    public var embeddedBaskets: [EmbeddedBasket] = []
    // TBranchElement / TBranchObject
    public var elementClassName = ""
    public var parentName = ""
    public var clonesName = ""
    public var classVersion: Int32 = 0
    public var elementID: Int32 = -1
    public var elementType: Int32 = 0
    public var streamerType: Int32 = -1
    public var maximum: Int32 = 0
    public var branchCount: BranchModel?
    public var branchCount2: BranchModel?
    /// Full path, parent names joined with '/'.
    public var path = ""
    public weak var parent: BranchModel?
    /// The key length of the last on-disk basket read (0: none yet). All baskets of a branch usually share
    /// it, so the reader can guess where an uncompressed basket's data starts and read it in place.
    let lastBasketKeyLength = Atomic<Int>(0)
    init() {}

    public var isElement: Bool { className == "TBranchElement" || className == "TBranchObject" }

    /// All branches below this one, depth first.
    public var descendants: [BranchModel] {
        branches.flatMap { [$0] + $0.descendants }
    }
}
