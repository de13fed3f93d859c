import Columnar

/// The kinds of table a source can be.
public enum TableKind: String, Sendable, Equatable, CaseIterable {
    case ttree = "TTree"
    case rntuple = "RNTuple"
    case arrow = "Arrow"
}

/// What a table source is, carried along from input to output: kind, file, name inside the file, entries, metadata.
public struct TableDescriptor: Sendable, Equatable {
    /// TTree, RNTuple or Arrow.
    public var kind: TableKind
    /// The file's path as given.
    public var file: String
    /// The object's path inside a ROOT file ("Events", "dir/sub/t"); empty for an Arrow file.
    public var name: String
    /// The TTree's title or the RNTuple's description; empty when there is none.
    public var title: String
    /// Number of entries (events).
    public var entries: Int
    /// File-level metadata: the schema metadata of an Arrow file, the TObjString objects beside a ROOT table
    /// (ConservAttack stores `conservattack.*` entries there).
    public var metadata: [String: String]

    public init(kind: TableKind, file: String, name: String, title: String = "", entries: Int, metadata: [String: String] = [:]) {
        self.kind = kind; self.file = file; self.name = name; self.title = title
        self.entries = entries; self.metadata = metadata
    }

    /// `FILE:NAME` for ROOT tables, `FILE` for Arrow files.
    public var spec: String { name.isEmpty ? file : file + ":" + name }

    /// The true class the attack stored (`conservattack.true_class`), when present.
    public var storedTrueClass: Int? { metadata["conservattack.true_class"].flatMap { Int($0) } }
}

/// One table to read columns from, whatever its format: the seam every command reads through.
public protocol TableSource: AnyObject {
    /// Kind, file, name, entries and metadata.
    var descriptor: TableDescriptor { get }
    /// The columns a read without patterns returns (every numeric column), in the source's order.
    var numericColumnNames: [String] { get }
    /// Columns matching `patterns` (names or globs; nil = every numeric column) for the entries in `entries`
    /// (nil = all; clamped to the table), decoded on `threads` threads (0 = one per core).
    func read(_ patterns: [String]?, entries: Range<Int>?, threads: Int) throws -> EventTable
}

extension TableSource {
    /// Every numeric column of every entry.
    public func read() throws -> EventTable { try read(nil, entries: nil, threads: 0) }
}
