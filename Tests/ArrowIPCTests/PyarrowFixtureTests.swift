import Foundation
import XCTest
@testable import ArrowIPC
import Columnar

/// Files written by pyarrow / pandas (fixtures/arrow/make_fixtures.py), read by our reader and compared with
/// the values pyarrow itself read back (fixtures/arrow/expected.json). No Python needed at test time.
final class PyarrowFixtureTests: XCTestCase {
    private func expected() throws -> [String: Any] {
        let data = try Data(contentsOf: TestSupport.fixtures.appendingPathComponent("expected.json"))
        return try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    func testReadsEveryPyarrowFixtureIdentically() throws {
        let files = try XCTUnwrap(try expected()["files"] as? [[String: Any]])
        XCTAssertEqual(files.count, 11)
        for entry in files {
            let name = try XCTUnwrap(entry["file"] as? String)
            let want = try ExpectationJSON.table(from: entry)
            let (got, metadata) = try ArrowFileReader.read(path: TestSupport.fixtures.appendingPathComponent(name).path)
            TestSupport.assertIdentical(want, got)
            XCTAssertEqual(metadata, entry["metadata"] as? [String: String], name)
            XCTAssertEqual(try ArrowFileInspector.recordBatchCount(path: TestSupport.fixtures.appendingPathComponent(name).path),
                           entry["batches"] as? Int, name)
        }
    }

    func testSpecificFixtureFacts() throws {
        // A few facts stated independently of expected.json, so a broken generator cannot hide a reader bug.
        let (dtypes, meta) = try ArrowFileReader.read(path: TestSupport.fixtures.appendingPathComponent("pa_dtypes.arrow").path)
        XCTAssertEqual(meta["source"], "pyarrow")
        XCTAssertEqual(dtypes.names, ["b", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "float32", "float64"])
        XCTAssertEqual(dtypes["uint64"]?.content.double(at: 1), Double(UInt64.max))
        XCTAssertEqual(dtypes["int8"]?.content.double(at: 0), -128)
        XCTAssertTrue(dtypes["float64"]?.content.double(at: 0).isNaN ?? false)
        let (nested, _) = try ArrowFileReader.read(path: TestSupport.fixtures.appendingPathComponent("pa_nested_batches.feather").path)
        XCTAssertEqual(nested.rowCount, 9)
        XCTAssertEqual(nested["m32"]?.layout, .fixed(shape: [3, 2]))
        XCTAssertEqual(nested["m32"]?.content.slice(0..<3), .int16([-20, -19, -18]))
        XCTAssertTrue(nested["trk_d0"]?.isJagged ?? false)
        let (frame, frameMeta) = try ArrowFileReader.read(path: TestSupport.fixtures.appendingPathComponent("pd_frame.feather").path)
        XCTAssertNotNil(frameMeta["pandas"], "pandas writes its own schema metadata")
        XCTAssertEqual(frame["eid"]?.content, .uint64((0..<6).map { UInt64($0) * 1_000_000_007 }))
        XCTAssertEqual(frame["sel"]?.content, .bool([true, false, true, true, false, false]))
        // The same DataFrame written by pandas with its default compression (LZ4 frame) and with zstd.
        for (name, codec) in [("pd_default_lz4.feather", "LZ4_FRAME"), ("pd_zstd.feather", "ZSTD")] {
            let path = TestSupport.fixtures.appendingPathComponent(name).path
            let (compressed, compressedMeta) = try ArrowFileReader.read(path: path)
            TestSupport.assertIdentical(frame, compressed)
            XCTAssertEqual(compressedMeta, frameMeta, name)
            XCTAssertEqual(try ArrowFileSummary(path: path).compression, [codec], name)
        }
        XCTAssertEqual(try ArrowFileSummary(path: TestSupport.fixtures.appendingPathComponent("pd_frame.feather").path).compression, ["none"])
        let (lz4Nested, _) = try ArrowFileReader.read(path: TestSupport.fixtures.appendingPathComponent("pa_nested_lz4.feather").path)
        TestSupport.assertIdentical(nested, lz4Nested)
    }

    func testUnreadableColumnsAreRefusedOrSkippedOnRequest() throws {
        let entries = try XCTUnwrap(try expected()["skipping"] as? [[String: Any]])
        XCTAssertEqual(entries.count, 1)
        for entry in entries {
            let name = try XCTUnwrap(entry["file"] as? String)
            let path = TestSupport.fixtures.appendingPathComponent(name).path
            // Strict (the default): the first column we cannot read is named.
            XCTAssertThrowsError(try ArrowFileReader.read(path: path), name) { error in
                guard case .unsupportedType(let field, _)? = error as? ArrowError else { return XCTFail("\(name): \(error)") }
                XCTAssertEqual(field, entry["strict_error_field"] as? String)
            }
            // Skipping: the numeric columns, identical to what pyarrow reads; the others listed with the reason.
            let (table, metadata, skipped) = try ArrowFileReader.read(path: path, skippingUnreadable: true)
            TestSupport.assertIdentical(try ExpectationJSON.table(from: entry), table)
            XCTAssertEqual(metadata, entry["metadata"] as? [String: String])
            XCTAssertEqual(Set(skipped.keys), Set(try XCTUnwrap(entry["skipped"] as? [String])))
            XCTAssertTrue(skipped["sample"]?.contains("dictionary") ?? false, "\(skipped)")
            XCTAssertTrue(skipped["process"]?.contains("string") ?? false, "\(skipped)")
            XCTAssertTrue(skipped["when"]?.contains("Timestamp") ?? false, "\(skipped)")
        }
    }

    func testUnsupportedFilesGiveErrorsNamingTheFieldOrFeature() throws {
        let errors = try XCTUnwrap(try expected()["errors"] as? [[String: Any]])
        XCTAssertEqual(errors.count, 8)
        for e in errors {
            let name = try XCTUnwrap(e["file"] as? String)
            let kind = try XCTUnwrap(e["kind"] as? String)
            let field = e["field"] as? String
            let contains = try XCTUnwrap(e["contains"] as? String)
            XCTAssertThrowsError(try ArrowFileReader.read(path: TestSupport.fixtures.appendingPathComponent(name).path), name) { error in
                guard let error = error as? ArrowError else { return XCTFail("\(name): not an ArrowError: \(error)") }
                let description = error.description
                XCTAssertTrue(description.contains(contains), "\(name): '\(description)' lacks '\(contains)'")
                switch (kind, error) {
                case ("unsupportedFeature", .unsupportedFeature(let f, _, _)): XCTAssertEqual(f, field, name)
                case ("unsupportedType", .unsupportedType(let f, _)): XCTAssertEqual(f, field, name)
                case ("badMagic", .badMagic): break
                default: XCTFail("\(name): expected \(kind), got \(error)")
                }
            }
        }
    }
}
