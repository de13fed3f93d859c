/// Key/value metadata stored as TObjString objects in a directory (the name of the key is the key, the string
/// its value), as ConservAttack's writer stores `conservattack.*` entries beside its trees.
extension Directory {
    /// The TObjString objects of this directory (highest cycle of each name) as name → string.
    /// A string that cannot be read is left out: metadata never costs the user the file.
    public func stringObjects() -> [String: String] {
        var out: [String: String] = [:]
        for key in latestKeys where key.className == "TObjString" {
            guard let cursor = try? file.objectCursor(key) else { continue }
            var reader = ObjectReader(cursor)
            if case .string(let s)?? = try? reader.readBody("TObjString", end: nil) { out[key.name] = s }
        }
        return out
    }
}
