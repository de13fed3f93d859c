import Foundation

/// A one-line progress display on stderr (redrawn in place on a terminal, throttled lines otherwise).
final class ProgressLine: @unchecked Sendable {
    private let label: String
    private let quiet: Bool
    private let isTerminal = isatty(STDERR_FILENO) != 0
    private var last = Date.distantPast

    init(_ label: String, quiet: Bool = false) {
        self.label = label
        self.quiet = quiet
    }

    /// Shows `done` of `total` with a bar and a free-form detail.
    func update(_ done: Int, of total: Int, _ detail: String = "", force: Bool = false) {
        guard !quiet else { return }
        let now = Date()
        guard force || now.timeIntervalSince(last) > (isTerminal ? 0.1 : 5) else { return }
        last = now
        let fraction = total > 0 ? min(1, Double(done) / Double(total)) : 1
        let width = 24, filled = Int(fraction * Double(width))
        let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
        let line = "\(label) [\(bar)] \(done)/\(total) \(detail)"
        FileHandle.standardError.write(Data((isTerminal ? "\r\u{1B}[K" + line : line + "\n").utf8))
    }

    /// Ends the line.
    func finish(_ detail: String = "") {
        guard !quiet else { return }
        FileHandle.standardError.write(Data((isTerminal ? "\r\u{1B}[K" : "") .utf8))
        if !detail.isEmpty { FileHandle.standardError.write(Data("\(label): \(detail)\n".utf8)) }
    }
}

/// Messages for --verbose.
func note(_ message: String, verbose: Bool) {
    if verbose { FileHandle.standardError.write(Data("· \(message)\n".utf8)) }
}
