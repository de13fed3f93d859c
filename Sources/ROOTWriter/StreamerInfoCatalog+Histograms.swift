/// The TStreamerInfo records a file holding TH1D histograms adds to the tree classes' ones (ROOT 6 layouts,
/// versions and checksums, as ROOT 6.2x and uproot 5 write them; TArrayD streams itself and has no record).
///
/// | class       | version | checksum   | elements                                                           |
/// |-------------|---------|------------|--------------------------------------------------------------------|
/// | TH1D        | 3       | 0xf9b1569f | bases TH1 (v8), TArrayD (v1)                                       |
/// | TH1         | 8       | 0x1c3740c4 | TNamed, TAttLine, TAttFill, TAttMarker, fNcells … fStatOverflows (26)|
/// | TAxis       | 10      | 0x5a496e70 | TNamed, TAttAxis, fNbins … fModLabs (13)                           |
/// | TAttAxis    | 4       | 0x5c6fff3e | fNdivisions … fTitleFont (11)                                      |
/// | THashList   | 0       | 0xcc7e49c1 | base TList (v5)                                                    |
/// | TString     | 2       | 0x00017419 | none (TString streams itself)                                      |
extension StreamerInfoCatalog {
    static let sumTH1: UInt32 = 0x1c37_40c4, sumTAxis: UInt32 = 0x5a49_6e70, sumTAttAxis: UInt32 = 0x5c6f_ff3e
    static let sumTArrayD: UInt32 = 0x7139_ef34, sumTList: UInt32 = 0x69c5_c3bb
    static let kUShort: Int32 = 12

    /// Every class a TH1D uses beyond those of `infos`.
    static let histogramInfos: [Info] = {
        func object(_ name: String, _ typeName: String, size: Int32, title: String = "") -> Element {
            Element(kind: .object, name: name, type: 61, size: size, typeName: typeName, title: title)
        }
        let axisStyle: [Element] = [
            basic("fNdivisions", kInt, 4, "int"), basic("fAxisColor", kShort, 2, "short"),
            basic("fLabelColor", kShort, 2, "short"), basic("fLabelFont", kShort, 2, "short"),
            basic("fLabelOffset", kFloat, 4, "float"), basic("fLabelSize", kFloat, 4, "float"),
            basic("fTickLength", kFloat, 4, "float"), basic("fTitleOffset", kFloat, 4, "float"),
            basic("fTitleSize", kFloat, 4, "float"), basic("fTitleColor", kShort, 2, "short"),
            basic("fTitleFont", kShort, 2, "short")]
        let axis: [Element] = [
            base("TNamed", 1, sumTNamed), base("TAttAxis", 4, sumTAttAxis),
            basic("fNbins", kInt, 4, "int"), basic("fXmin", kDouble, 8, "double"), basic("fXmax", kDouble, 8, "double"),
            any("fXbins", "TArrayD", size: 24), basic("fFirst", kInt, 4, "int"), basic("fLast", kInt, 4, "int"),
            basic("fBits2", kUShort, 2, "unsigned short"), basic("fTimeDisplay", kBool, 1, "bool"), tstring("fTimeFormat"),
            pointer("fLabels", "THashList*"), pointer("fModLabs", "TList*")]
        let doubles = ["fEntries", "fTsumw", "fTsumw2", "fTsumwx", "fTsumwx2", "fMaximum", "fMinimum", "fNormFactor"]
            .map { basic($0, kDouble, 8, "double") }
        let th1: [Element] = [
            base("TNamed", 1, sumTNamed), base("TAttLine", 2, sumTAttLine), base("TAttFill", 2, sumTAttFill),
            base("TAttMarker", 2, sumTAttMarker), basic("fNcells", kInt, 4, "int"),
            object("fXaxis", "TAxis", size: 216), object("fYaxis", "TAxis", size: 216), object("fZaxis", "TAxis", size: 216),
            basic("fBarOffset", kShort, 2, "short"), basic("fBarWidth", kShort, 2, "short")] + doubles + [
            any("fContour", "TArrayD", size: 24), any("fSumw2", "TArrayD", size: 24), tstring("fOption"),
            // "->": a pointer that is never null, streamed in place (kObjectp = 63).
            Element(kind: .objectPointer, name: "fFunctions", type: 63, size: 8, typeName: "TList*", title: "->"),
            basic("fBufferSize", kCounter, 4, "int"),
            array("fBuffer", "double*", type: 48, count: "fBufferSize", countClass: "TH1", countVersion: 8),
            basic("fBinStatErrOpt", kInt, 4, "TH1::EBinErrorOpt"), basic("fStatOverflows", kInt, 4, "TH1::EStatOverflows")]
        return [
            Info(className: "TH1D", version: 3, checksum: 0xf9b1_569f, elements: [base("TH1", 8, sumTH1), base("TArrayD", 1, sumTArrayD)]),
            Info(className: "TH1", version: 8, checksum: sumTH1, elements: th1),
            Info(className: "TAxis", version: 10, checksum: sumTAxis, elements: axis),
            Info(className: "TAttAxis", version: 4, checksum: sumTAttAxis, elements: axisStyle),
            Info(className: "THashList", version: 0, checksum: 0xcc7e_49c1, elements: [base("TList", 5, sumTList)]),
            Info(className: "TString", version: 2, checksum: 0x0001_7419, elements: []),
        ]
    }()
}
