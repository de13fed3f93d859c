import Columnar
import Foundation
import XCTest
@testable import ROOTIO

/// Layouts of TBranchElement data that no independent writer we have can produce (uproot writes no
/// TBranchElement): std::bitset<N> branches and TObject::fBits of a split TClonesArray (Delphes' output),
/// from branch models and basket payloads built byte by byte as ROOT streams them.
final class ElementLayoutTests: XCTestCase {
    func element(_ name: String, type: Int32, typeName: String) -> StreamerElement {
        StreamerElement(elementClass: "TStreamerBasicType", name: name, title: "", type: type, size: 4, arrayLength: 0,
                        arrayDim: 0, maxIndex: [], typeName: typeName)
    }

    /// A split-TClonesArray member branch (fType 31) of class `cls`, element `id`, streamer type `type`.
    func member(_ cls: String, id: Int32, type: Int32) -> BranchModel {
        let b = BranchModel()
        b.className = "TBranchElement"
        b.name = "Particle.fBits"
        b.elementClassName = cls
        b.elementID = id
        b.elementType = 31
        b.streamerType = type
        let leaf = LeafModel()
        leaf.className = "TLeafElement"
        b.leaves = [leaf]
        return b
    }

    func testFBitsOfSplitCollectionIsFourOrSixBytesPerObject() throws {
        let streamers = ["TObject": StreamerInfo(className: "TObject", classVersion: 1, checksum: 0, elements: [
            element("fUniqueID", type: 13, typeName: "unsigned int"), element("fBits", type: 15, typeName: "unsigned int"),
        ])]
        let identifier = BranchIdentifier(streamers: streamers)
        XCTAssertEqual(identifier.identify(member("TObject", id: 1, type: 15)), .jagged(.objectBits, headerBytes: 0))
        XCTAssertEqual(identifier.identify(member("TObject", id: 0, type: 13)), .jagged(.plain(.uint32), headerBytes: 0))

        // Entry 0: a plain object (0x03000000) and a referenced one (bit 4 set) with its 2-byte process id;
        // entry 1: none; entry 2: one referenced object.
        let data: [UInt8] = [0x03, 0, 0, 0, 0x03, 0, 0, 0x10, 0x00, 0x07, 0x03, 0, 0, 0x18, 0x00, 0x01]
        let payload = BasketPayload(entryCount: 3, data: data, entryOffsets: [0, 10, 10, 16])
        let piece = try BasketDecoder.decode(payload, as: .jagged(.objectBits, headerBytes: 0), what: "basket 0")
        XCTAssertEqual(piece.counts, [2, 0, 1])
        XCTAssertEqual(piece.content, .uint32([0x0300_0000, 0x0300_0010, 0x0300_0018]))

        // An entry that ends inside an item is an error, not a silent misread.
        let cut = BasketPayload(entryCount: 1, data: Array(data[0..<8]), entryOffsets: [0, 7])
        XCTAssertThrowsError(try BasketDecoder.decode(cut, as: .jagged(.objectBits, headerBytes: 0), what: "basket 0")) {
            XCTAssertTrue("\($0)".contains("entry 0"), "\($0)")
        }
    }

    func testTopLevelBitsetIsJaggedBoolWithVectorHeader() throws {
        let b = BranchModel()
        b.className = "TBranchElement"
        b.name = "triggers"
        b.elementClassName = "bitset<5>"
        b.streamerType = -1
        let leaf = LeafModel()
        leaf.className = "TLeafElement"
        b.leaves = [leaf]
        let identifier = BranchIdentifier(streamers: [:])
        XCTAssertEqual(identifier.identify(b), .jagged(.plain(.bool), headerBytes: 10))
        XCTAssertEqual(BranchIdentifier.bitsetSize("std::bitset<256>"), 256)
        XCTAssertNil(BranchIdentifier.bitsetSize("vector<bool>"))

        // Two entries, each: byte count | 0x40000000, version 2 bytes, size 5, then 5 bools.
        var data: [UInt8] = []
        for bits in [[1, 0, 1, 1, 0], [0, 0, 0, 0, 1]] as [[UInt8]] {
            data += [0x40, 0, 0, 11, 0, 6, 0, 0, 0, 5] + bits
        }
        let payload = BasketPayload(entryCount: 2, data: data, entryOffsets: [0, 15, 30])
        let piece = try BasketDecoder.decode(payload, as: identifier.identify(b), what: "basket 0")
        XCTAssertEqual(piece.counts, [5, 5])
        XCTAssertEqual(piece.content, .bool([true, false, true, true, false, false, false, false, false, true]))
    }
}
