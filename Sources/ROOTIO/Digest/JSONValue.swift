/// A minimal JSON value with deterministic output (sorted keys, shortest round-trip doubles).
public indirect enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int64)
    case uint(UInt64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    public static func == (a: JSONValue, b: JSONValue) -> Bool { a.serialized() == b.serialized() }

    /// JSON text; `indent` > 0 pretty-prints.
    public func serialized(indent: Int = 0) -> String {
        var out = ""
        write(&out, indent: indent, level: 0)
        return out
    }

    private func write(_ out: inout String, indent: Int, level: Int) {
        let nl = indent > 0 ? "\n" : ""
        let pad = { (l: Int) in String(repeating: " ", count: indent * l) }
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .uint(let u): out += String(u)
        case .double(let d):
            if d.isNaN { out += "\"nan\"" }
            else if d.isInfinite { out += d > 0 ? "\"inf\"" : "\"-inf\"" }
            else if d == d.rounded(), abs(d) < 1e15 { out += String(Int64(d)) + ".0" }
            else { out += "\(d)" }
        case .string(let s): out += JSONValue.quote(s)
        case .array(let a):
            if a.isEmpty { out += "[]"; return }
            out += "[" + nl
            for (i, v) in a.enumerated() {
                out += pad(level + 1)
                v.write(&out, indent: indent, level: level + 1)
                out += (i + 1 < a.count ? "," : "") + nl
            }
            out += pad(level) + "]"
        case .object(let o):
            if o.isEmpty { out += "{}"; return }
            out += "{" + nl
            let sorted = o.sorted { $0.0 < $1.0 }
            for (i, (k, v)) in sorted.enumerated() {
                out += pad(level + 1) + JSONValue.quote(k) + (indent > 0 ? ": " : ":")
                v.write(&out, indent: indent, level: level + 1)
                out += (i + 1 < sorted.count ? "," : "") + nl
            }
            out += pad(level) + "}"
        }
    }

    private static func quote(_ s: String) -> String {
        var r = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": r += "\\\""
            case "\\": r += "\\\\"
            case "\n": r += "\\n"
            case "\r": r += "\\r"
            case "\t": r += "\\t"
            default:
                if u.value < 0x20 { let h = String(u.value, radix: 16); r += "\\u" + String(repeating: "0", count: 4 - h.count) + h } else { r.unicodeScalars.append(u) }
            }
        }
        return r + "\""
    }
}
