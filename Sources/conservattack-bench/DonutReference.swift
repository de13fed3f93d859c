import Columnar
import Foundation
import Model

/// The reference's donut case from ../shared/reference: its 1,000 attacked background events
/// (donut_attack_input_N1000.csv: order, row_id, x1, x2, label) and its classifier (donut_model.json).
enum DonutReference {
    struct Missing: Error, CustomStringConvertible {
        var path: String
        var description: String { "\(path): not found" }
    }

    static func load(_ dir: String) throws -> (FeatureMatrix, FeedForwardNetwork) {
        let csv = dir + "/donut_attack_input_N1000.csv", model = dir + "/donut_model.json"
        for p in [csv, model] where !FileManager.default.fileExists(atPath: p) { throw Missing(path: p) }
        var values: [Double] = []
        for line in try String(contentsOfFile: csv, encoding: .utf8).split(separator: "\n").dropFirst() {
            let f = line.split(separator: ",")
            guard f.count >= 4, let a = Double(f[2]), let b = Double(f[3]) else { continue }
            values.append(a); values.append(b)
        }
        var net = try NetworkJSON.decode(Data(contentsOf: URL(fileURLWithPath: model)))
        net.threadCount = 1
        return (FeatureMatrix(rows: values.count / 2, columns: 2, values: values, names: ["x1", "x2"]), net)
    }
}
