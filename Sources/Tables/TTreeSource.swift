import Columnar
import ROOTIO

/// A TTree as a table source.
public final class TTreeSource: TableSource {
    public let tree: TTree
    public let descriptor: TableDescriptor

    public init(_ tree: TTree, file: String, metadata: [String: String]) {
        self.tree = tree
        descriptor = TableDescriptor(kind: .ttree, file: file, name: tree.path, title: tree.title,
                                     entries: tree.entryCount, metadata: metadata)
    }

    public var numericColumnNames: [String] { tree.numericBranchNames }

    public func read(_ patterns: [String]?, entries: Range<Int>?, threads: Int) throws -> EventTable {
        try tree.arrays(patterns, entries: entries?.clamped(to: 0..<tree.entryCount), threads: threads)
    }
}
