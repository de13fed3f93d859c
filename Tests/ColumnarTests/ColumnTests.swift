import XCTest
@testable import Columnar

final class ColumnTests: XCTestCase {
    func testJaggedSliceGatherConcatenate() throws {
        let c = Column(jagged: .float32([1, 2, 3, 4, 5, 6]), offsets: [0, 2, 2, 5, 6])
        XCTAssertEqual(c.entryCount, 4)
        XCTAssertEqual(c.counts, [2, 0, 3, 1])
        let mid = c.entries(1..<3)
        XCTAssertEqual(mid, Column(jagged: .float32([3, 4, 5]), offsets: [0, 0, 3]))
        let g = c.gathered(entries: [3, 0])
        XCTAssertEqual(g, Column(jagged: .float32([6, 1, 2]), offsets: [0, 1, 3]))
        let joined = Column.concatenate([c.entries(0..<2), c.entries(2..<4)])
        XCTAssertEqual(joined, c)
        XCTAssertNoThrow(try c.validate(name: "c"))
        XCTAssertThrowsError(try Column(jagged: .float32([1]), offsets: [0, 2]).validate(name: "bad"))
    }

    func testFixedLayout() {
        let c = Column(.int32([1, 2, 3, 4, 5, 6]), layout: .fixed(shape: [3]))
        XCTAssertEqual(c.entryCount, 2)
        XCTAssertEqual(c.gathered(entries: [1]).content, .int32([4, 5, 6]))
        XCTAssertEqual(c.entries(0..<1).content, .int32([1, 2, 3]))
    }

    func testTableFilterAndMatrix() throws {
        var t = EventTable(rowCount: 3)
        try t.add("a", Column(.float64([1, 2, 3])))
        try t.add("b", Column(.int32([10, 20, 30])))
        XCTAssertThrowsError(try t.add("c", Column(.float64([1]))))
        let f = t.filtered(by: [true, false, true])
        XCTAssertEqual(f.rowCount, 2)
        XCTAssertEqual(try f.doubles("b"), [10, 30])
        let m = try t.featureMatrix(["b", "a"])
        XCTAssertEqual(m[2, 0], 30)
        XCTAssertEqual(m[1, 1], 2)
        XCTAssertThrowsError(try t.column("aa")) { e in
            XCTAssertTrue("\(e)".contains("did you mean"))
        }
        XCTAssertEqual(try EventTable.concatenate([t.rows(0..<1), t.rows(1..<3)]), t)
    }

    func testConversions() {
        let a = NumericArray.from(doubles: [1.7, -3, 1e20, .nan], as: .int16)
        XCTAssertEqual(a, .int16([1, -3, Int16.max, 0]))
        XCTAssertEqual(NumericArray.bool([true, false]).toDoubles(), [1, 0])
        XCTAssertEqual(NumericArray.uint64([UInt64.max]).double(at: 0), Double(UInt64.max))
    }
}

final class ConversionRegressionTests: XCTestCase {
    /// `map(Double.init)` on [UInt64] picks Double(bitPattern:); every dtype must convert by value.
    func testEveryDTypeConvertsByValue() {
        for dtype in DType.allCases where dtype != .bool {
            let a = NumericArray.from(doubles: [0, 1, 2, 100], as: dtype)
            XCTAssertEqual(a.toDoubles(), [0, 1, 2, 100], "\(dtype)")
        }
        XCTAssertEqual(NumericArray.uint64([598062]).toDoubles(), [598062])
    }
}
