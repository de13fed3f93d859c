import ArgumentParser
import Foundation
import Selection
import TOMLKit

/// Regions from a TOML file:
/// ```toml
/// [[regions]]
/// name = "CR_wjets"
/// cut = "nBJet == 0 && mT > 50"
/// signal = false          # optional; one region may be the signal region
/// ```
/// The same `[[regions]]` tables are accepted inside a full run configuration.
enum RegionsFile {
    struct Entry: Codable { var name: String; var cut: String; var signal: Bool? }

    static func load(_ path: String) throws -> RegionSet {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw ValidationError("cannot read regions file \(path): \(error.localizedDescription)")
        }
        let table: TOMLTable
        do { table = try TOMLTable(string: text) } catch {
            throw ValidationError("\(path): not valid TOML: \(error)")
        }
        guard let array = table["regions"]?.array else {
            throw ValidationError("\(path): no [[regions]] tables (each with name and cut)")
        }
        var regions: [Region] = []
        var signal: String? = nil
        for (i, item) in array.enumerated() {
            guard let t = item.table else { throw ValidationError("\(path): regions[\(i)] is not a table") }
            for key in t.keys where !["name", "cut", "signal"].contains(key) {
                throw ValidationError("\(path): regions[\(i)]: unknown key '\(key)' (expected name, cut, signal)")
            }
            guard let name = t["name"]?.string, let cut = t["cut"]?.string else {
                throw ValidationError("\(path): regions[\(i)] needs string keys name and cut")
            }
            regions.append(try Region(name: name, cut: cut))
            if t["signal"]?.bool == true { signal = name }
        }
        return try RegionSet(regions, signal: signal)
    }
}
