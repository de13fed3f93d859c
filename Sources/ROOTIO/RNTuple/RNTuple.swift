import Columnar

/// An RNTuple (ROOT's columnar successor of TTree, binary format 1.x) in a ROOT file: its schema mapped to
/// leaf paths, its clusters, and columnar reads of any subset of fields and entries.
///
/// Only the clusters overlapping the requested entries are read, so a large RNTuple can be streamed in
/// chunks with bounded memory. Pages are decoded straight into the output arrays, concurrently when
/// `threads` allows.
public final class RNTuple: @unchecked Sendable {
    public let file: ROOTFile
    /// Path of the RNTuple in the file ("events", "dir/ntuple").
    public let path: String
    public let name: String
    /// The header's description string.
    public let description: String
    /// The library or program that wrote the data (header).
    public let writer: String
    public let anchor: RNTupleAnchor
    public let entryCount: Int
    /// One record per leaf path (numeric or `other`), in schema order.
    public let fields: [RNTupleFieldInfo]
    /// Entry range of every cluster, in entry order.
    public var clusters: [Range<Int>] { metadata.clusters.map(\.entries) }
    public var clusterGroupCount: Int { metadata.clusterGroups.count }

    let metadata: RNTupleMetadata
    let representations: [[[Int]]]
    let decoders: [RNTuplePageDecoder?]

    init(file: ROOTFile, key: Key, path: String) throws {
        self.file = file
        self.path = path
        let what = "\(key.className) \(path)"
        do {
            anchor = try RNTupleAnchor.read(try file.objectCursor(key), name: key.name)
            metadata = try RNTupleMetadata.read(file, anchor: anchor, name: key.name)
        } catch {
            throw ROOTError.wrap(error, file: file.path, object: what, offset: key.seekKey)
        }
        name = key.name
        description = metadata.description
        writer = metadata.writer
        entryCount = metadata.entryCount
        let map = RNTupleFieldMap(schema: metadata.schema)
        representations = metadata.schema.fields.map { map.representations(of: $0.id) }
        decoders = metadata.schema.columns.map { try? RNTuplePageDecoder(column: $0) }
        fields = Self.fieldInfos(metadata, decoders: decoders)
    }

    /// The leaf paths with their columns' stored and decoded sizes; undecodable numeric fields become `other`.
    static func fieldInfos(_ metadata: RNTupleMetadata, decoders: [RNTuplePageDecoder?]) -> [RNTupleFieldInfo] {
            // Per-column stored and decoded bytes, over all clusters.
            var stored = [Int](repeating: 0, count: metadata.schema.columns.count)
            var decoded = stored
            for c in metadata.clusters {
                for (i, r) in c.columns.enumerated() {
                    guard let r else { continue }
                    for p in r.pages {
                        stored[i] &+= p.locator.size
                        decoded[i] &+= decoders[i]?.pageBytes(p.elementCount) ?? 0
                    }
                }
            }
            var infos = RNTupleFieldMap.build(metadata.schema)
            for i in infos.indices {
                for j in infos[i].columns.indices {
                    let id = infos[i].columns[j].id
                    infos[i].columns[j].compressedBytes = stored[id]
                    infos[i].columns[j].uncompressedBytes = decoded[id]
                }
            }
            // A numeric field whose columns cannot be decoded (e.g. a bit width out of range) becomes `other`.
            for i in infos.indices where infos[i].isNumeric {
                if let bad = infos[i].columns.first(where: { decoders[$0.id] == nil }) {
                    var reason = "column \(bad.id) cannot be decoded"
                    do { _ = try RNTuplePageDecoder(column: metadata.schema.columns[bad.id]) } catch { reason = "\(error)" }
                    infos[i].kind = .other
                    infos[i].dtype = nil
                    infos[i].unsupportedReason = reason
                }
            }
            return infos
    }

    /// Paths of the fields read as numbers.
    public var numericFieldNames: [String] { fields.filter(\.isNumeric).map(\.path) }

