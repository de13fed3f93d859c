import Columnar

/// One leaf path of an RNTuple as this reader presents it (uproot's view of the field tree).
///
/// Paths: a top-level field name, then record member names joined with '/'; collection levels
/// (std::vector, RVec, std::array) add no component; std::pair/std::tuple members are `0`, `1`, …;
/// base-class subfields (`:_0`) are merged into the derived record.
public struct RNTupleFieldInfo: Sendable {
    public enum Kind: String, Sendable { case flat, fixed, jagged, other }

    /// One physical column behind the field.
    public struct ColumnSummary: Sendable {
        public var id: Int
        /// Column type name ("SplitReal32"); "unknown(0x..)" for a type this reader does not know.
        public var typeName: String
        /// Bits per element on storage.
        public var bitsOnStorage: Int
        public var representationIndex: Int
        public var compressedBytes: Int
        public var uncompressedBytes: Int
    }

    public var path: String
    /// The C++ type name of the field the path names (e.g. "std::int32_t", "std::vector<float>", "std::string").
    public var typeName: String
    public var kind: Kind
    /// Element type of the decoded numbers (nil for `other`).
    public var dtype: DType?
    /// Per-entry shape for `fixed` fields.
    public var shape: [Int]
    /// Why the field is `other`.
    public var unsupportedReason: String?
    /// The columns read for this field: the collection's index column (jagged), then the value columns.
    public var columns: [ColumnSummary]
    public var compressedBytes: Int { columns.reduce(0) { $0 + $1.compressedBytes } }
    public var uncompressedBytes: Int { columns.reduce(0) { $0 + $1.uncompressedBytes } }

    /// Field holding the value columns.
    var valueField: Int
    /// Collection field whose index column gives the entry offsets (jagged), or that is counted (cardinality).
    var collectionField: Int?
    /// An RNTupleCardinality field: the counts of `collectionField` as int64.
    var isCardinality: Bool

    public var isNumeric: Bool { kind != .other }
}

/// Builds the leaf paths of a schema.
struct RNTupleFieldMap {
    let schema: RNTupleSchema
    let children: [[Int]]
    let columnsByField: [[Int]]
    var out: [RNTupleFieldInfo] = []

    init(schema: RNTupleSchema) {
        self.schema = schema
        children = schema.children()
        columnsByField = schema.columnsByField()
    }

    /// The columns of a field grouped by representation index (index order), each in column ID order.
    func representations(of field: Int) -> [[Int]] {
        var byIndex: [Int: [Int]] = [:]
        for c in columnsByField[field] { byIndex[schema.columns[c].representationIndex, default: []].append(c) }
        return byIndex.keys.sorted().map { byIndex[$0]! }
    }

    static func build(_ schema: RNTupleSchema) -> [RNTupleFieldInfo] {
        var m = RNTupleFieldMap(schema: schema)
        for f in schema.fields where f.isTopLevel {
            m.walk(f.id, path: f.name, depth: 0, collection: nil, shape: [])
        }
        return m.out
    }

    private mutating func other(_ field: Int, _ path: String, _ why: String, type: String? = nil) {
        out.append(RNTupleFieldInfo(path: path, typeName: type ?? schema.fields[field].typeName, kind: .other, dtype: nil, shape: [],
                                    unsupportedReason: why, columns: summaries(field, position: nil), valueField: field,
                                    collectionField: nil, isCardinality: false))
    }

    func summaries(_ field: Int, position: Int?) -> [RNTupleFieldInfo.ColumnSummary] {
        representations(of: field).flatMap { rep -> [Int] in
            guard let k = position else { return rep }
            return k < rep.count ? [rep[k]] : []
        }.map { id in
            let c = schema.columns[id]
            return RNTupleFieldInfo.ColumnSummary(id: id, typeName: c.type?.name ?? "unknown(0x\(String(c.rawType, radix: 16)))",
                                                  bitsOnStorage: c.type?.fixedBits ?? c.bitsOnStorage,
                                                  representationIndex: c.representationIndex, compressedBytes: 0, uncompressedBytes: 0)
        }
    }

    /// Subfields with base-class subfields (`:_0`, anonymous) replaced by their own subfields.
    private func members(_ field: Int) -> [Int] {
        var result: [Int] = []
        var stack = children[field]
        var guardCount = 0
        while !stack.isEmpty, guardCount < 1_000_000 {
            guardCount += 1
            let c = stack.removeFirst()
            if schema.fields[c].name.hasPrefix(":") { stack.insert(contentsOf: children[c], at: 0) } else { result.append(c) }
        }
        return result
    }

    /// Member path components: names, or `0`, `1`, … when every name is `_<digits>` (pairs, tuples).
    private func memberNames(_ ids: [Int]) -> [String] {
        let names = ids.map { schema.fields[$0].name }
        let numbered = names.allSatisfy { $0.count > 1 && $0.hasPrefix("_") && $0.dropFirst().allSatisfy(\.isNumber) }
        return numbered ? names.map { String($0.dropFirst()) } : names
    }

