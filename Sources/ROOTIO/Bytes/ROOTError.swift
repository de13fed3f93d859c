/// Every failure of the ROOT layer, with where it happened: file, object (class/name), branch, byte offset.
public struct ROOTError: Error, CustomStringConvertible, Sendable {
    public enum Kind: String, Sendable {
        case io, notROOT, truncated, malformed, unsupported, decompression, notFound, limit
    }
    public var kind: Kind
    public var message: String
    /// File path, when known.
    public var file: String?
    /// Object path: class and name (e.g. "TTree events" or "TBranch Jet_pt").
    public var object: String?
    /// Absolute byte offset in the file, when known.
    public var offset: Int64?

    public init(_ kind: Kind, _ message: String, file: String? = nil, object: String? = nil, offset: Int64? = nil) {
        self.kind = kind
        self.message = message
        self.file = file
        self.object = object
        self.offset = offset
    }

    /// The same error with missing location fields filled in.
    public func located(file: String? = nil, object: String? = nil, offset: Int64? = nil) -> ROOTError {
        var e = self
        if e.file == nil { e.file = file }
        if e.object == nil { e.object = object }
        if e.offset == nil { e.offset = offset }
        return e
    }

    public var description: String {
        var parts: [String] = []
        if let f = file { parts.append(f) }
        if let o = object { parts.append(o) }
        if let off = offset { parts.append("byte \(off)") }
        let prefix = parts.isEmpty ? "" : parts.joined(separator: ": ") + ": "
        return prefix + message
    }
}

extension ROOTError {
    /// Wraps any error into a located ROOTError (keeping an existing ROOTError's fields).
    static func wrap(_ error: Error, file: String?, object: String?, offset: Int64?) -> ROOTError {
        if let r = error as? ROOTError { return r.located(file: file, object: object, offset: offset) }
        return ROOTError(.decompression, "\(error)", file: file, object: object, offset: offset)
    }
}
