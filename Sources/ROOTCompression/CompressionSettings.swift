/// The compression algorithms ROOT knows, numbered as in ROOT's `ROOT::RCompressionSetting::EAlgorithm`.
public enum CompressionAlgorithm: Int, Sendable, CaseIterable {
    case zlib = 1, lzma = 2, oldROOT = 3, lz4 = 4, zstd = 5

    /// The two-byte tag that opens each compressed block ("ZL", "XZ", "CS", "L4", "ZS").
    public var tag: String {
        switch self {
        case .zlib: return "ZL"
        case .lzma: return "XZ"
        case .oldROOT: return "CS"
        case .lz4: return "L4"
        case .zstd: return "ZS"
        }
    }

    /// The name used in settings strings ("zlib", "lzma", "root", "lz4", "zstd").
    public var name: String {
        switch self {
        case .zlib: return "zlib"
        case .lzma: return "lzma"
        case .oldROOT: return "root"
        case .lz4: return "lz4"
        case .zstd: return "zstd"
        }
    }

    /// ROOT's default level for this algorithm (the defaults 101, 207, 404, 505).
    public var defaultLevel: Int {
        switch self {
        case .zlib: return 1
        case .lzma: return 7
        case .oldROOT: return 1
        case .lz4: return 4
        case .zstd: return 5
        }
    }
}

/// ROOT's fCompress setting: algorithm * 100 + level (0 = none; a bare 1..9 means zlib at that level).
///
/// A level of 0 means "store uncompressed" whatever the algorithm, so such settings normalise to `.none`.
public struct CompressionSettings: Sendable, Equatable, CustomStringConvertible {
    /// The algorithm, or nil for no compression.
    public var algorithm: CompressionAlgorithm?
    /// 0 (none) ... 99; each codec clamps it to its own range: zlib 1...12 (libdeflate), lzma 0...9,
    /// lz4 (levels 1-3 trade ratio for speed via LZ4 acceleration, 4+ = default), zstd 1...22.
    public var level: Int

    /// No compression (fCompress = 0).
    public static let none = CompressionSettings(algorithm: nil, level: 0)

    /// Settings from an algorithm and a level; level 0 or a nil algorithm gives `.none`,
    /// levels are clamped to 0...99.
    public init(algorithm: CompressionAlgorithm?, level: Int) {
        let lvl = min(max(level, 0), 99)
        if algorithm == nil || lvl == 0 {
            self.algorithm = nil
            self.level = 0
        } else {
            self.algorithm = algorithm
            self.level = lvl
        }
    }

    /// Settings from ROOT's integer code: 0 = none, 1...99 = zlib at that level (ROOT's "global default"
    /// algorithm), otherwise algorithm * 100 + level.
    public init(code: Int) throws {
        guard code >= 0 else { throw CompressionError.invalidSettings("negative compression code \(code)") }
        if code < 100 {
            self.init(algorithm: code == 0 ? nil : .zlib, level: code)
            return
        }
        guard let alg = CompressionAlgorithm(rawValue: code / 100) else {
            throw CompressionError.invalidSettings("compression code \(code): unknown algorithm \(code / 100)")
        }
        self.init(algorithm: alg, level: code % 100)
    }

    /// ROOT's integer code: algorithm * 100 + level, 0 for none.
    public var code: Int {
        guard let a = algorithm else { return 0 }
        return a.rawValue * 100 + level
    }

    /// Parses "zlib:1", "lzma:9", "lz4", "zstd:5", "none", "0", or a numeric ROOT code such as "505".
    /// Names are case-insensitive; a bare name takes ROOT's default level for it.
    public init(parsing text: String) throws {
        let trimmed = text.trimmingWhitespace().lowercased()
        if let code = Int(trimmed) {
            try self.init(code: code)
            return
        }
        let parts = trimmed.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 1 || parts.count == 2, let name = parts.first, !name.isEmpty else {
            throw CompressionError.invalidSettings("cannot parse compression '\(text)' (expected e.g. zlib:1, lzma:9, lz4, zstd:5, none)")
        }
        if name == "none" || name == "off" || name == "uncompressed" {
            guard parts.count == 1 || parts[1] == "0" else {
                throw CompressionError.invalidSettings("'none' takes no level: '\(text)'")
            }
            self = .none
            return
        }
        let aliases: [String: CompressionAlgorithm] = [
            "zlib": .zlib, "deflate": .zlib, "lzma": .lzma, "xz": .lzma, "lz4": .lz4, "zstd": .zstd, "zstandard": .zstd,
        ]
        guard let alg = aliases[name] else {
            throw CompressionError.invalidSettings("unknown compression algorithm '\(name)' in '\(text)' (known: zlib, lzma, lz4, zstd, none)")
        }
        var level = alg.defaultLevel
        if parts.count == 2 {
            guard let l = Int(parts[1]), (0...99).contains(l) else {
                throw CompressionError.invalidSettings("compression level in '\(text)' must be an integer 0...99")
            }
            level = l
        }
        self.init(algorithm: alg, level: level)
    }

    /// "zlib:1", "zstd:5", "none".
    public var description: String {
        guard let a = algorithm else { return "none" }
        return "\(a.name):\(level)"
    }
}

extension String {
    fileprivate func trimmingWhitespace() -> String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }
}
