import Columnar
import Foundation
import XCTest
@testable import Model

/// The reference's donut model (neutral-mlp-v1 JSON, BatchNorm folded) against onnxruntime and
/// against central finite differences of an independent Double forward pass.
final class DonutJSONModelTests: XCTestCase {
    func loadDonut() throws -> FeedForwardNetwork {
        try NetworkJSON.decode(Data(contentsOf: TestSupport.fixture("donut_model.json")))
    }

    func testStructureFromSemantics() throws {
        let net = try loadDonut()
        XCTAssertEqual(net.inputCount, 2)
        XCTAssertEqual(net.widths, [2, 32, 32, 16, 16, 1])
        XCTAssertEqual(net.output, .sigmoid, "the trailing sigmoid becomes the output head")
        XCTAssertEqual(net.parameterCount, 2 * 32 + 32 + 32 * 16 + 16 + 16 + 1)
    }

    func testPredictionsMatchOnnxRuntime() throws {
        let net = try loadDonut()
        let cols = try TestSupport.columns(TestSupport.fixture("donut_ort_predictions.csv"), ["x1", "x2", "ort_prob", "numpy_prob"])
        XCTAssertEqual(cols[0].count, 2000)
        let x = TestSupport.matrix([cols[0], cols[1]])
        let s = net.scores(x)
        var worstOrt = 0.0, worstNumpy = 0.0
        for i in 0..<x.rows {
            worstOrt = max(worstOrt, abs(s[i] - cols[2][i]))
            worstNumpy = max(worstNumpy, abs(s[i] - cols[3][i]))
        }
        XCTAssertLessThan(worstOrt, 1e-5, "max |ours − onnxruntime|")
        XCTAssertLessThan(worstNumpy, 1e-5, "max |ours − numpy float64|")
        // The scores are not degenerate: both classes are predicted.
        XCTAssertGreaterThan(s.filter { $0 > 0.5 }.count, 200)
        XCTAssertGreaterThan(s.filter { $0 < 0.5 }.count, 200)
    }

    func testGradientMatchesCentralFiniteDifferences() throws {
        let net = try loadDonut()
        let reference = try ReferenceMLP(json: TestSupport.fixture("donut_model.json"))
        let cols = try TestSupport.columns(TestSupport.fixture("donut_ort_predictions.csv"), ["x1", "x2", "Label"])
        let n = 300
        let x = TestSupport.matrix([Array(cols[0].prefix(n)), Array(cols[1].prefix(n))])
        let y = Array(cols[2].prefix(n))
        let g = net.lossGradient(x, labels: y)
        let h = 1e-6
        var checked = 0, worst = 0.0
        for i in 0..<n {
            for j in 0..<2 {
                var xp = x.row(i), xm = x.row(i)
                xp[j] += h; xm[j] -= h
                let fd = (reference.loss(xp, label: y[i]) - reference.loss(xm, label: y[i])) / (2 * h)
                // Skip points within h of a ReLU kink, where the central difference is not the derivative.
                if reference.nearKink(x.row(i), margin: 1e-4) { continue }
                let rel = abs(g[i, j] - fd) / max(abs(fd), 1e-3)
                worst = max(worst, rel)
                checked += 1
            }
        }
        XCTAssertGreaterThan(checked, 400, "points away from ReLU kinks")
        XCTAssertLessThan(worst, 1e-4, "worst relative gradient error")
    }

    func testResultsIdenticalForAnyThreadCountAndBlockSize() throws {
        var net = try loadDonut()
        let cols = try TestSupport.columns(TestSupport.fixture("donut_ort_predictions.csv"), ["x1", "x2", "Label"])
        let x = TestSupport.matrix([cols[0], cols[1]])
        net.threadCount = 1; net.blockRows = 128
        let s1 = net.scores(x), g1 = net.lossGradient(x, labels: cols[2])
        net.threadCount = 4; net.blockRows = 37
        let s4 = net.scores(x), g4 = net.lossGradient(x, labels: cols[2])
        XCTAssertEqual(s1, s4)
        XCTAssertEqual(g1.values, g4.values)
    }

    func testGradientSignPushesAwayFromLabel() throws {
        let net = try loadDonut()
        let cols = try TestSupport.columns(TestSupport.fixture("donut_ort_predictions.csv"), ["x1", "x2", "Label"])
        let x = TestSupport.matrix([Array(cols[0].prefix(200)), Array(cols[1].prefix(200))])
        let y = Array(cols[2].prefix(200))
        let g = net.lossGradient(x, labels: y)
        var moved = x
        for i in 0..<x.rows { for j in 0..<2 { moved[i, j] += 1e-3 * (g[i, j] > 0 ? 1 : g[i, j] < 0 ? -1 : 0) } }
        let before = net.scores(x), after = net.scores(moved)
        var increased = 0, considered = 0
        // The signal core is a plateau (gradient ~1e-8): a 1e-3 step there changes nothing in Float.
        for i in 0..<x.rows where abs(g[i, 0]) + abs(g[i, 1]) > 1e-4 {
            considered += 1
            let lb = -(y[i] * log(before[i]) + (1 - y[i]) * log(1 - before[i]))
            let la = -(y[i] * log(after[i]) + (1 - y[i]) * log(1 - after[i]))
            if la > lb { increased += 1 }
        }
        XCTAssertGreaterThan(considered, 100)
        XCTAssertEqual(increased, considered, "a small step along sign(gradient) increases the loss")
    }
}

/// An independent Double evaluation of a neutral-mlp-v1 JSON file (dense layers, relu / sigmoid),
/// written directly from the file's `semantics` text.
struct ReferenceMLP {
    var layers: [(w: [[Double]], b: [Double], act: String)] = []

    init(json url: URL) throws {
        let obj = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        for l in obj["layers"] as! [[String: Any]] {
            let w = (l["weight"] as! [[Any]]).map { $0.map { ($0 as! NSNumber).doubleValue } }
            let b = (l["bias"] as! [Any]).map { ($0 as! NSNumber).doubleValue }
            layers.append((w, b, l["activation"] as! String))
        }
    }

    /// Pre-activations of every layer for input x.
    func preActivations(_ x: [Double]) -> [[Double]] {
        var h = x, out: [[Double]] = []
        for l in layers {
            var z = l.b
            for i in 0..<h.count { for j in 0..<z.count { z[j] += h[i] * l.w[i][j] } }
            out.append(z)
            h = l.act == "relu" ? z.map { max($0, 0) } : z.map { 1 / (1 + exp(-$0)) }
        }
        return out
    }

    func probability(_ x: [Double]) -> Double { 1 / (1 + exp(-preActivations(x).last![0])) }

    func loss(_ x: [Double], label y: Double) -> Double {
        let p = probability(x)
        return -(y * log(p) + (1 - y) * log(1 - p))
    }

    /// True when some ReLU pre-activation is within `margin` (times the layer's input sensitivity) of 0.
    func nearKink(_ x: [Double], margin: Double) -> Bool {
        let zs = preActivations(x)
        for (k, l) in layers.enumerated() where l.act == "relu" {
            if zs[k].contains(where: { abs($0) < margin }) { return true }
        }
        return false
    }
}
