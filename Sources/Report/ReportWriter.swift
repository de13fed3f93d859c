import Foundation
import Templates
import Validation

/// Errors raised while writing the report, naming the file.
public enum ReportError: Error, CustomStringConvertible {
    case cannotCreateDirectory(String, underlying: String)
    case cannotWrite(String, underlying: String)
    public var description: String {
        switch self {
        case let .cannotCreateDirectory(p, u): return "cannot create report directory \(p): \(u)"
        case let .cannotWrite(p, u): return "cannot write \(p): \(u)"
        }
    }
}

/// Writes report.json and report.html into a directory, each atomically (temporary file + rename).
public enum ReportWriter {
    /// Writes `report.json` and `report.html` (with a section on the fit templates when given); returns their URLs (json, html).
    @discardableResult
    public static func write(_ report: ValidationReport, to directory: URL, title: String = "ConservAttack validation report",
                             templates: TemplateSet? = nil) throws -> (json: URL, html: URL) {
        let fm = FileManager.default
        do { try fm.createDirectory(at: directory, withIntermediateDirectories: true) }
        catch { throw ReportError.cannotCreateDirectory(directory.path, underlying: "\(error)") }
        let json = directory.appendingPathComponent("report.json"), html = directory.appendingPathComponent("report.html")
        try atomicWrite(try ReportJSON.encode(report), to: json)
        try atomicWrite(Data(HTMLReport.render(report, title: title, templates: templates).utf8), to: html)
        return (json, html)
    }

    static func atomicWrite(_ data: Data, to url: URL) throws {
        let tmp = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp-\(ProcessInfo.processInfo.processIdentifier)")
        do {
            try data.write(to: tmp)
            if rename(tmp.path, url.path) != 0 {
                let code = errno
                try? FileManager.default.removeItem(at: tmp)
                throw ReportError.cannotWrite(url.path, underlying: String(cString: strerror(code)))
            }
        } catch let e as ReportError { throw e }
        catch { throw ReportError.cannotWrite(url.path, underlying: "\(error)") }
    }
}
