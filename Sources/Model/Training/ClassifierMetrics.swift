import Foundation

/// Figures of merit of a binary classifier's scores against 0/1 labels, optionally weighted.
public enum ClassifierMetrics {
    /// Area under the ROC curve (probability that a random class-1 event scores above a random
    /// class-0 event; ties count one half). Nil when one class is absent.
    public static func auc(scores: [Double], labels: [Double], weights: [Double]? = nil) -> Double? {
        precondition(scores.count == labels.count)
        let order = scores.indices.sorted { scores[$0] < scores[$1] }
        var negBelow = 0.0, totalPos = 0.0, totalNeg = 0.0, area = 0.0
        var i = 0
        while i < order.count {
            var j = i, pos = 0.0, neg = 0.0
            while j < order.count && scores[order[j]] == scores[order[i]] {
                let w = weights?[order[j]] ?? 1
                if labels[order[j]] > 0.5 { pos += w } else { neg += w }
                j += 1
            }
            area += pos * (negBelow + 0.5 * neg)
            negBelow += neg
            totalPos += pos
            totalNeg += neg
            i = j
        }
        guard totalPos > 0, totalNeg > 0 else { return nil }
        return area / (totalPos * totalNeg)
    }

    /// Fraction (weighted) of events where (score > threshold) equals the label.
    public static func accuracy(scores: [Double], labels: [Double], weights: [Double]? = nil, threshold: Double = 0.5) -> Double {
        precondition(scores.count == labels.count)
        var good = 0.0, total = 0.0
        for i in scores.indices {
            let w = weights?[i] ?? 1
            if (scores[i] > threshold) == (labels[i] > 0.5) { good += w }
            total += w
        }
        return total > 0 ? good / total : 0
    }

    /// Weighted mean binary cross-entropy (probabilities clamped to [1e-7, 1 − 1e-7]).
    public static func binaryCrossEntropy(scores: [Double], labels: [Double], weights: [Double]? = nil) -> Double {
        var sum = 0.0, total = 0.0
        for i in scores.indices {
            let s = min(max(scores[i], 1e-7), 1 - 1e-7), y = labels[i], w = weights?[i] ?? 1
            sum -= w * (y * log(s) + (1 - y) * log(1 - s))
            total += w
        }
        return total > 0 ? sum / total : 0
    }
}