    private mutating func walk(_ id: Int, path: String, depth: Int, collection: Int?, shape: [Int], level: Int = 0,
                               pathType: String? = nil) {
        let f = schema.fields[id]
        let pathType = pathType ?? f.typeName
        guard level < 64 else { return other(id, path, "fields nested deeper than 64 levels", type: pathType) }
        guard let role = f.role else { return other(id, path, "unknown structural role \(f.rawRole)", type: pathType) }
        switch role {
        case .variant: return other(id, path, "std::variant fields are not read as numbers", type: pathType)
        case .streamer: return other(id, path, "fields stored with the ROOT streamer are not read as numbers", type: pathType)
        case .record:
            let ids = members(id)
            if ids.isEmpty { return other(id, path, "record without members", type: pathType) }
            for (m, name) in zip(ids, memberNames(ids)) {
                walk(m, path: path + "/" + name, depth: depth, collection: collection, shape: shape, level: level + 1)
            }
        case .collection:
            if f.typeName.hasPrefix("std::optional<") || f.typeName.hasPrefix("std::unique_ptr<") {
                return other(id, path, "optional values (\(f.typeName)) are not read as numbers", type: pathType)
            }
            if depth >= 1 { return other(id, path, "collections nested in collections are not read as numbers", type: pathType) }
            if !shape.isEmpty { return other(id, path, "collections inside fixed-size arrays are not read as numbers", type: pathType) }
            if representations(of: id).isEmpty { return other(id, path, "collection without an index column", type: pathType) }
            let kids = children[id]
            if kids.isEmpty { return other(id, path, "collection without an item field", type: pathType) }
            if kids.count == 1 {
                walk(kids[0], path: path, depth: depth + 1, collection: id, shape: shape, level: level + 1, pathType: pathType)
            } else {
                for (k, name) in zip(kids, memberNames(kids)) {
                    walk(k, path: path + "/" + name, depth: depth + 1, collection: id, shape: shape, level: level + 1)
                }
            }
        case .leaf:
            let reps = representations(of: id)
            if f.arraySize > 0 && !children[id].isEmpty {
                return walk(children[id][0], path: path, depth: depth, collection: collection, shape: shape + [f.arraySize],
                            level: level + 1, pathType: pathType)
            }
            if reps.isEmpty {
                if children[id].count == 1 {        // std::atomic<T>, enums: the data is in the one subfield
                    return walk(children[id][0], path: path, depth: depth, collection: collection, shape: shape, level: level + 1,
                            pathType: pathType)
                }
                return other(id, path, "leaf field without columns", type: pathType)
            }
            let fullShape = f.arraySize > 0 ? shape + [f.arraySize] : shape      // std::bitset<N>
            leaf(id, path: path, depth: depth, collection: collection, shape: fullShape, reps: reps, pathType: pathType)
        }
    }

    private mutating func leaf(_ id: Int, path: String, depth: Int, collection: Int?, shape: [Int], reps: [[Int]], pathType: String) {
        let f = schema.fields[id]
        let types = reps.map { schema.columns[$0[0]].type }
        if f.typeName.contains("RNTupleCardinality") {
            guard depth == 0, shape.isEmpty else { return other(id, path, "cardinality inside a collection or array", type: pathType) }
            guard types.allSatisfy({ $0?.isIndex == true }) else { return other(id, path, "cardinality field without an index column", type: pathType) }
            out.append(RNTupleFieldInfo(path: path, typeName: pathType, kind: .flat, dtype: .int64, shape: [], unsupportedReason: nil,
                                        columns: summaries(id, position: 0), valueField: id, collectionField: id, isCardinality: true))
            return
        }
        if reps.contains(where: { $0.count > 1 }) {
            let why = f.typeName == "std::string" ? "strings are not read as numbers" : "\(f.typeName) has \(reps[0].count) columns (not a number)"
            return other(id, path, why, type: pathType)
        }
        guard types.allSatisfy({ $0 != nil }) else {
            return other(id, path, "unknown column type 0x\(String(schema.columns[reps[0][0]].rawType, radix: 16))", type: pathType)
        }
        if types.contains(where: { $0 == .switchType }) { return other(id, path, "Switch column (variant)", type: pathType) }
        if types.contains(where: { $0!.isIndex }) { return other(id, path, "index column on a leaf field (\(f.typeName))", type: pathType) }
        let dtype = types.compactMap { $0?.valueType }.reduce(nil as DType?) { acc, t in acc.map { DType.promoted($0, t) } ?? t }!
        let kind: RNTupleFieldInfo.Kind
        switch (depth, shape.isEmpty) {
        case (0, true): kind = .flat
        case (0, false): kind = .fixed
        case (1, true): kind = .jagged
        case (1, false): return other(id, path, "fixed-size arrays inside a collection are not read as numbers", type: pathType)
        default: return other(id, path, "collections nested in collections are not read as numbers", type: pathType)
        }
        var columns = summaries(id, position: 0)
        if let c = collection { columns = summaries(c, position: 0) + columns }
        out.append(RNTupleFieldInfo(path: path, typeName: pathType, kind: kind, dtype: dtype, shape: kind == .fixed ? shape : [],
                                    unsupportedReason: nil, columns: columns, valueField: id,
                                    collectionField: kind == .jagged ? collection : nil, isCardinality: false))
    }
}
