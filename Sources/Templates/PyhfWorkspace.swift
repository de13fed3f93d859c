import Foundation

/// A HistFactory JSON workspace (the format pyhf reads, schema version 1.0.0) for a `TemplateSet`:
///
/// | key            | content                                                                                    |
/// |----------------|--------------------------------------------------------------------------------------------|
/// | channels       | one per region: samples [process (+ signal)], each `data` = Σw per bin                     |
/// | process sample | modifiers: histosys SYSTEMATIC {hi_data: up, lo_data: down}, staterror `staterror_REGION`  |
/// |                | (√Σw² per bin), and normfactor `mu` when no signal sample is given                         |
/// | signal sample  | modifiers: normfactor `mu` (the parameter of interest), staterror `staterror_REGION`        |
/// | observations   | per channel: data when given, else the Asimov data (expected yields at mu = 1)            |
/// | measurements   | one, named after the systematic: poi `mu`, no parameter overrides                           |
/// A fit has no under- or overflow: those bins are folded into the first and last bin, so the channel totals equal
/// the regions' yields.
public enum PyhfWorkspace {
    /// The parameter of interest.
    public static let poi = "mu"

    /// The workspace as pretty-printed JSON with sorted keys.
    public static func json(_ t: TemplateSet) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        do { return try encoder.encode(workspace(t)) } catch {
            throw TemplateError.io(path: "workspace.json", reason: "cannot encode: \(error)")
        }
    }

    static func workspace(_ t: TemplateSet) -> Workspace {
        var channels: [Channel] = [], observations: [Observation] = []
        for r in t.regions {
            let nominal = r.nominal.folded, up = r.up.folded, down = r.down.folded
            let stat = Modifier(name: "staterror_\(r.name)", type: "staterror", data: .values(nominal.sumw2.map { $0.squareRoot() }))
            var process = Sample(name: t.process, data: nominal.sumw, modifiers: [
                Modifier(name: t.systematic, type: "histosys", data: .histosys(hi: up.sumw, lo: down.sumw)), stat])
            var samples: [Sample] = []
            var expected = nominal.sumw
            if let s = r.signal, let name = t.signalProcess {
                let sig = s.folded
                samples.append(Sample(name: name, data: sig.sumw, modifiers: [
                    Modifier(name: poi, type: "normfactor", data: .none),
                    Modifier(name: "staterror_\(r.name)", type: "staterror", data: .values(sig.sumw2.map { $0.squareRoot() }))]))
                expected = zip(expected, sig.sumw).map(+)
            } else {
                process.modifiers.append(Modifier(name: poi, type: "normfactor", data: .none))
            }
            samples.insert(process, at: 0)
            channels.append(Channel(name: r.name, samples: samples))
            observations.append(Observation(name: r.name, data: r.data.map { $0.folded.sumw } ?? expected))
        }
        return Workspace(channels: channels, observations: observations,
                         measurements: [Measurement(name: t.systematic, config: .init(poi: poi, parameters: []))], version: "1.0.0")
    }

    struct Workspace: Encodable {
        var channels: [Channel]
        var observations: [Observation]
        var measurements: [Measurement]
        var version: String
    }
    struct Channel: Encodable { var name: String; var samples: [Sample] }
    struct Sample: Encodable { var name: String; var data: [Double]; var modifiers: [Modifier] }
    struct Observation: Encodable { var name: String; var data: [Double] }
    struct Measurement: Encodable {
        struct Config: Encodable { var poi: String; var parameters: [String] }
        var name: String
        var config: Config
    }

    /// A modifier; `data` is written as an explicit null for normfactors, as the schema requires.
    struct Modifier: Encodable {
        enum Payload { case none, values([Double]), histosys(hi: [Double], lo: [Double]) }
        var name: String
        var type: String
        var data: Payload
        enum Keys: String, CodingKey { case name, type, data, hiData = "hi_data", loData = "lo_data" }
        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: Keys.self)
            try c.encode(name, forKey: .name)
            try c.encode(type, forKey: .type)
            switch data {
            case .none: try c.encodeNil(forKey: .data)
            case .values(let v): try c.encode(v, forKey: .data)
            case let .histosys(hi, lo):
                var d = c.nestedContainer(keyedBy: Keys.self, forKey: .data)
                try d.encode(hi, forKey: .hiData)
                try d.encode(lo, forKey: .loData)
            }
        }
    }
}
