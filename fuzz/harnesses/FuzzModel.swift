// libFuzzer harness: the model loader (ONNX protobuf importer and JSON MLP), then one forward pass
// when a network comes out, on a single row of the right width.
import Foundation
import Columnar
import Model

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzModel(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Data(bytes: data, count: size)
    _ = try? NetworkJSON.decode(bytes)
    _ = try? ONNXImporter.load(bytes, options: .init(foldAffine: false))
    guard let net = try? ModelLoader.load(data: bytes), net.inputCount > 0, net.inputCount <= 4096 else { return 0 }
    var single = net
    single.threadCount = 1
    let scores = single.scores(FeatureMatrix(rows: 1, columns: net.inputCount, repeating: 0.5))
    if scores.count != 1 { preconditionFailure("scores for one row: \(scores.count)") }
    return 0
}
