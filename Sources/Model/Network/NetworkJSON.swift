import Foundation

// JSON model formats read here (full description: docs/model-format.md)
//
// | key               | type                         | meaning                                            |
// |-------------------|------------------------------|----------------------------------------------------|
// | format            | "conservattack-mlp-v1" or    | ours, or the reference implementation's export     |
// |                   | "neutral-mlp-v1"             | (donut_model.json: BatchNorm already folded)       |
// | input_dim         | int                          | number of input features F                          |
// | features          | [string] (optional)          | ordered feature (branch) names, F of them           |
// | standardization   | {mean:[F], scale:[F]} (opt.) | x′ = (x − mean) / scale, in Double, before layer 0  |
// | layers            | [layer]                      | applied in order, see below                         |
// | output            | "sigmoid" | "softmax" |      | how the last values become P(class 1); ours only:   |
// |                   | "probability"                | neutral-mlp-v1 always means "probability"           |
//
// layer kinds: {kind:"dense", weight:[[in][out]], bias:[out], activation?:name, alpha?:number}
//              {kind:"batchnorm", gamma, beta, mean|moving_mean, variance|moving_variance, epsilon}
//              {kind:"affine", scale:[n], shift:[n]}   {kind:"activation", activation:name, alpha?}
//              {kind:"softmax"}
// activation names: linear, relu, leaky_relu, elu, selu, sigmoid, tanh, softmax.

/// Reading and writing feed-forward networks as JSON.
public enum NetworkJSON {
    /// Format tag written by `encode`.
    public static let formatTag = "conservattack-mlp-v1"
    /// The reference implementation's format tag (its donut_model.json).
    public static let referenceFormatTag = "neutral-mlp-v1"

    /// Parses a JSON model document (ours or the reference's neutral-mlp-v1).
    public static func decode(_ data: Data) throws -> FeedForwardNetwork {
        let any: Any
        do { any = try JSONSerialization.jsonObject(with: data) } catch {
            throw ModelError.invalidJSON(field: "$", reason: "not valid JSON: \(error.localizedDescription)")
        }
        guard let root = any as? [String: Any] else { throw ModelError.invalidJSON(field: "$", reason: "not an object") }
        let format = try string(root["format"], "format")
        guard format == formatTag || format == referenceFormatTag else {
            throw ModelError.invalidJSON(field: "format", reason: "unknown format '\(format)' (expected \(formatTag) or \(referenceFormatTag))")
        }
        let inputDim = try int(root["input_dim"], "input_dim")
        var features: [String]? = nil
        if let f = root["features"] {
            guard let names = f as? [String] else { throw ModelError.invalidJSON(field: "features", reason: "not a list of strings") }
            features = names
        }
        var standardization: Standardization? = nil
        if let s = root["standardization"] {
            guard let obj = s as? [String: Any] else { throw ModelError.invalidJSON(field: "standardization", reason: "not an object") }
            standardization = Standardization(mean: try doubles(obj["mean"], "standardization.mean"),
                                              scale: try doubles(obj["scale"], "standardization.scale"))
        }
        guard let layerList = root["layers"] as? [Any] else { throw ModelError.invalidJSON(field: "layers", reason: "missing or not a list") }
        var layers: [NetworkLayer] = []
        var width = inputDim
        for (i, item) in layerList.enumerated() {
            let path = "layers[\(i)]"
            guard let obj = item as? [String: Any] else { throw ModelError.invalidJSON(field: path, reason: "not an object") }
            for l in try decodeLayer(obj, path: path, inputWidth: width) {
                guard let w = l.outputWidth(forInput: width) else {
                    throw ModelError.shapeMismatch(layer: path, expected: l.requiredInputWidth ?? width, got: width)
                }
                width = w
                layers.append(l)
            }
        }
        var output = OutputKind.probability
        if format == formatTag, let o = root["output"] {
            let name = try string(o, "output")
            guard let kind = OutputKind(rawValue: name) else {
                throw ModelError.invalidJSON(field: "output", reason: "'\(name)' is not sigmoid, softmax or probability")
            }
            output = kind
        }
        return try FeedForwardNetwork(inputCount: inputDim, layers: layers, output: output,
                                      featureNames: features, standardization: standardization)
    }

    private static func decodeLayer(_ obj: [String: Any], path: String, inputWidth: Int) throws -> [NetworkLayer] {
        let kind = try string(obj["kind"], path + ".kind")
        switch kind {
        case "dense":
            guard let rows = obj["weight"] as? [Any] else { throw ModelError.invalidJSON(field: path + ".weight", reason: "missing or not a list") }
            var w = [Float](), out = -1
            for (i, r) in rows.enumerated() {
                let row = try doubles(r, path + ".weight[\(i)]")
                if out < 0 { out = row.count }
                guard row.count == out else { throw ModelError.invalidJSON(field: path + ".weight[\(i)]", reason: "has \(row.count) entries, row 0 has \(out)") }
                w.append(contentsOf: row.map(Float.init))
            }
            guard rows.count == inputWidth else {
                throw ModelError.shapeMismatch(layer: path + ".weight", expected: inputWidth, got: rows.count)
            }
            let b = try doubles(obj["bias"], path + ".bias").map(Float.init)
            var result: [NetworkLayer] = [.dense(try DenseLayer(inputCount: rows.count, outputCount: out, weight: w, bias: b))]
            if let a = obj["activation"] { result += try activationLayer(a, alpha: obj["alpha"], path: path) }
            return result
        case "batchnorm":
            let mean = try doubles(obj["mean"] ?? obj["moving_mean"], path + ".mean")
            let variance = try doubles(obj["variance"] ?? obj["moving_variance"], path + ".variance")
            let n = mean.count
            let gamma = obj["gamma"] == nil ? [Double](repeating: 1, count: n) : try doubles(obj["gamma"], path + ".gamma")
            let beta = obj["beta"] == nil ? [Double](repeating: 0, count: n) : try doubles(obj["beta"], path + ".beta")
            let eps = obj["epsilon"] == nil ? 1e-3 : try double(obj["epsilon"], path + ".epsilon")
            return [.affine(try AffineLayer(batchNormGamma: gamma, beta: beta, mean: mean, variance: variance, epsilon: eps))]
        case "affine":
            return [.affine(try AffineLayer(scale: try doubles(obj["scale"], path + ".scale").map(Float.init),
                                            shift: try doubles(obj["shift"], path + ".shift").map(Float.init)))]
        case "activation":
            return try activationLayer(obj["activation"] ?? "", alpha: obj["alpha"], path: path)
        case "softmax":
            return [.softmax]
        default:
            throw ModelError.invalidJSON(field: path + ".kind", reason: "unknown layer kind '\(kind)'")
        }
    }

