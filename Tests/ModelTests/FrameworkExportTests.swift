import Columnar
import Foundation
import XCTest
@testable import Model

/// Models exported by real frameworks (fixtures/model/make_tf2onnx_mlp.py, make_torch_onnx_mlp.py):
/// our import must agree with the framework's own predictions and input gradients to 1e-5.
final class FrameworkExportTests: XCTestCase {
    struct Expectations {
        var x: FeatureMatrix
        var y: [Double]
        var frameworkProb: [Double]
        var ortProb: [Double]
        var gradient: [[Double]]
    }

    func expectations(_ file: String, probKey: String, gradKey: String) throws -> Expectations {
        let obj = try JSONSerialization.jsonObject(with: Data(contentsOf: TestSupport.fixture(file))) as! [String: Any]
        let xs = (obj["x"] as! [[NSNumber]]).map { $0.map(\.doubleValue) }
        var x = FeatureMatrix(rows: xs.count, columns: xs[0].count)
        for i in 0..<xs.count { for j in 0..<xs[0].count { x[i, j] = xs[i][j] } }
        return Expectations(x: x, y: (obj["label"] as! [NSNumber]).map(\.doubleValue),
                            frameworkProb: (obj[probKey] as! [NSNumber]).map(\.doubleValue),
                            ortProb: (obj["ort_prob"] as! [NSNumber]).map(\.doubleValue),
                            gradient: (obj[gradKey] as! [[NSNumber]]).map { $0.map(\.doubleValue) })
    }

    func check(model: String, expectations e: Expectations, file: StaticString = #filePath, line: UInt = #line) throws {
        let net = try ModelLoader.load(path: TestSupport.fixture(model).path)
        XCTAssertEqual(net.inputCount, e.x.columns, file: file, line: line)
        let s = net.scores(e.x)
        var worstFramework = 0.0, worstOrt = 0.0
        for i in 0..<e.x.rows {
            worstFramework = max(worstFramework, abs(s[i] - e.frameworkProb[i]))
            worstOrt = max(worstOrt, abs(s[i] - e.ortProb[i]))
        }
        XCTAssertLessThan(worstFramework, 1e-5, "\(model): scores vs framework", file: file, line: line)
        XCTAssertLessThan(worstOrt, 1e-5, "\(model): scores vs onnxruntime", file: file, line: line)
        let g = net.lossGradient(e.x, labels: e.y)
        var worstG = 0.0
        for i in 0..<e.x.rows { for j in 0..<e.x.columns {
            worstG = max(worstG, abs(g[i, j] - e.gradient[i][j]) / max(1, abs(e.gradient[i][j])))
        } }
        XCTAssertLessThan(worstG, 1e-5, "\(model): input gradient vs framework autodiff", file: file, line: line)
    }

    func testTf2onnxKerasMLPWithBatchNormAndDropout() throws {
        try check(model: "tf2onnx_mlp.onnx", expectations: expectations("tf2onnx_expectations.json", probKey: "keras_prob", gradKey: "tf_gradient"))
    }

    func testTorchOnnxExportMLPWithBatchNormAndDropout() throws {
        // Default (dynamo) exporter: BatchNorm folded into Gemm by torch, Dropout removed, Softmax head.
        try check(model: "torch_mlp.onnx", expectations: expectations("torch_expectations.json", probKey: "torch_prob", gradKey: "torch_gradient"))
        // TorchScript exporter without constant folding: an explicit BatchNormalization node.
        try check(model: "torch_mlp_legacy.onnx", expectations: expectations("torch_expectations.json", probKey: "torch_prob", gradKey: "torch_gradient"))
        let legacy = try ONNXImporter.load(Data(contentsOf: TestSupport.fixture("torch_mlp_legacy.onnx")), options: .init(foldAffine: false))
        XCTAssertTrue(legacy.layers.contains { if case .affine = $0 { return true }; return false }, "BatchNormalization imported as an affine layer")
        XCTAssertEqual(legacy.output, .softmax)
    }
}
