/// Levenshtein distance and "did you mean" suggestions for unknown names.
enum EditDistance {
    /// The number of single-character insertions, deletions and substitutions turning `a` into `b`.
    static func distance(_ a: String, _ b: String) -> Int {
        let x = Array(a.unicodeScalars), y = Array(b.unicodeScalars)
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var previous = Array(0...y.count)
        var current = [Int](repeating: 0, count: y.count + 1)
        for i in 1...x.count {
            current[0] = i
            for j in 1...y.count {
                let substitution = previous[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1)
                current[j] = min(substitution, previous[j] + 1, current[j - 1] + 1)
            }
            swap(&previous, &current)
        }
        return previous[y.count]
    }

    /// Up to `limit` candidates close to `name` (case-insensitive edit distance within about a third of the
    /// name's length, or a case-insensitive containment), closest first, ties in candidate order.
    static func suggestions(for name: String, among candidates: [String], limit: Int = 3) -> [String] {
        let lower = name.lowercased()
        let threshold = max(1, min(3, lower.count / 3))
        var scored: [(Int, Int, String)] = []
        for (order, candidate) in candidates.enumerated() {
            let c = candidate.lowercased()
            // Score 2·distance; a name merely containing (or contained in) the other ranks just after the threshold.
            let d = distance(lower, c)
            if d <= threshold {
                scored.append((2 * d, order, candidate))
            } else if lower.count >= 3 && (c.contains(lower) || lower.contains(c)) {
                scored.append((2 * threshold + 1, order, candidate))
            }
        }
        scored.sort { ($0.0, $0.1) < ($1.0, $1.1) }
        var seen = Set<String>(), out: [String] = []
        for (_, _, c) in scored where !seen.contains(c) {
            seen.insert(c); out.append(c)
            if out.count == limit { break }
        }
        return out
    }
}
