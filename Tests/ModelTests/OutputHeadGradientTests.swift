import Columnar
import Foundation
import XCTest
@testable import Model

/// Input gradients of the three output heads against central differences of an independent
/// Double evaluation written out here (tanh networks: smooth, no kinks).
final class OutputHeadGradientTests: XCTestCase {
    let w1: [[Double]] = [[0.5, -0.3, 0.8, 0.1], [-0.7, 0.2, 0.4, -0.6], [0.3, 0.9, -0.5, 0.2]]
    let b1: [Double] = [0.1, -0.2, 0.05, 0.3]
    let w2: [[Double]] = [[0.6, -0.4, 0.2], [-0.3, 0.7, 0.5], [0.8, 0.1, -0.6], [-0.2, -0.5, 0.9]]
    let b2: [Double] = [0.2, -0.1, 0.0]

    func hidden(_ x: [Double]) -> [Double] {
        (0..<4).map { j in tanh(b1[j] + (0..<3).reduce(0.0) { $0 + x[$1] * w1[$1][j] }) }
    }

    func logits(_ x: [Double], _ w: [[Double]], _ b: [Double]) -> [Double] {
        let h = hidden(x)
        return (0..<b.count).map { k in b[k] + (0..<4).reduce(0.0) { $0 + h[$1] * w[$1][k] } }
    }

    func layer(_ w: [[Double]], _ b: [Double]) throws -> DenseLayer {
        try DenseLayer(inputCount: w.count, outputCount: b.count, weight: w.flatMap { $0.map(Float.init) }, bias: b.map(Float.init))
    }

    func check(_ net: FeedForwardNetwork, score: ([Double]) -> Double, file: StaticString = #filePath, line: UInt = #line) {
        var rng = SeededGenerator(seed: 17)
        let n = 50
        let x = FeatureMatrix(rows: n, columns: 3, values: (0..<(3 * n)).map { _ in rng.unit() * 4 - 2 })
        let y = (0..<n).map { Double($0 % 2) }
        let s = net.scores(x), g = net.lossGradient(x, labels: y)
        let h = 1e-6
        var worstS = 0.0, worstG = 0.0
        for i in 0..<n {
            worstS = max(worstS, abs(s[i] - score(x.row(i))))
            for j in 0..<3 {
                var xp = x.row(i), xm = x.row(i)
                xp[j] += h; xm[j] -= h
                let loss = { (p: Double) in -(y[i] * log(p) + (1 - y[i]) * log(1 - p)) }
                let fd = (loss(score(xp)) - loss(score(xm))) / (2 * h)
                worstG = max(worstG, abs(g[i, j] - fd) / max(abs(fd), 1e-2))
            }
        }
        XCTAssertLessThan(worstS, 1e-5, "scores vs Double reference", file: file, line: line)
        XCTAssertLessThan(worstG, 1e-4, "gradient vs central differences", file: file, line: line)
    }

    func testThreeClassSoftmaxHead() throws {
        let net = try FeedForwardNetwork(inputCount: 3, layers: [.dense(layer(w1, b1)), .activation(.tanh), .dense(layer(w2, b2)), .softmax])
        XCTAssertEqual(net.output, .softmax)
        check(net) { x in
            let z = self.logits(x, self.w2, self.b2)
            let e = z.map { exp($0) }
            return e[2] / e.reduce(0, +)
        }
    }

    func testSigmoidHeadWithStandardisation() throws {
        let w = w2.map { [$0[0]] }, b = [b2[0]]
        let st = Standardization(mean: [0.5, -1, 2], scale: [2, 0.5, 3])
        let net = try FeedForwardNetwork(inputCount: 3, layers: [.dense(layer(w1, b1)), .activation(.tanh), .dense(layer(w, b))],
                                         output: .sigmoid, standardization: st)
        check(net) { x in
            let xs = (0..<3).map { (x[$0] - st.mean[$0]) / st.scale[$0] }
            return 1 / (1 + exp(-self.logits(xs, w, b)[0]))
        }
    }

    func testProbabilityHead() throws {
        // sigmoid followed by an affine map: the output is a probability in [0.25, 0.75], not a logit.
        let w = w2.map { [$0[1]] }, b = [b2[1]]
        let net = try FeedForwardNetwork(inputCount: 3, layers: [.dense(layer(w1, b1)), .activation(.tanh), .dense(layer(w, b)),
                                                                 .activation(.sigmoid), .affine(AffineLayer(scale: [0.5], shift: [0.25]))])
        XCTAssertEqual(net.output, .probability)
        check(net) { x in 0.5 / (1 + exp(-self.logits(x, w, b)[0])) + 0.25 }
    }
}
