import Columnar

/// ROOT output: lands with the ROOT writer.
enum ROOTOutput {
    static func write(_ table: EventTable, to path: String, treeName: String, metadata: [String: String], compression: String) throws {
        throw ValidationError("writing ROOT files is not available in this build yet: use .arrow or .feather")
    }
}

import ArgumentParser
