import Columnar
import Foundation
import ROOTIO
@testable import ROOTWriter
import XCTest

/// The TStreamerInfo list we write parses back (our reader) with the class versions our objects use.
final class StreamerInfoTests: XCTestCase {
    func testStreamerListDescribesEveryWrittenClass() throws {
        let path = try TestSupport.scratch("streamers") + "/t.root"
        let t = try EventTable(rowCount: 2, columns: [("x", Column(.float32([1, 2])))])
        try ROOTFileWriter.write(tables: [("events", t)], to: path)
        let f = try ROOTFile(path: path)
        let infos = try f.readStreamerInfos()
        let expected: [String: Int32] = ["TTree": 20, "TBranch": 13, "TLeaf": 2, "TLeafB": 1, "TLeafS": 1, "TLeafI": 1, "TLeafL": 1,
                                         "TLeafF": 1, "TLeafD": 1, "TLeafO": 1, "TNamed": 1, "TObject": 1, "TAttLine": 2,
                                         "TAttFill": 2, "TAttMarker": 2, "TObjArray": 3, "TCollection": 3, "TSeqCollection": 0,
                                         "TList": 5, "ROOT::TIOFeatures": 1]
        for (cls, v) in expected {
            XCTAssertEqual(infos[cls]?.classVersion, v, cls)
        }
        XCTAssertEqual(infos["TTree"]?.elements.count, 33)
        XCTAssertEqual(infos["TBranch"]?.elements.map(\.name).suffix(4), ["fBasketBytes", "fBasketEntry", "fBasketSeek", "fFileName"])
        XCTAssertEqual(infos["TLeafF"]?.elements.map(\.typeName), ["BASE", "float", "float"])
    }
}
