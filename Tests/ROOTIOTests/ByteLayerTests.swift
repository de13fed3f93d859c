import XCTest
@testable import ROOTIO

final class ByteLayerTests: XCTestCase {
    func testBigEndianReadsAndBounds() throws {
        var c = ByteCursor([0x01, 0x02, 0x03, 0x04, 0xff, 0xfe, 0x3f, 0x80, 0x00, 0x00], base: 100)
        XCTAssertEqual(try c.read(UInt16.self), 0x0102)
        XCTAssertEqual(try c.read(Int16.self), 0x0304)
        XCTAssertEqual(try c.read(Int16.self), -2)
        XCTAssertEqual(try c.readFloat(), 1.0)
        XCTAssertTrue(c.isAtEnd)
        XCTAssertThrowsError(try c.read(UInt8.self)) { e in
            let r = e as! ROOTError
            XCTAssertEqual(r.kind, .truncated)
            XCTAssertEqual(r.offset, 110)
        }
    }

    func testTStringShortLongAndTruncated() throws {
        var short = ByteCursor([3] + Array("abc".utf8))
        XCTAssertEqual(try short.readTString(), "abc")
        let long = String(repeating: "x", count: 300)
        var l = ByteCursor([255, 0, 0, 1, 44] + Array(long.utf8))
        XCTAssertEqual(try l.readTString(), long)
        var bad = ByteCursor([10, 65, 66])
        XCTAssertThrowsError(try bad.readTString())
        var hostile = ByteCursor([255, 0x7f, 0xff, 0xff, 0xff])
        XCTAssertThrowsError(try hostile.readTString())
    }

    func testObjectHeaderWithAndWithoutByteCount() throws {
        // byte count 6 (0x40000006), version 3, then 4 member bytes
        var c = ByteCursor([0x40, 0, 0, 6, 0, 3, 1, 2, 3, 4, 9])
        let h = try c.readObjectHeader("X")
        XCTAssertEqual(h.version, 3)
        XCTAssertEqual(h.end, 10)
        _ = try c.read(UInt16.self)
        try c.finish(h, "X")                       // unread trailing members are skipped
        XCTAssertEqual(c.position, 10)
        var old = ByteCursor([0, 5, 7, 7])
        let o = try old.readObjectHeader("Y")
        XCTAssertNil(o.byteCount)
        XCTAssertEqual(o.version, 5)
    }

    func testObjectHeaderOverrunsAreErrors() throws {
        var c = ByteCursor([0x40, 0, 0, 2, 0, 1, 0xAA, 0xBB])
        let h = try c.readObjectHeader("X")
        _ = try c.read(UInt16.self)                // reads past the 2-byte count
        XCTAssertThrowsError(try c.finish(h, "X"))
        var huge = ByteCursor([0x40, 0xff, 0xff, 0xff, 0, 1])
        XCTAssertThrowsError(try huge.readObjectHeader("Z")) { e in
            XCTAssertEqual((e as! ROOTError).kind, .malformed)
        }
    }

    func testPointerArrayLengthIsChecked() throws {
        var c = ByteCursor([1, 0, 0, 0, 7])
        XCTAssertEqual(try c.readPointerArray(Int32.self, count: 1, what: "a"), [7])
        var d = ByteCursor([1, 0, 0, 0, 7])
        XCTAssertThrowsError(try d.readPointerArray(Int64.self, count: 1_000_000_000, what: "a"))
    }

    func testGlobAndEditDistance() {
        XCTAssertTrue(glob("Jet_*", "Jet_pt"))
        XCTAssertTrue(glob("*_p?", "Muon_pt"))
        XCTAssertFalse(glob("Jet_*", "nJet"))
        XCTAssertEqual(editDistance("Jet_pt", "Jet_Pt"), 1)
    }

    func testDouble32AndFloat16Codecs() throws {
        XCTAssertEqual(BranchIdentifier.truncatedCodec(title: "d[-2.71,10,20]", isFloat16: false),
                       .scaled(low: -2.71, high: 10, bits: 20, output: .float64))
        XCTAssertEqual(BranchIdentifier.truncatedCodec(title: "x", isFloat16: false), .float32AsFloat64)
        XCTAssertEqual(BranchIdentifier.truncatedCodec(title: "f[0,0,8]", isFloat16: true), .truncated(bits: 8, output: .float32))
        XCTAssertEqual(BranchIdentifier.truncatedCodec(title: "f[0,1,99]", isFloat16: true),
                       .scaled(low: 0, high: 1, bits: 32, output: .float32))
        // 2^19 of 2^20 steps above low lands half way.
        let v = try BasketDecoder.convert([0, 8, 0, 0][...], codec: .scaled(low: 0, high: 10, bits: 20, output: .float64), count: 1)
        XCTAssertEqual(v, .float64([5]))
    }

    func testSequenceTypeNames() {
        XCTAssertEqual(BranchIdentifier.sequenceElement("vector<float>"), "float")
        XCTAssertEqual(BranchIdentifier.sequenceElement("std::vector<unsigned int>"), "unsigned int")
        XCTAssertEqual(BranchIdentifier.sequenceElement("vector<float,ROOT::Detail::VecOps::RAdoptAllocator<float> >"), "float")
        XCTAssertNil(BranchIdentifier.sequenceElement("vector<vector<int> >"))
        XCTAssertNil(BranchIdentifier.sequenceElement("map<int,short>"))
    }
}
