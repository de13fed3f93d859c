import Foundation
import ROOTCompression
import ROOTWriter

/// Writes a `TemplateSet` as the two inputs of a statistical fit, into one directory:
///
/// | file           | content                                                                                  |
/// |----------------|------------------------------------------------------------------------------------------|
/// | templates.root | per region a directory REGION holding TH1D PROCESS (nominal), PROCESS_SYSTUp (perturbed),  |
/// |                | PROCESS_SYSTDown (mirrored), SIGNAL when given, data_obs when data are given (Combine's   |
/// |                | `shapes * * templates.root $CHANNEL/$PROCESS $CHANNEL/$PROCESS_$SYSTEMATIC` convention)  |
/// | workspace.json | the pyhf workspace (`PyhfWorkspace`)                                                      |
/// Both are written to temporary names and renamed at the end: on an error neither appears.
public enum TemplateFiles {
    public static let rootName = "templates.root"
    public static let workspaceName = "workspace.json"

    /// Writes both files into `directory` (created when missing); returns their paths (ROOT file, workspace).
    @discardableResult
    public static func write(_ t: TemplateSet, to directory: String, compression: CompressionSettings = CompressionSettings(algorithm: .zlib, level: 1),
                             timestamp: Int64? = nil) throws -> (root: String, workspace: String) {
        do { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) } catch {
            throw TemplateError.io(path: directory, reason: "cannot create the directory: \(error.localizedDescription)")
        }
        let base = URL(fileURLWithPath: directory)
        let rootPath = base.appendingPathComponent(rootName).path, jsonPath = base.appendingPathComponent(workspaceName).path
        let json = try PyhfWorkspace.json(t)
        let jsonTemporary = base.appendingPathComponent(".\(workspaceName).tmp-\(ProcessInfo.processInfo.processIdentifier)-json").path
        do { try json.write(to: URL(fileURLWithPath: jsonTemporary)) } catch {
            throw TemplateError.io(path: jsonTemporary, reason: "cannot write: \(error.localizedDescription)")
        }
        do {
            try writeROOT(t, to: rootPath, compression: compression, timestamp: timestamp)
        } catch {
            try? FileManager.default.removeItem(atPath: jsonTemporary)
            throw error
        }
        guard rename(jsonTemporary, jsonPath) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(atPath: jsonTemporary)
            try? FileManager.default.removeItem(atPath: rootPath)
            throw TemplateError.io(path: jsonPath, reason: "rename failed: \(reason)")
        }
        return (rootPath, jsonPath)
    }

    /// The ROOT file alone.
    public static func writeROOT(_ t: TemplateSet, to path: String, compression: CompressionSettings = CompressionSettings(algorithm: .zlib, level: 1),
                                 timestamp: Int64? = nil) throws {
        var options = ROOTWriterOptions()
        options.compression = compression
        options.timestamp = timestamp
        let file = try ROOTFileWriter(path: path, options: options)
        do {
            for r in t.regions {
                try file.makeDirectory(r.name)
                var entries: [(String, String, TemplateHistogram)] = [
                    (t.process, "nominal", r.nominal),
                    (t.variationName(up: true), "\(t.systematic) up: the perturbed sample", r.up),
                    (t.variationName(up: false), "\(t.systematic) down: the perturbed sample mirrored about nominal", r.down),
                ]
                if let s = r.signal, let name = t.signalProcess { entries.append((name, "signal", s)) }
                if let d = r.data { entries.append(("data_obs", "data", d)) }
                for (name, what, h) in entries {
                    let th1 = try TH1D(name: name, title: "\(name) in \(r.name) (\(what))", xTitle: t.observable, edges: h.edges,
                                       sumw: h.sumw, sumw2: h.sumw2, entries: h.entries, tsumw: h.tsumw, tsumw2: h.tsumw2,
                                       tsumwx: h.tsumwx, tsumwx2: h.tsumwx2)
                    try file.write(th1, in: r.name)
                }
            }
            try file.close()
        } catch {
            file.abandon()
            throw error
        }
    }
}
