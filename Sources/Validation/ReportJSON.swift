import Foundation

/// report.json encoding: pretty, sorted keys, non-finite numbers as the strings "NaN", "Infinity", "-Infinity".
public enum ReportJSON {
    public static func encode(_ report: ValidationReport) throws -> Data {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys]
        e.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return try e.encode(report)
    }

    public static func decode(_ data: Data) throws -> ValidationReport {
        let d = JSONDecoder()
        d.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return try d.decode(ValidationReport.self, from: data)
    }
}
