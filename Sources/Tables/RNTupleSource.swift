import Columnar
import ROOTIO

/// An RNTuple as a table source.
public final class RNTupleSource: TableSource {
    public let ntuple: RNTuple
    public let descriptor: TableDescriptor

    public init(_ ntuple: RNTuple, file: String, metadata: [String: String]) {
        self.ntuple = ntuple
        descriptor = TableDescriptor(kind: .rntuple, file: file, name: ntuple.path, title: ntuple.description,
                                     entries: ntuple.entryCount, metadata: metadata)
    }

    public var numericColumnNames: [String] { ntuple.numericFieldNames }

    public func read(_ patterns: [String]?, entries: Range<Int>?, threads: Int) throws -> EventTable {
        try ntuple.arrays(patterns, entries: entries?.clamped(to: 0..<ntuple.entryCount), threads: threads)
    }
}
