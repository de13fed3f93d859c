import Columnar

extension Trainer {
    /// Trains on flat columns of an event table: `features` in order, a 0/1 `label` column and an
    /// optional per-event `weight` column. The feature names are stored in the trained model.
    public static func train(table: EventTable, features: [String], label: String, weight: String? = nil,
                             configuration: TrainingConfiguration = .init(),
                             progress: ((TrainingProgress) -> Bool)? = nil) throws -> TrainingResult {
        let x = try table.featureMatrix(features)
        let y = try table.doubles(label)
        let w = try weight.map { try table.doubles($0) }
        return try train(x: x, labels: y, weights: w, featureNames: features, configuration: configuration, progress: progress)
    }
}
