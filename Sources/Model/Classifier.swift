import Columnar

/// What the attack, validation and `predict` need from a classifier: scores and input gradients.
///
/// Contract shared by every model kind (JSON MLP, ONNX graph):
/// - `scores` returns one number per row: for a single sigmoid output, the probability of class 1;
///   for a softmax output, the probability of the last class (class 1 of a two-class softmax).
/// - `lossGradient` returns, for each row i, d/dx_i of the binary cross-entropy
///   `-(y_i log s_i + (1 - y_i) log(1 - s_i))` with `s_i = scores(x)_i` and `y_i = labels[i]`
///   (rows × inputCount). Moving x along its sign increases the loss, i.e. pushes the event
///   away from its true label.
public protocol DifferentiableClassifier: Sendable {
    /// Number of input features.
    var inputCount: Int { get }
    /// The ordered feature (branch) names the model expects, when the model file says so.
    var featureNames: [String]? { get }
    /// One score per row of `x` (x.columns == inputCount).
    func scores(_ x: FeatureMatrix) -> [Double]
    /// Gradient of the binary cross-entropy with respect to the inputs, rows × inputCount.
    func lossGradient(_ x: FeatureMatrix, labels: [Double]) -> FeatureMatrix
}