    /// A field by full path, or by its last path component when that is unique.
    public func field(_ name: String) throws -> RNTupleFieldInfo {
        if let f = fields.first(where: { $0.path == name }) { return f }
        let byLeaf = fields.filter { $0.path.split(separator: "/").last.map(String.init) == name }
        if byLeaf.count == 1 { return byLeaf[0] }
        if byLeaf.count > 1 {
            throw ROOTError(.notFound, "'\(name)' is ambiguous in RNTuple \(path): \(byLeaf.prefix(5).map(\.path).joined(separator: ", "))",
                            file: file.path)
        }
        let lower = name.lowercased()
        let close = fields.map(\.path)
            .map { (path: $0, distance: $0.lowercased().contains(lower) ? 0 : editDistance($0.lowercased(), lower)) }
            .filter { $0.distance <= 2 }
            .sorted { ($0.distance, $0.path) < ($1.distance, $1.path) }
            .map(\.path)
        throw ROOTError(.notFound, "no field '\(name)' in RNTuple \(path)"
                        + (close.isEmpty ? "" : " (did you mean: \(close.prefix(5).joined(separator: ", "))?)"), file: file.path)
    }

    /// Fields matching names or glob patterns (`*`, `?`), in schema order of first match, without duplicates.
    public func resolve(_ patterns: [String]) throws -> [RNTupleFieldInfo] {
        var out: [RNTupleFieldInfo] = []
        var seen = Set<String>()
        for p in patterns {
            let matches: [RNTupleFieldInfo]
            if p.contains("*") || p.contains("?") {
                matches = fields.filter { f in
                    f.isNumeric && (glob(p, f.path) || glob(p, f.path.split(separator: "/").last.map(String.init) ?? f.path))
                }
                if matches.isEmpty { throw ROOTError(.notFound, "no numeric field matches '\(p)' in RNTuple \(path)", file: file.path) }
            } else {
                let f = try field(p)
                guard f.isNumeric else {
                    throw ROOTError(.unsupported, "field '\(f.path)' (\(f.typeName)) is not read as numbers: \(f.unsupportedReason ?? "")",
                                    file: file.path, object: "RNTuple \(path)")
                }
                matches = [f]
            }
            for m in matches where seen.insert(m.path).inserted { out.append(m) }
        }
        return out
    }

    /// Reads fields (paths, glob patterns or unambiguous leaf names; nil = every numeric field) for an entry
    /// range into a table whose column names are the field paths.
    public func arrays(_ names: [String]? = nil, entries: Range<Int>? = nil, threads: Int = 0) throws -> EventTable {
        let selected = try names.map { try resolve($0) } ?? fields.filter(\.isNumeric)
        let range = entries ?? 0..<entryCount
        guard range.lowerBound >= 0, range.upperBound <= entryCount else {
            throw ROOTError(.notFound, "entries \(range) outside 0..<\(entryCount) of RNTuple \(path)", file: file.path)
        }
        let columns = try RNTupleFieldReader(tuple: self, entries: range, threads: threads).read(selected)
        var table = EventTable(rowCount: range.count)
        for (f, c) in zip(selected, columns) { try table.add(f.path, c) }
        return table
    }

    /// The stored pages of the columns behind `names` (default: every numeric field), each once: where they
    /// are, their stored size (without checksum) and their decoded size. For benchmarks and diagnostics.
    public func storedPages(_ names: [String]? = nil) throws -> [(offset: UInt64, stored: Int, decoded: Int)] {
        let selected = try names.map { try resolve($0) } ?? fields.filter(\.isNumeric)
        var columns = Set<Int>()
        for f in selected { for c in f.columns { columns.insert(c.id) } }
        var out: [(offset: UInt64, stored: Int, decoded: Int)] = []
        for cluster in metadata.clusters {
            for id in columns.sorted() {
                guard let r = cluster.columns[id], let d = decoders[id] else { continue }
                for p in r.pages { out.append((p.locator.offset, p.locator.size, d.pageBytes(p.elementCount) ?? 0)) }
            }
        }
        return out
    }

    /// One field as a column.
    public func column(_ name: String, entries: Range<Int>? = nil, threads: Int = 0) throws -> Column {
        let t = try arrays([name], entries: entries, threads: threads)
        return try t.column(t.names[0])
    }
}
