import ROOTCompression

/// The RNTuple 1.0 metadata records: header, page-list and footer envelopes, and the anchor
/// (integers in envelopes are little-endian; frames and envelopes as in `RNTupleBuffer`).
///
/// | record          | content                                                                                |
/// |-----------------|----------------------------------------------------------------------------------------|
/// | header (0x01)   | 8 feature flags, name, description, writer, list(field records), list(column records), |
/// |                 | list(alias columns) = empty, list(extra type info) = empty                             |
/// | field record    | 4 field version, 4 type version, 4 parent ID, 2 role, 2 flags, name, type, alias,     |
/// |                 | description, [8 array size if flags & 0x01]                                            |
/// | column record   | 2 type, 2 bits on storage, 4 field ID, 2 flags, 2 representation index                |
/// | page list (0x03)| 8 header checksum, list(cluster summary: 8 first entry, 8 entries (flags in top byte)),|
/// |                 | list per cluster of list per column of list(pages: 4 elements (< 0: checksum follows  |
/// |                 | the page), locator) + 8 element offset + 4 compression settings                        |
/// | footer (0x02)   | 8 feature flags, 8 header checksum, record(4 empty lists: schema extension),          |
/// |                 | list(cluster group: 8 min entry, 8 entry span, 4 clusters, page-list envelope link)    |
/// | anchor (TKey)   | big-endian: 4 byte count | 2 class version 2 | 2×4 version 1.0.0.0 | 8 seek header |    |
/// |                 | 8 nbytes header | 8 len header | 8 seek footer | 8 nbytes footer | 8 len footer |      |
/// |                 | 8 max key size | 8 XXH3-64 of the 64 field bytes (outside the byte count)             |
enum RNTupleEnvelopes {
    static let headerType: UInt16 = 1, footerType: UInt16 = 2, pageListType: UInt16 = 3
    /// ROOT's default largest key payload (fMaxKeySize): 1 GiB.
    static let maxKeySize: UInt64 = 1 << 30

    /// One page as listed in a page list.
    struct Page: Equatable {
        var elements: Int
        var locator: RNTupleLocator
        var checksum: Bool
    }

    /// One column's pages in one cluster.
    struct ColumnRange: Equatable {
        var pages: [Page]
        /// Elements of this column in earlier clusters.
        var elementOffset: Int64
        var compression: UInt32
    }

    struct Cluster: Equatable {
        var firstEntry: Int64
        var entries: Int64
        var columns: [ColumnRange]
    }

    struct ClusterGroup: Equatable {
        var minEntry: Int64
        var entrySpan: Int64
        var clusters: Int
        var pageList: RNTupleEnvelopeLink
    }

    static func header(name: String, description: String, writer: String, schema: RNTupleSchema) -> (bytes: [UInt8], checksum: UInt64) {
        RNTupleBuffer.envelope(type: headerType) { b in
            b.u64(0)
            b.string(name)
            b.string(description)
            b.string(writer)
            schemaDescription(&b, schema)
        }
    }

    private static func schemaDescription(_ b: inout RNTupleBuffer, _ schema: RNTupleSchema) {
        b.recordList(schema.fields) { b, f in
            b.u32(0); b.u32(0)
            b.u32(UInt32(f.parent))
            b.u16(f.role)
            b.u16(f.arraySize == nil ? 0 : 1)
            b.string(f.name); b.string(f.typeName); b.string(""); b.string("")
            if let n = f.arraySize { b.u64(UInt64(n)) }
        }
        b.recordList(schema.columns) { b, c in
            b.u16(c.type)
            b.u16(UInt16(c.bits))
            b.u32(UInt32(c.field))
            b.u16(0)
            b.u16(0)
        }
        b.list(0) { _ in }
        b.list(0) { _ in }
    }

    static func pageList(headerChecksum: UInt64, clusters: [Cluster]) -> [UInt8] {
        RNTupleBuffer.envelope(type: pageListType) { b in
            b.u64(headerChecksum)
            b.recordList(clusters) { b, c in
                b.u64(UInt64(c.firstEntry))
                b.u64(UInt64(c.entries))               // flags (top byte) = 0
            }
            b.list(clusters.count) { b in
                for c in clusters {
                    b.list(c.columns.count) { b in
                        for col in c.columns {
                            b.list(col.pages.count) { b in
                                for p in col.pages {
                                    b.i32(Int32(p.checksum ? -p.elements : p.elements))
                                    b.locator(p.locator)
                                }
                                b.i64(col.elementOffset)
                                b.u32(col.compression)
                            }
                        }
                    }
                }
            }
        }.bytes
    }

    static func footer(headerChecksum: UInt64, groups: [ClusterGroup]) -> [UInt8] {
        RNTupleBuffer.envelope(type: footerType) { b in
            b.u64(0)
            b.u64(headerChecksum)
            b.record { b in
                for _ in 0..<4 { b.list(0) { _ in } }
            }
            b.recordList(groups) { b, g in
                b.u64(UInt64(g.minEntry))
                b.u64(UInt64(g.entrySpan))
                b.u32(UInt32(g.clusters))
                b.envelopeLink(g.pageList)
            }
        }.bytes
    }

    /// The ROOT::RNTuple object (class version 2) with its checksum: 78 bytes, stored uncompressed.
    static func anchor(header: RNTupleEnvelopeLink, footer: RNTupleEnvelopeLink) -> [UInt8] {
        var fields = ROOTBuffer(capacity: 64)
        for v: UInt16 in [1, 0, 0, 0] { fields.u16(v) }
        for l in [header, footer] {
            fields.u64(UInt64(l.locator.offset))
            fields.u64(UInt64(l.locator.size))
            fields.u64(UInt64(l.length))
        }
        fields.u64(maxKeySize)
        var b = ROOTBuffer(capacity: 78)
        b.u32(UInt32(2 + fields.count) | 0x4000_0000)
        b.u16(2)
        b.raw(fields.bytes)
        b.u64(XXH3.hash64(fields.bytes))
        return b.bytes
    }
}
