import ArgumentParser
import Attack
import Foundation
import TOMLKit

/// The run configuration (`conservattack run CONFIG.toml`):
/// ```toml
/// [input]
/// simulation = "wjets.root:Events"   # ntuple to perturb (FILE[:TREE] or .arrow)
/// data = "data.root:Events"         # optional: data-vs-simulation checks
/// weight = "genWeight * puWeight"   # optional event weight expression
///
/// [model]
/// path = "model.onnx"               # ONNX or our JSON
/// features = ["lep_pt", "met"]      # optional when the model names its inputs
/// true_class = 0                    # the class of the simulated events
/// working_point = 0.5
///
/// [[regions]]                       # control regions (constraints) and one signal region
/// name = "CR_wjets"
/// cut = "nJet <= 3"
/// signal = false
///
/// [attack]                          # any attack parameter (see `conservattack attack --help`)
/// mode = "chi2"
/// iterations = 5
/// frozen = ["nJet"]
/// envelope = { met = "5%" }
///
/// [validation]
/// bins = 40
///
/// [output]
/// root = "out/perturbed.root"       # and/or arrow = "out/perturbed.arrow"
/// metrics = "out/metrics.json"
/// report = "out/report"
/// compression = "zlib:1"            # of the ROOT output
/// arrow_compression = "lz4"         # of the Arrow output: lz4 | zstd | zstd:N | none
/// tree = "Events"                   # name of the perturbed TTree/RNTuple (default: the simulation's)
/// templates = "out/templates"       # optional: fit templates (templates.root, workspace.json), see docs/templates.md
///
/// [templates]                       # optional settings of those templates
/// observable = "score"              # or a numeric expression of branches
/// bins = 20
/// range = "0:1"
/// process = "wjets"                 # the perturbed process's name in the fit
/// signal = "ttbar.root:Events"      # optional signal sample carrying the parameter of interest
/// signal_process = "ttbar"
/// ```
/// Unknown sections and keys are errors that name the closest known key. `--set section.key=value` overrides any
/// setting (value in TOML syntax; bare words are strings).
struct RunConfiguration {
    var simulation: String
    var data: String?
    var weight: String?
    var modelPath: String
    var features: [String]?
    var trueClass: Int
    var workingPoint = 0.5
    var regionsTOML: [(name: String, cut: String, signal: Bool)] = []
    var attack = AttackConfiguration()
    var frozen: [String] = []
    var envelopes: [String] = []
    /// Validation bins; nil = the attack's grid (the binning the constraints were defined on).
    var bins: Int? = nil
    var outputROOT: String?
    var outputArrow: String?
    /// Name of the perturbed TTree or RNTuple (default: the simulation's).
    var outputTree: String?
    var metrics: String
    var report: String
    var compression = "zlib:1"
    /// Output directory of the fit templates (nil: none written).
    var templates: String?
    var templateSettings = TemplateSettings()
    /// Compression of the Arrow output (lz4, zstd, zstd:N, none).
    var arrowCompression = "lz4"

    /// The `[templates]` section.
    struct TemplateSettings {
        var observable = "score"
        var bins = 20
        var range: (Double, Double)?
        var process = "background"
        var signal: String?
        var signalProcess = "signal"
    }

    static let schema: [String: Set<String>] = [
        "input": ["simulation", "data", "weight"],
        "model": ["path", "features", "true_class", "working_point"],
        "attack": ["mode", "bins", "iterations", "alpha", "beta", "min_change", "step", "candidates", "randomize_step",
                   "use_no_change", "max_step_jsd", "max_step_frob", "constraint_jsd", "constraint_rel_corr",
                   "chi2_threshold", "ks_threshold", "envelope_k", "search", "check_alpha", "check_jsd_threshold",
                   "check_jsd_floor", "check_correlation_threshold", "epsilon", "pgd_step", "optimize_fooled", "reference_quirks", "seed",
                   "threads", "frozen", "envelope"],
        "validation": ["bins"],
        "output": ["root", "arrow", "metrics", "report", "compression", "arrow_compression", "tree", "templates"],
        "templates": ["observable", "bins", "range", "process", "signal", "signal_process"],
    ]

