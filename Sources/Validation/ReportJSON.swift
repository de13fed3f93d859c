import Foundation

/// report.json encoding: pretty, sorted keys, non-finite numbers as the strings "NaN", "Infinity", "-Infinity".
public enum ReportJSON {
    /// Any report document (the validation report, the mitigation report) in this encoding.
    public static func encode<Report: Encodable>(_ report: Report) throws -> Data {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys]
        e.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return try e.encode(report)
    }

    public static func decode<Report: Decodable>(_ type: Report.Type, from data: Data) throws -> Report {
        let d = JSONDecoder()
        d.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return try d.decode(type, from: data)
    }

    public static func decode(_ data: Data) throws -> ValidationReport {
        try decode(ValidationReport.self, from: data)
    }
}
