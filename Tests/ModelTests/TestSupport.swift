import Columnar
import Foundation
import TestSupport
import XCTest

/// Paths and small helpers shared by the Model tests.
enum TestSupport {
    /// Repository root (…/Tests/ModelTests/TestSupport.swift → …).
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let fixtures = repoRoot.appendingPathComponent("fixtures/model")
    /// reference/ in the shared data folder ($CONSERVATTACK_SHARED, else ../shared beside the repository), when present.
    static var sharedReference: URL? {
        guard let u = Fixtures.shared?.appendingPathComponent("reference"), FileManager.default.fileExists(atPath: u.path) else {
            return nil
        }
        return u
    }

    static func fixture(_ name: String) -> URL { fixtures.appendingPathComponent(name) }

    /// A CSV with a header: the header and the rows as string fields.
    static func readCSV(_ url: URL) throws -> (header: [String], rows: [[String]]) {
        let text = try String(contentsOf: url, encoding: .utf8)
        var lines = text.split(whereSeparator: \.isNewline).map(String.init)
        guard !lines.isEmpty else { return ([], []) }
        let header = lines.removeFirst().split(separator: ",").map(String.init)
        return (header, lines.map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) })
    }

    /// Numeric columns of a CSV by name.
    static func columns(_ url: URL, _ names: [String]) throws -> [[Double]] {
        let (h, rows) = try readCSV(url)
        return try names.map { n in
            guard let j = h.firstIndex(of: n) else { throw NSError(domain: "csv", code: 1, userInfo: [NSLocalizedDescriptionKey: "no column \(n)"]) }
            return rows.map { Double($0[j]) ?? .nan }
        }
    }

    static func matrix(_ cols: [[Double]]) -> FeatureMatrix {
        let n = cols.first?.count ?? 0
        var m = FeatureMatrix(rows: n, columns: cols.count)
        for (j, c) in cols.enumerated() { for i in 0..<n { m[i, j] = c[i] } }
        return m
    }
}