    /// Parses `text` (from `origin`), applying `overrides` ("section.key=value") first.
    static func parse(_ text: String, origin: String, overrides: [String] = [], baseDirectory: URL? = nil) throws -> RunConfiguration {
        let table: TOMLTable
        do { table = try TOMLTable(string: text) } catch { throw ValidationError("\(origin): not valid TOML: \(error)") }
        for o in overrides { try apply(o, to: table) }
        for key in table.keys where schema[key] == nil && key != "regions" {
            throw ValidationError("\(origin): unknown section [\(key)]" + suggestion(key, Array(schema.keys) + ["regions"]))
        }
        for (section, keys) in schema {
            guard let t = table[section]?.table else { continue }
            for k in t.keys where !keys.contains(k) {
                throw ValidationError("\(origin): [\(section)] unknown key '\(k)'" + suggestion(k, Array(keys)))
            }
        }
        func string(_ s: String, _ k: String, required: Bool = false) throws -> String? {
            guard let v = table[s]?.table?[k] else {
                if required { throw ValidationError("\(origin): [\(s)] \(k) is required") }
                return nil
            }
            guard let str = v.string else { throw ValidationError("\(origin): [\(s)] \(k) must be a string") }
            return resolve(str, baseDirectory)
        }
        func number(_ s: String, _ k: String) throws -> Double? {
            guard let v = table[s]?.table?[k] else { return nil }
            if let d = v.double { return d }
            if let i = v.int { return Double(i) }
            throw ValidationError("\(origin): [\(s)] \(k) must be a number")
        }
        func strings(_ s: String, _ k: String) throws -> [String]? {
            guard let v = table[s]?.table?[k] else { return nil }
            guard let a = v.array else { throw ValidationError("\(origin): [\(s)] \(k) must be an array of strings") }
            return try a.map { guard let s = $0.string else { throw ValidationError("\(origin): [\(s)] \(k) must hold strings") }; return s }
        }
        guard let trueClass = try number("model", "true_class"), trueClass == 0 || trueClass == 1 else {
            throw ValidationError("\(origin): [model] true_class (0 or 1) is required")
        }
        var cfg = RunConfiguration(simulation: try string("input", "simulation", required: true)!,
                                   data: try string("input", "data"), weight: table["input"]?.table?["weight"]?.string,
                                   modelPath: try string("model", "path", required: true)!, features: try strings("model", "features"),
                                   trueClass: Int(trueClass), metrics: try string("output", "metrics") ?? "metrics.json",
                                   report: try string("output", "report") ?? "report")
        cfg.workingPoint = try number("model", "working_point") ?? 0.5
        cfg.outputROOT = try string("output", "root")
        cfg.outputArrow = try string("output", "arrow")
        cfg.outputTree = try string("output", "tree")
        cfg.compression = table["output"]?.table?["compression"]?.string ?? "zlib:1"
        cfg.arrowCompression = table["output"]?.table?["arrow_compression"]?.string ?? "lz4"
        if cfg.outputROOT == nil && cfg.outputArrow == nil {
            throw ValidationError("\(origin): [output] needs root and/or arrow")
        }
        cfg.bins = try number("validation", "bins").map { Int($0) }
        cfg.templates = try string("output", "templates")
        if table["templates"] != nil {
            guard table["templates"]?.table != nil else { throw ValidationError("\(origin): [templates] must be a table") }
            if let o = table["templates"]?.table?["observable"] {
                guard let s = o.string else { throw ValidationError("\(origin): [templates] observable must be a string") }
                cfg.templateSettings.observable = s
            }
            if let b = try number("templates", "bins") {
                guard b == b.rounded(), b >= 1, b <= 100_000 else { throw ValidationError("\(origin): [templates] bins must be an integer in 1...100000") }
                cfg.templateSettings.bins = Int(b)
            }
            if let r = table["templates"]?.table?["range"] {
                guard let s = r.string else { throw ValidationError("\(origin): [templates] range must be a string \"A:B\"") }
                do { cfg.templateSettings.range = try TemplatesJob.parseRange(s) } catch {
                    throw ValidationError("\(origin): [templates] range: \(error)")
                }
            }
            for (key, path) in [("process", \TemplateSettings.process), ("signal_process", \TemplateSettings.signalProcess)] {
                if let v = table["templates"]?.table?[key] {
                    guard let s = v.string else { throw ValidationError("\(origin): [templates] \(key) must be a string") }
                    cfg.templateSettings[keyPath: path] = s
                }
            }
            cfg.templateSettings.signal = try string("templates", "signal")
        }
        if let regions = table["regions"] {
            guard let arr = regions.array else { throw ValidationError("\(origin): regions must be [[regions]] tables") }
            for (i, item) in arr.enumerated() {
                guard let t = item.table, let name = t["name"]?.string, let cut = t["cut"]?.string else {
                    throw ValidationError("\(origin): regions[\(i)] needs name and cut strings")
                }
                for k in t.keys where !["name", "cut", "signal"].contains(k) {
                    throw ValidationError("\(origin): regions[\(i)] unknown key '\(k)'" + suggestion(k, ["name", "cut", "signal"]))
                }
                cfg.regionsTOML.append((name, cut, t["signal"]?.bool ?? false))
            }
        }
        if let a = table["attack"]?.table {
            cfg.frozen = try strings("attack", "frozen") ?? []
            if let env = a["envelope"] {
                guard let et = env.table else { throw ValidationError("\(origin): [attack] envelope must be a table { feature = \"2%\" }") }
                for k in et.keys {
                    guard let v = et[k] else { continue }
                    cfg.envelopes.append("\(k)=\(v.string ?? v.double.map { "\($0)" } ?? v.int.map { "\($0)" } ?? "")")
                }
            }
            let plain = TOMLTable()
            for k in a.keys where k != "frozen" && k != "envelope" { if let v = a[k] { plain[k] = v } }
            do {
                cfg.attack = try JSONDecoder().decode(AttackConfiguration.self, from: Data(plain.convert(to: .json).utf8))
            } catch {
                throw ValidationError("\(origin): [attack]: \(error)")
            }
        }
        return cfg
    }

