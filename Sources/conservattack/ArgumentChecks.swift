import ArgumentParser
import Foundation
import Tables
import Model
import Selection

/// The argument checks every command shares, run before any input is read or any work starts, so a bad
/// argument is a one-line error (exit 1) and never a trap or a half-done run:
///
/// | check                 | refuses                                                                    |
/// |-----------------------|----------------------------------------------------------------------------|
/// | `outputsAreNew`       | an output that already exists, unless `--force`                            |
/// | `featureNames`        | an empty feature list; a count different from a model's inputs             |
/// | `regions`             | a regions file that is missing, unreadable or malformed                    |
/// | `inputExists`         | an input file (FILE or FILE:TREE) that does not exist                      |
/// | `atLeast`             | a count option below its minimum (`demo --events 0`)                       |
enum ArgumentChecks {
    /// Refuses any of `paths` (nil entries are skipped) that already exists, unless `force`.
    static func outputsAreNew(_ paths: [String?], force: Bool) throws {
        for case let path? in paths where FileManager.default.fileExists(atPath: path) && !force {
            throw ValidationError("\(path) exists: pass --force to replace it")
        }
    }

    /// The features a model is evaluated on: `--features` (comma-separated) when given, else the names the
    /// first model stores. Every model must take exactly that many inputs.
    static func featureNames(_ option: String?, models: [(path: String, network: FeedForwardNetwork)]) throws -> [String] {
        let names = try option.map { try parseList($0, what: "--features") } ?? models.first?.network.featureNames ?? []
        guard !names.isEmpty else {
            throw ValidationError("give --features" + (models.isEmpty ? "" : " (the model file does not name its inputs)"))
        }
        for m in models where m.network.inputCount != names.count {
            throw ValidationError("\(m.path) takes \(m.network.inputCount) inputs but --features names \(names.count) "
                                  + "(\(names.joined(separator: ","))): give exactly \(m.network.inputCount) features")
        }
        return names
    }

    /// The regions of a `[[regions]]` TOML file (nil when no file is given); a missing or malformed file is an error.
    static func regions(_ path: String?) throws -> RegionSet? {
        guard let path else { return nil }
        guard FileManager.default.fileExists(atPath: path) else {
            throw ValidationError("regions file \(path) does not exist")
        }
        return try RegionsFile.load(path)
    }

    /// Refuses a count option below `minimum`.
    static func atLeast(_ value: Int, _ minimum: Int, option: String) throws {
        guard value >= minimum else { throw ValidationError("\(option) must be at least \(minimum), got \(value)") }
    }

    /// Refuses an input (`FILE` or `FILE:TREE`) whose file does not exist.
    static func inputExists(_ spec: String?, option: String) throws {
        guard let spec else { return }
        let path = TableLocation(spec).path
        guard FileManager.default.fileExists(atPath: path) else {
            throw ValidationError("\(option): \(path) does not exist")
        }
    }
}
