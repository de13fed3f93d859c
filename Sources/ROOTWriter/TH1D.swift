/// A one-dimensional histogram of doubles (ROOT's TH1D), with under- and overflow bins and the sum of squared
/// weights, as written by `ROOTFileWriter.write(_:in:)`.
///
/// Streamed layout (every versioned part is a 4-byte byte count | 0x40000000, then a 2-byte version):
/// | part         | version | members                                                                          |
/// |--------------|---------|----------------------------------------------------------------------------------|
/// | TH1D         | 3       | TH1, TArrayD (the bin contents: int32 fN = fNcells, then fN doubles)             |
/// | TH1          | 8       | TNamed, TAttLine, TAttFill, TAttMarker, int32 fNcells, TAxis fXaxis/fYaxis/fZaxis,|
/// |              |         | int16 fBarOffset, fBarWidth, double fEntries, fTsumw, fTsumw2, fTsumwx, fTsumwx2,|
/// |              |         | fMaximum, fMinimum, fNormFactor, TArrayD fContour, fSumw2, TString fOption,      |
/// |              |         | TList fFunctions (inline, "->" pointer), int32 fBufferSize, uint8 0 (no fBuffer),|
/// |              |         | int32 fBinStatErrOpt, int32 fStatOverflows                                       |
/// | TAxis        | 10      | TNamed, TAttAxis, int32 fNbins, double fXmin, fXmax, TArrayD fXbins, int32 fFirst,|
/// |              |         | fLast, uint16 fBits2, bool fTimeDisplay, TString fTimeFormat, fLabels=0, fModLabs=0|
/// | TAttAxis     | 4       | int32 fNdivisions, int16 fAxisColor, fLabelColor, fLabelFont, float fLabelOffset, |
/// |              |         | fLabelSize, fTickLength, fTitleOffset, fTitleSize, int16 fTitleColor, fTitleFont |
/// | TArrayD      | —       | int32 fN, fN big-endian doubles (no byte count: TArrayD has its own streamer)    |
/// Bins are ROOT's: index 0 underflow, 1...n the regular bins, n+1 overflow.
public struct TH1D: Sendable, Equatable {
    /// Key and object name (no '/').
    public var name: String
    public var title: String
    /// Title of the x axis (the observable).
    public var xTitle: String
    /// Bin edges, strictly increasing (n + 1 values for n bins).
    public var edges: [Double]
    /// Σw per bin, n + 2 values (underflow first, overflow last).
    public var sumw: [Double]
    /// Σw² per bin, n + 2 values.
    public var sumw2: [Double]
    /// Number of fills (ROOT's fEntries).
    public var entries: Double
    /// Σw, Σw², Σw·x and Σw·x² over the fills inside the axis range (ROOT's fTsumw … fTsumwx2).
    public var tsumw: Double
    public var tsumw2: Double
    public var tsumwx: Double
    public var tsumwx2: Double

    /// A histogram with its statistics; throws `ROOTWriterError.invalidOption` for inconsistent sizes or edges.
    public init(name: String, title: String, xTitle: String = "", edges: [Double], sumw: [Double], sumw2: [Double],
                entries: Double, tsumw: Double, tsumw2: Double, tsumwx: Double, tsumwx2: Double) throws {
        guard !name.isEmpty, !name.contains("/") else {
            throw ROOTWriterError.invalidOption("histogram name '\(name)' is empty or contains '/'")
        }
        guard edges.count >= 2, edges.allSatisfy(\.isFinite), zip(edges, edges.dropFirst()).allSatisfy({ $0 < $1 }) else {
            throw ROOTWriterError.invalidOption("histogram '\(name)': edges must be at least two finite, strictly increasing values")
        }
        guard sumw.count == edges.count + 1, sumw2.count == edges.count + 1 else {
            throw ROOTWriterError.invalidOption("histogram '\(name)': \(edges.count - 1) bins need \(edges.count + 1) values "
                                                + "(with under- and overflow), got \(sumw.count) sums and \(sumw2.count) squared sums")
        }
        self.name = name; self.title = title; self.xTitle = xTitle
        self.edges = edges; self.sumw = sumw; self.sumw2 = sumw2
        self.entries = entries; self.tsumw = tsumw; self.tsumw2 = tsumw2; self.tsumwx = tsumwx; self.tsumwx2 = tsumwx2
    }

    /// Number of regular bins.
    public var binCount: Int { edges.count - 1 }