    /// Applies `section.key=value` to the table.
    static func apply(_ override: String, to table: TOMLTable) throws {
        let parts = override.split(separator: "=", maxSplits: 1).map(String.init)
        let path = parts.first?.split(separator: ".").map(String.init) ?? []
        guard parts.count == 2, path.count == 2, let keys = schema[path[0]] else {
            throw ValidationError("--set '\(override)': expected section.key=value with a section among \(schema.keys.sorted().joined(separator: ", "))")
        }
        guard keys.contains(path[1]) else { throw ValidationError("--set: [\(path[0])] has no key '\(path[1])'" + suggestion(path[1], Array(keys))) }
        let value: TOMLValueConvertible
        if let parsed = try? TOMLTable(string: "v = \(parts[1])"), let v = parsed["v"] { value = v } else { value = parts[1] }
        if table[path[0]]?.table == nil { table[path[0]] = TOMLTable() }
        table[path[0]]!.table![path[1]] = value
    }

    static func suggestion(_ key: String, _ known: [String]) -> String {
        let best = known.map { ($0, levenshtein($0, key)) }.sorted { $0.1 < $1.1 }.first
        guard let b = best, b.1 <= 3 else { return " (known: \(known.sorted().joined(separator: ", ")))" }
        return " (did you mean '\(b.0)'?)"
    }

    static func resolve(_ path: String, _ base: URL?) -> String {
        guard let base, !path.hasPrefix("/") else { return path }
        return base.appendingPathComponent(path).path
    }
}

func levenshtein(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
    var prev = Array(0...b.count), cur = prev
    for i in 1...a.count {
        cur[0] = i
        for j in 1...b.count { cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)) }
        swap(&prev, &cur)
    }
    return prev[b.count]
}
