/// A dense row-major matrix of Doubles: events × features. What models and the attack consume.
public struct FeatureMatrix: Sendable, Equatable {
    public let rows: Int
    public let columns: Int
    /// Row-major storage, `rows * columns` values.
    public var values: [Double]
    /// Optional feature names, one per column.
    public var names: [String]

    public init(rows: Int, columns: Int, names: [String] = [], repeating value: Double = 0) {
        self.rows = rows
        self.columns = columns
        self.values = Array(repeating: value, count: rows * columns)
        self.names = names
    }

    public init(rows: Int, columns: Int, values: [Double], names: [String] = []) {
        precondition(values.count == rows * columns, "values.count \(values.count) != \(rows)x\(columns)")
        self.rows = rows
        self.columns = columns
        self.values = values
        self.names = names
    }

    @inlinable
    public subscript(row: Int, column: Int) -> Double {
        get { values[row * columns + column] }
        set { values[row * columns + column] = newValue }
    }

    /// Row `i` as an array.
    public func row(_ i: Int) -> [Double] { Array(values[i * columns ..< (i + 1) * columns]) }

    /// Column `j` as an array.
    public func column(_ j: Int) -> [Double] { (0..<rows).map { values[$0 * columns + j] } }

    /// The rows at `indices`, in that order.
    public func gatheredRows(_ indices: [Int]) -> FeatureMatrix {
        var out = [Double](); out.reserveCapacity(indices.count * columns)
        for i in indices { out.append(contentsOf: values[i * columns ..< (i + 1) * columns]) }
        return FeatureMatrix(rows: indices.count, columns: columns, values: out, names: names)
    }
}
