import Foundation
import Mitigation
import Validation

/// The mitigation report: the detector's numbers and robustness curves (report.json of `detect` / `robustness`).
public struct MitigationReport: Codable, Sendable, Equatable {
    public var schemaVersion = 1
    /// Always "mitigation" (tells this report.json from the validation report).
    public var kind = "mitigation"
    public var detector: DetectorSummary?
    /// One curve per classifier, all on the same sample and bounds.
    public var robustness: [RobustnessCurve]
    /// Free-text lines shown under the header (inputs, seeds).
    public var notes: [String]

    public init(detector: DetectorSummary? = nil, robustness: [RobustnessCurve] = [], notes: [String] = []) {
        self.detector = detector; self.robustness = robustness; self.notes = notes
    }

    enum CodingKeys: String, CodingKey {
        case schemaVersion = "schema_version", kind, detector, robustness, notes
    }

    /// Pretty-printed, sorted keys; non-finite numbers as strings (ReportJSON's encoding).
    public func encoded() throws -> Data { try ReportJSON.encode(self) }

    public static func decode(_ data: Data) throws -> MitigationReport {
        try ReportJSON.decode(MitigationReport.self, from: data)
    }

    /// Writes report.json and report.html into `directory`, each atomically; returns their URLs.
    @discardableResult
    public func write(to directory: URL) throws -> (json: URL, html: URL) {
        do { try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true) }
        catch { throw ReportError.cannotCreateDirectory(directory.path, underlying: "\(error)") }
        let json = directory.appendingPathComponent("report.json"), html = directory.appendingPathComponent("report.html")
        try ReportWriter.atomicWrite(try encoded(), to: json)
        try ReportWriter.atomicWrite(Data(MitigationHTML.render(self).utf8), to: html)
        return (json, html)
    }
}
