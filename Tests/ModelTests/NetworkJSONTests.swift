import Columnar
import Foundation
import XCTest
@testable import Model

/// Our JSON format: round trips, every layer kind, errors that name the field.
final class NetworkJSONTests: XCTestCase {
    func testRoundTripOfEveryLayerKindIsExact() throws {
        let d1 = try DenseLayer(inputCount: 3, outputCount: 4, weight: (0..<12).map { Float($0) * 0.1 - 0.55 }, bias: [0.1, -0.2, 0.3, 1e-7])
        let d2 = try DenseLayer(inputCount: 4, outputCount: 2, weight: (0..<8).map { Float($0) * -0.3 + 1 }, bias: [0.5, -0.5])
        let net = try FeedForwardNetwork(
            inputCount: 3,
            layers: [.dense(d1), .activation(.leakyRelu(alpha: 0.1)), .affine(try AffineLayer(scale: [1, 2, 0.5, 3], shift: [0, 1, -1, 0.25])),
                     .activation(.elu(alpha: 0.7)), .activation(.selu), .activation(.tanh), .dense(d2)],
            output: .softmax, featureNames: ["a", "b \"quoted\"", "c"],
            standardization: Standardization(mean: [1, 2, 3], scale: [0.5, 1, 4]))
        let text = NetworkJSON.encode(net)
        let back = try NetworkJSON.decode(text)
        XCTAssertEqual(back, net)
        let x = FeatureMatrix(rows: 3, columns: 3, values: [0, 1, 2, -1, 3, 0.5, 7, -2, 1])
        XCTAssertEqual(back.scores(x), net.scores(x))
        let path = NSTemporaryDirectory() + "model-roundtrip-\(getpid()).json"
        try ModelLoader.save(net, path: path)
        defer { try? FileManager.default.removeItem(atPath: path) }
        XCTAssertEqual(try ModelLoader.load(path: path), net)
    }

    func testReferenceDonutModelSavesAndReloadsInOurFormat() throws {
        let donut = try ModelLoader.load(path: TestSupport.fixture("donut_model.json").path)
        let ours = try NetworkJSON.decode(NetworkJSON.encode(donut))
        XCTAssertEqual(ours, donut)
        let text = String(decoding: NetworkJSON.encode(donut), as: UTF8.self)
        XCTAssertTrue(text.contains("\"format\": \"conservattack-mlp-v1\""))
        XCTAssertTrue(text.contains("\"output\": \"sigmoid\""))
    }

    func testBatchNormLayerMatchesFormula() throws {
        let json = """
        {"format": "conservattack-mlp-v1", "input_dim": 2, "output": "probability",
         "layers": [{"kind": "batchnorm", "gamma": [2, 1], "beta": [0.5, 0], "mean": [1, -1], "variance": [3, 0.5], "epsilon": 1},
                    {"kind": "dense", "weight": [[1], [1]], "bias": [0], "activation": "sigmoid"}]}
        """
        let net = try NetworkJSON.decode(Data(json.utf8))
        let x = FeatureMatrix(rows: 1, columns: 2, values: [2, 0.5])
        let bn0: Double = 2.0 * (2.0 - 1.0) / (3.0 + 1.0).squareRoot() + 0.5
        let bn1: Double = 1.0 * (0.5 + 1.0) / (0.5 + 1.0).squareRoot()
        let z = bn0 + bn1
        XCTAssertEqual(net.scores(x)[0], 1 / (1 + exp(-z)), accuracy: 1e-6)
    }

    func testErrorsNameTheField() {
        func error(_ s: String) -> ModelError? {
            do { _ = try NetworkJSON.decode(Data(s.utf8)); return nil } catch { return error as? ModelError }
        }
        XCTAssertEqual(error(#"{"format": "x", "input_dim": 2, "layers": []}"#)?.description.contains("unknown format"), true)
        XCTAssertEqual(error(#"{"format": "conservattack-mlp-v1", "input_dim": 2, "layers": [{"kind": "dense", "weight": [[1], [1, 2]], "bias": [0]}]}"#),
                       .invalidJSON(field: "layers[0].weight[1]", reason: "has 2 entries, row 0 has 1"))
        XCTAssertEqual(error(#"{"format": "conservattack-mlp-v1", "input_dim": 3, "layers": [{"kind": "dense", "weight": [[1], [1]], "bias": [0]}]}"#),
                       .shapeMismatch(layer: "layers[0].weight", expected: 3, got: 2))
        XCTAssertEqual(error(#"{"format": "conservattack-mlp-v1", "input_dim": 2, "layers": [{"kind": "dense", "weight": [[1], ["a"]], "bias": [0]}]}"#),
                       .invalidJSON(field: "layers[0].weight[1][0]", reason: "not a number"))
        XCTAssertEqual(error(#"{"format": "conservattack-mlp-v1", "input_dim": 2, "layers": [{"kind": "conv"}]}"#),
                       .invalidJSON(field: "layers[0].kind", reason: "unknown layer kind 'conv'"))
        XCTAssertEqual(error(#"{"format": "conservattack-mlp-v1", "input_dim": 2, "layers": [{"kind": "activation", "activation": "swish"}]}"#),
                       .invalidJSON(field: "layers[0].activation", reason: "unknown activation 'swish'"))
        XCTAssertEqual(error(#"{"format": "conservattack-mlp-v1", "input_dim": 2, "output": "sigmoid", "layers": []}"#),
                       .shapeMismatch(layer: "output (sigmoid)", expected: 1, got: 2))
        XCTAssertNotNil(error("{\"format\": "))
    }
}
