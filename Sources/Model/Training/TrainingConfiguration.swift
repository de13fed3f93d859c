/// Settings of `Trainer.train`. Defaults follow Keras (Adam 1e-3, β 0.9 / 0.999, ε 1e-7, Glorot-uniform weights).
public struct TrainingConfiguration: Sendable {
    /// Hidden layer widths; the output is one sigmoid unit.
    public var hiddenLayers: [Int] = [32, 16]
    public var activation: Activation = .relu
    public var learningRate: Double = 1e-3
    public var beta1: Double = 0.9
    public var beta2: Double = 0.999
    public var epsilon: Double = 1e-7
    public var batchSize: Int = 256
    public var maxEpochs: Int = 50
    /// Stop after this many epochs without a validation-loss improvement larger than `minDelta`;
    /// the best epoch's weights are returned.
    public var patience: Int = 5
    public var minDelta: Double = 0
    /// Fraction of the events held out (after a seeded shuffle) for validation.
    public var validationFraction: Double = 0.2
    /// Seeds weight initialisation, the train/validation split and every epoch's shuffle.
    public var seed: UInt64 = 42
    /// Fit per-feature mean / standard deviation on the training events and store it in the model.
    public var standardize: Bool = true
    /// Reweight classes so both carry the same total weight.
    public var balanceClasses: Bool = false
    /// Threads for the per-batch gradient (results do not depend on it).
    public var threadCount: Int = 2

    public init() {}
}

/// What the progress callback receives after every epoch.
public struct TrainingProgress: Sendable, Equatable {
    public var epoch: Int
    public var trainingLoss: Double
    public var validationLoss: Double
    public var validationAccuracy: Double
}

/// The trained network and how training went.
public struct TrainingResult: Sendable {
    /// The network with the best validation loss.
    public var network: FeedForwardNetwork
    public var history: [TrainingProgress]
    /// Epoch (1-based) whose weights were kept.
    public var bestEpoch: Int
    public var stoppedEarly: Bool
    /// On the validation events, with the kept weights.
    public var validationAUC: Double?
    public var validationAccuracy: Double
    public var validationLoss: Double
}