    /// Whether the edges are equally spaced (then fXbins stays empty, as ROOT writes fixed-width axes).
    var isUniform: Bool {
        let n = Double(binCount), lo = edges[0], hi = edges[edges.count - 1]
        let width = (hi - lo) / n
        for (i, e) in edges.enumerated() where abs(e - (lo + Double(i) * width)) > 1e-12 * max(1, abs(hi), abs(lo)) { return false }
        return true
    }

    /// The streamed object (what a key of class "TH1D" holds, before compression).
    func serialized() -> [UInt8] {
        var b = ROOTBuffer(capacity: 700 + 16 * sumw.count + (isUniform ? 0 : 8 * edges.count))
        let th1d = b.beginObject(version: 3)
        let th1 = b.beginObject(version: 8)
        let named = b.beginObject(version: 1)
        b.tobject(bits: 0x0300_0008)                  // kNotDeleted | kIsOnHeap | kMustCleanup, as ROOT and uproot
        b.tstring(name); b.tstring(title)
        b.endObject(named)
        TreeSerializer.attLine(&b)
        TreeSerializer.attFill(&b, color: 0, style: 1001)
        TreeSerializer.attMarker(&b)
        b.i32(Int32(sumw.count))                       // fNcells
        Self.axis(&b, name: "xaxis", title: xTitle, edges: edges, uniform: isUniform)
        Self.axis(&b, name: "yaxis", title: "", edges: [0, 1], uniform: true)
        Self.axis(&b, name: "zaxis", title: "", edges: [0, 1], uniform: true)
        b.i16(0)                                       // fBarOffset
        b.i16(1000)                                    // fBarWidth
        b.f64(entries)
        b.f64(tsumw); b.f64(tsumw2); b.f64(tsumwx); b.f64(tsumwx2)
        b.f64(-1111)                                   // fMaximum (unset)
        b.f64(-1111)                                   // fMinimum (unset)
        b.f64(0)                                       // fNormFactor
        Self.arrayD(&b, [])                            // fContour
        Self.arrayD(&b, sumw2)                         // fSumw2
        b.tstring("")                                  // fOption
        let functions = b.beginObject(version: 5)      // fFunctions: an empty TList, streamed in place
        b.tobject(bits: 0x0301_0000)
        b.tstring("")
        b.i32(0)
        b.endObject(functions)
        b.i32(0)                                       // fBufferSize
        b.u8(0)                                        // fBuffer: no array follows
        b.i32(0)                                       // fBinStatErrOpt: kNormal
        b.i32(2)                                       // fStatOverflows: kNeutral
        b.endObject(th1)
        Self.arrayD(&b, sumw)                          // TArrayD base: the bin contents
        b.endObject(th1d)
        return b.bytes
    }

    static func axis(_ b: inout ROOTBuffer, name: String, title: String, edges: [Double], uniform: Bool) {
        let axis = b.beginObject(version: 10)
        let named = b.beginObject(version: 1)
        b.tobject()
        b.tstring(name); b.tstring(title)
        b.endObject(named)
        let att = b.beginObject(version: 4)             // TAttAxis with ROOT's default style
        b.i32(510)                                      // fNdivisions
        b.i16(1); b.i16(1); b.i16(42)                   // fAxisColor, fLabelColor, fLabelFont
        b.f32(0.005); b.f32(0.035); b.f32(0.03)         // fLabelOffset, fLabelSize, fTickLength
        b.f32(1); b.f32(0.035)                          // fTitleOffset, fTitleSize
        b.i16(1); b.i16(42)                             // fTitleColor, fTitleFont
        b.endObject(att)
        b.i32(Int32(edges.count - 1))                   // fNbins
        b.f64(edges[0]); b.f64(edges[edges.count - 1])  // fXmin, fXmax
        arrayD(&b, uniform ? [] : edges)                // fXbins
        b.i32(0); b.i32(0)                              // fFirst, fLast
        b.u16(0)                                        // fBits2
        b.bool(false)                                   // fTimeDisplay
        b.tstring("")                                   // fTimeFormat
        b.null(); b.null()                              // fLabels, fModLabs
        b.endObject(axis)
    }

    /// TArrayD as its own streamer writes it: the count, then the values.
    static func arrayD(_ b: inout ROOTBuffer, _ v: [Double]) {
        b.i32(Int32(v.count))
        for x in v { b.f64(x) }
    }
}
