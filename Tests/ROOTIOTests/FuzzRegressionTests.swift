import Foundation
import TestSupport
import XCTest
import ROOTIO

/// Inputs that once crashed the reader (found by fuzz/harnesses/FuzzROOTFile.swift, committed under
/// fixtures/fuzz/FuzzROOTFile/): read exactly as the harness does, each must now end in a ROOTError.
final class FuzzRegressionTests: XCTestCase {
    static var inputs: [String] {
        let dir = Fixtures.path("fuzz/FuzzROOTFile")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
        return names.filter { $0.hasSuffix(".root") }.sorted().map { "\(dir)/\($0)" }
    }

    /// Opens the file, reads every tree's numeric branches together and then one by one; returns the
    /// errors met (a trap would end the test process instead).
    func readLikeTheFuzzer(_ path: String) -> [Error] {
        var errors: [Error] = []
        do {
            let file = try ROOTFile(path: path)
            for treePath in try file.treePaths() {
                let tree = try file.tree(treePath)
                do { _ = try tree.arrays(threads: 1) } catch { errors.append(error) }
                for name in tree.numericBranchNames {
                    do { _ = try tree.column(name, threads: 1) } catch { errors.append(error) }
                }
            }
        } catch { errors.append(error) }
        return errors
    }

    func testCrashInputsNowEndInROOTErrors() throws {
        let inputs = Self.inputs
        XCTAssertFalse(inputs.isEmpty, "no regression inputs under fixtures/fuzz/FuzzROOTFile")
        for path in inputs {
            let errors = readLikeTheFuzzer(path)
            XCTAssertFalse(errors.isEmpty, "\(path): a corrupted file read without any error")
            for e in errors {
                XCTAssertTrue(e is ROOTError, "\(path): not a ROOTError: \(e)")
                if let r = e as? ROOTError { XCTAssertNotNil(r.file, "\(path): error without its file: \(r)") }
            }
        }
    }

    /// The first crash (an index out of range in BasketDecoder.decodeJagged): jagged branch `j` with entry
    /// offsets past its basket's data. Reading `j` alone must now fail cleanly, naming the branch.
    func testJaggedOffsetsPastTheBasketAreMalformed() throws {
        let path = Fixtures.path("fuzz/FuzzROOTFile/jagged-offsets-past-basket.root")
        let tree = try ROOTFile(path: path).tree("t")
        XCTAssertThrowsError(try tree.column("j", threads: 1)) { e in
            guard let r = e as? ROOTError else { return XCTFail("not a ROOTError: \(e)") }
            XCTAssertEqual(r.kind, .malformed, "\(r)")
            XCTAssertTrue(r.description.contains("j"), "\(r)")
        }
    }

    /// fixtures/fuzz/make_directory_loop.py: subdirectory one/two points back at the top directory.
    /// The walk must stop at the loop (before: 64 levels of one/two/one/two/... then a depth error).
    func testDirectoryLoopIsDetected() throws {
        let file = try ROOTFile(path: Fixtures.path("fuzz/FuzzROOTFile/directory-loop.root"))
        XCTAssertThrowsError(try file.treePaths()) { e in
            guard let r = e as? ROOTError else { return XCTFail("not a ROOTError: \(e)") }
            XCTAssertEqual(r.kind, .malformed, "\(r)")
            XCTAssertTrue(r.message.contains("loop"), "\(r)")
        }
    }
}