    private static func activationLayer(_ value: Any, alpha: Any?, path: String) throws -> [NetworkLayer] {
        let name = try string(value, path + ".activation")
        if name == "softmax" { return [.softmax] }
        let a = alpha == nil ? nil : Float(try double(alpha, path + ".alpha"))
        guard let act = Activation(name: name, alpha: a) else {
            throw ModelError.invalidJSON(field: path + ".activation", reason: "unknown activation '\(name)'")
        }
        return act == .identity ? [] : [.activation(act)]
    }

    // MARK: Encoding

    /// Writes `network` in our format (conservattack-mlp-v1). Floats are written in their shortest
    /// round-tripping form, so decode(encode(n)) == n.
    public static func encode(_ network: FeedForwardNetwork) -> Data {
        var s = "{\n \"format\": \"\(formatTag)\",\n \"input_dim\": \(network.inputCount),\n"
        if let f = network.featureNames { s += " \"features\": [" + f.map(quoted).joined(separator: ", ") + "],\n" }
        if let st = network.standardization {
            s += " \"standardization\": {\"mean\": \(list(st.mean)), \"scale\": \(list(st.scale))},\n"
        }
        s += " \"output\": \"\(network.output.rawValue)\",\n \"layers\": [\n"
        var items: [String] = []
        var k = 0
        let ls = network.layers
        while k < ls.count {
            switch ls[k] {
            case .dense(let d):
                var rows: [String] = []
                for i in 0..<d.inputCount { rows.append(list(Array(d.weight[(i * d.outputCount)..<((i + 1) * d.outputCount)]))) }
                var item = "  {\"kind\": \"dense\", \"weight\": [" + rows.joined(separator: ", ") + "], \"bias\": \(list(d.bias))"
                if k + 1 < ls.count, case .activation(let a) = ls[k + 1] {
                    item += ", \"activation\": \"\(a.name)\""
                    if let al = a.alpha { item += ", \"alpha\": \(al)" }
                    k += 1
                } else {
                    item += ", \"activation\": \"linear\""
                }
                items.append(item + "}")
            case .affine(let a):
                items.append("  {\"kind\": \"affine\", \"scale\": \(list(a.scale)), \"shift\": \(list(a.shift))}")
            case .activation(let a):
                items.append("  {\"kind\": \"activation\", \"activation\": \"\(a.name)\"" + (a.alpha.map { ", \"alpha\": \($0)" } ?? "") + "}")
            case .softmax:
                items.append("  {\"kind\": \"softmax\"}")
            }
            k += 1
        }
        s += items.joined(separator: ",\n") + "\n ]\n}\n"
        return Data(s.utf8)
    }

    private static func list(_ v: [Float]) -> String { "[" + v.map { "\($0)" }.joined(separator: ", ") + "]" }
    private static func list(_ v: [Double]) -> String { "[" + v.map { "\($0)" }.joined(separator: ", ") + "]" }
    private static func quoted(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where u.value < 0x20: out += String(format: "\\u%04x", u.value)
            default: out.unicodeScalars.append(u)
            }
        }
        return out + "\""
    }

    // MARK: Typed access with field paths

    private static func string(_ v: Any?, _ field: String) throws -> String {
        guard let s = v as? String else { throw ModelError.invalidJSON(field: field, reason: v == nil ? "missing" : "not a string") }
        return s
    }

    private static func double(_ v: Any?, _ field: String) throws -> Double {
        guard let n = v as? NSNumber else { throw ModelError.invalidJSON(field: field, reason: v == nil ? "missing" : "not a number") }
        let d = n.doubleValue
        guard d.isFinite else { throw ModelError.invalidJSON(field: field, reason: "not finite") }
        return d
    }

    private static func int(_ v: Any?, _ field: String) throws -> Int {
        let d = try double(v, field)
        guard d == d.rounded(), d >= 1, d < 1e9 else { throw ModelError.invalidJSON(field: field, reason: "not a positive integer") }
        return Int(d)
    }

    private static func doubles(_ v: Any?, _ field: String) throws -> [Double] {
        guard let a = v as? [Any] else { throw ModelError.invalidJSON(field: field, reason: v == nil ? "missing" : "not a list of numbers") }
        return try a.enumerated().map { try double($0.element, "\(field)[\($0.offset)]") }
    }
}
