import Columnar
import Foundation
import XCTest
@testable import Model

/// ONNX graphs: the reference donut model, hand-built graphs covering every supported operator
/// (expectations by onnxruntime and float64 numpy, fixtures/model/make_onnx_zoo.py) and graphs to reject.
final class ONNXImporterTests: XCTestCase {
    func testDonutONNXMatchesOnnxRuntimeAndJSON() throws {
        let onnx = try ModelLoader.load(path: TestSupport.fixture("donut_model.onnx").path)
        let json = try ModelLoader.load(path: TestSupport.fixture("donut_model.json").path)
        XCTAssertEqual(onnx.inputCount, 2)
        XCTAssertEqual(onnx.output, .sigmoid)
        let cols = try TestSupport.columns(TestSupport.fixture("donut_ort_predictions.csv"), ["x1", "x2", "ort_prob", "Label"])
        let x = TestSupport.matrix([cols[0], cols[1]])
        let s = onnx.scores(x), sj = json.scores(x)
        var worst = 0.0, worstJSON = 0.0
        for i in 0..<x.rows { worst = max(worst, abs(s[i] - cols[2][i])); worstJSON = max(worstJSON, abs(s[i] - sj[i])) }
        XCTAssertLessThan(worst, 1e-5, "ONNX import vs onnxruntime")
        XCTAssertLessThan(worstJSON, 1e-5, "ONNX import vs JSON import")
        let g = onnx.lossGradient(x, labels: cols[3]), gj = json.lossGradient(x, labels: cols[3])
        var worstG = 0.0
        for i in 0..<g.values.count { worstG = max(worstG, abs(g.values[i] - gj.values[i]) / max(1e-3, abs(gj.values[i]))) }
        XCTAssertLessThan(worstG, 1e-4, "ONNX vs JSON input gradients")
    }

    func zooCase(_ name: String) throws -> (x: FeatureMatrix, y: [Double], ort: [Double], fd: [[Double]]) {
        let obj = try JSONSerialization.jsonObject(with: Data(contentsOf: TestSupport.fixture("zoo_expectations.json"))) as! [String: Any]
        let c = obj[name] as! [String: Any]
        let xs = (c["x"] as! [[NSNumber]]).map { $0.map(\.doubleValue) }
        var x = FeatureMatrix(rows: xs.count, columns: xs[0].count)
        for i in 0..<xs.count { for j in 0..<xs[0].count { x[i, j] = xs[i][j] } }
        return (x, (c["label"] as! [NSNumber]).map(\.doubleValue), (c["ort_prob"] as! [NSNumber]).map(\.doubleValue),
                (c["fd_gradient"] as! [[NSNumber]]).map { $0.map(\.doubleValue) })
    }

    func checkZoo(_ name: String, folded: Bool) throws {
        let net = try ONNXImporter.load(Data(contentsOf: TestSupport.fixture(name)), options: .init(foldAffine: folded))
        let c = try zooCase(name)
        let s = net.scores(c.x)
        var worst = 0.0
        for i in 0..<c.x.rows { worst = max(worst, abs(s[i] - c.ort[i])) }
        XCTAssertLessThan(worst, 1e-5, "\(name) (fold \(folded)) vs onnxruntime")
        let g = net.lossGradient(c.x, labels: c.y)
        var worstG = 0.0
        for i in 0..<c.x.rows { for j in 0..<c.x.columns {
            worstG = max(worstG, abs(g[i, j] - c.fd[i][j]) / max(1, abs(c.fd[i][j])))
        } }
        XCTAssertLessThan(worstG, 1e-5, "\(name) (fold \(folded)) gradient vs float64 finite differences")
    }

    func testZooSoftmaxGraphAllOperators() throws {
        try checkZoo("zoo_softmax.onnx", folded: false)
        try checkZoo("zoo_softmax.onnx", folded: true)
        let net = try ONNXImporter.load(Data(contentsOf: TestSupport.fixture("zoo_softmax.onnx")), options: .init(foldAffine: false))
        XCTAssertEqual(net.output, .softmax)
        XCTAssertEqual(net.widths.last, 2)
        // Unfolded: standardise (2 affine), dense, affine(bias), leaky, dense, affine(BN), elu, affine(mul), selu, dense, tanh, dense.
        XCTAssertEqual(net.layers.count, 13)
        let folded = try ONNXImporter.load(Data(contentsOf: TestSupport.fixture("zoo_softmax.onnx")))
        XCTAssertLessThan(folded.layers.count, net.layers.count)
    }

    func testZooSigmoidGraphWithSqueezeUnsqueeze() throws {
        try checkZoo("zoo_sigmoid.onnx", folded: true)
        let net = try ModelLoader.load(path: TestSupport.fixture("zoo_sigmoid.onnx").path)
        XCTAssertEqual(net.output, .sigmoid)
    }

    func testRejectsUnsupportedOperatorNamingNode() throws {
        XCTAssertThrowsError(try ModelLoader.load(path: TestSupport.fixture("err_unsupported_op.onnx").path)) { e in
            XCTAssertEqual(e as? ModelError, .unsupportedOperator(node: "exp_node", op: "Exp"))
        }
    }

    func testRejectsTwoInputs() throws {
        XCTAssertThrowsError(try ModelLoader.load(path: TestSupport.fixture("err_two_inputs.onnx").path)) { e in
            guard case .unsupportedGraph(_, let op, let reason)? = e as? ModelError else { return XCTFail("\(e)") }
            XCTAssertEqual(op, "input")
            XCTAssertTrue(reason.contains("found 2"), reason)
        }
    }

    func testRejectsBranchingGraph() throws {
        XCTAssertThrowsError(try ModelLoader.load(path: TestSupport.fixture("err_branch.onnx").path)) { e in
            guard case .unsupportedGraph(let node, let op, _)? = e as? ModelError else { return XCTFail("\(e)") }
            XCTAssertEqual(node, "residual_add")
            XCTAssertEqual(op, "Add")
        }
    }

    func testRejectsGarbageAndTruncatedFiles() throws {
        let good = try Data(contentsOf: TestSupport.fixture("donut_model.onnx"))
        XCTAssertThrowsError(try ModelLoader.load(data: good.prefix(good.count / 2), origin: "half.onnx")) { e in
            guard case .unreadable(let p, _)? = e as? ModelError else { return XCTFail("\(e)") }
            XCTAssertEqual(p, "half.onnx")
        }
        XCTAssertThrowsError(try ModelLoader.load(data: Data([0xff, 0xff, 0xff, 0x01]), origin: "junk"))
        XCTAssertThrowsError(try ModelLoader.load(data: Data(), origin: "empty"))
        // Every truncation either loads a valid network or throws: never traps.
        for cut in stride(from: 1, to: good.count, by: 97) { _ = try? ModelLoader.load(data: good.prefix(cut)) }
    }
}
