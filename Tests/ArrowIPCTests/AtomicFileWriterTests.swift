import Foundation
import XCTest
@testable import ArrowIPC
import Columnar

/// The temporary-file-then-rename helper: success replaces, failure leaves the old file and no debris.
final class AtomicFileWriterTests: XCTestCase {
    func testCommitReplacesAndLeavesNoTemporary() throws {
        let dir = try TestSupport.temporaryDirectory(self)
        let path = dir.appendingPathComponent("out.bin").path
        try Data([9, 9]).write(to: URL(fileURLWithPath: path))
        try AtomicFileWriter.write(to: path) { w in
            try w.write([1, 2, 3])
            try w.writeZeros(2)
            XCTAssertEqual(w.bytesWritten, 5)
            XCTAssertTrue(FileManager.default.fileExists(atPath: w.temporaryPath))
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)), Data([9, 9]), "old file intact while writing")
        }
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)), Data([1, 2, 3, 0, 0]))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["out.bin"])
    }

    func testErrorInBodyKeepsOldFileAndRemovesTemporary() throws {
        struct Boom: Error {}
        let dir = try TestSupport.temporaryDirectory(self)
        let path = dir.appendingPathComponent("out.bin").path
        try Data([7]).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try AtomicFileWriter.write(to: path) { w in
            try w.write([1, 2, 3])
            throw Boom()
        }) { XCTAssertTrue($0 is Boom) }
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)), Data([7]))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["out.bin"])
    }

    func testDroppedWriterCleansUpAndWritesAfterCommitFail() throws {
        let dir = try TestSupport.temporaryDirectory(self)
        let path = dir.appendingPathComponent("never.bin").path
        do {
            let w = try AtomicFileWriter(path: path)
            try w.write([1])
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), [])
        let w = try AtomicFileWriter(path: path)
        try w.commit()
        XCTAssertThrowsError(try w.write([1]))
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)), Data())
    }

    func testUnwritableDirectoryIsAnIOError() {
        XCTAssertThrowsError(try ArrowFileWriter.write(EventTable(rowCount: 0), to: "/nonexistent-dir/x.arrow")) { error in
            guard case .io(_, let op, _) = error as? ArrowError else { return XCTFail("\(error)") }
            XCTAssertEqual(op, "create")
        }
    }
}
