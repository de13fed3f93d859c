import Foundation
import TestSupport
import XCTest

/// Base of the tests that drive the built `conservattack` binary: `bin` is its path, `tmp` a scratch
/// directory (named after `scratchName`) removed after each test.
class CLITestCase: XCTestCase {
    var bin: String!
    var tmp: URL!

    /// Prefix of the scratch directory.
    class var scratchName: String { "cli" }

    override func setUpWithError() throws {
        guard let b = Fixtures.binary else { throw XCTSkip("conservattack binary not built (run `swift build` first)") }
        bin = b
        tmp = try Fixtures.temporaryDirectory(Self.scratchName)
    }

    override func tearDown() { if let tmp { try? FileManager.default.removeItem(at: tmp) } }
}
