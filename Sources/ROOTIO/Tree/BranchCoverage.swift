/// Which entries a branch's baskets hold, and which of them a whole-branch read gives (uproot's rule).
///
/// | baskets hold                     | readable entries of the tree's 0..<N                         |
/// |----------------------------------|--------------------------------------------------------------|
/// | 0 ..< M (M >= N)                 | 0 ..< N (the usual case; entries past the tree's are ignored) |
/// | 0 ..< M (M < N)                  | 0 ..< M (a branch whose last baskets were never recorded)     |
/// | nothing (no basket, no entries)  | none (a split member whose baskets hold no entries)          |
/// | S ..< M with S > 0               | error: entries 0 ..< S have no basket (uproot fails as well)  |
///
/// A branch's baskets are its first fWriteBasket baskets with a seek (entries from fBasketEntry), then
/// the baskets embedded in the TBranch object (BranchReader.baskets).
extension TTree {
    /// The entries the branch's baskets hold, first to last (empty when it has none).
    public func basketCoverage(of b: BranchModel) throws -> Range<Int> {
        let locations = try BranchReader(tree: self, threads: 1).baskets(of: b)
        guard let first = locations.first, let last = locations.last else { return 0..<0 }
        return first.entries.lowerBound..<max(first.entries.lowerBound, last.entries.upperBound)
    }

    /// The entries of the tree the branch gives when read whole (see the table above).
    public func readableEntries(of b: BranchModel) throws -> Range<Int> {
        let covered = try basketCoverage(of: b)
        if covered.isEmpty { return 0..<0 }
        guard covered.lowerBound == 0 else {
            throw ROOTError(.unsupported, "its baskets hold entries \(covered) only: entries 0..<\(covered.lowerBound) have no basket",
                            file: file.path, object: "branch \(b.path)")
        }
        return 0..<min(covered.upperBound, entryCount)
    }
}
