import ArgumentParser
import ArrowIPC
import Foundation
import ROOTIO

/// `conservattack inspect FILE`: directories, trees and branches, as rootls -t / uproot's show() give them;
/// for an Arrow IPC / Feather v2 file (told apart by its magic bytes, not its name), the schema, rows,
/// record batches, compression and schema metadata.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "List a ROOT file's directories, trees, RNTuples, branches and fields, or an Arrow/Feather file's columns, with types and sizes.",
        discussion: "Example: conservattack inspect nanoAOD.root --branches 'Jet_*'\n         conservattack inspect frame.feather"
    )

    @Argument(help: "ROOT or Arrow IPC (Feather v2) file to inspect.") var file: String
    @Option(name: .long, help: "Only branches matching these glob patterns.") var branches: [String] = []
    @Flag(name: .long, help: "Also list the class layouts (TStreamerInfo) stored in the file.") var streamers = false

    func run() throws {
        try reportingErrors {
            if try Self.startsWithArrowMagic(file) { return try inspectArrow() }
            let f = try ROOTFile(path: file)
            emit("\(file)  ROOT \(f.version / 10000).\(String(format2: (f.version / 100) % 100))/\(String(format2: f.version % 100))"
                 + "  \(f.source.size) bytes  compression \(f.compression)")
            try list(f.root, file: f, depth: 0)
            if streamers {
                for (name, info) in try f.readStreamerInfos().sorted(by: { $0.key < $1.key }) {
                    emit("class \(name) version \(info.classVersion)")
                    for e in info.elements {
                        emit("  \(e.typeName.padded(28)) \(e.name.padded(24)) type \(e.type)  \(e.title)")
                    }
                }
            }
        }
    }

    /// True when the file begins with "ARROW1" (Arrow IPC file format, Feather v2).
    static func startsWithArrowMagic(_ path: String) throws -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }   // the ROOT reader reports it
        defer { try? handle.close() }
        return handle.readData(ofLength: 6) == Data("ARROW1".utf8)
    }

    private func inspectArrow() throws {
        let s = try ArrowFileSummary(path: file)
        let codecs = Set(s.compression).sorted()
        emit("\(file)  Arrow IPC file (Feather v2)  \(s.fileSize) bytes  \(s.rows) rows  \(s.recordBatches) record batches"
             + "  compression \(codecs.isEmpty ? "none" : codecs.joined(separator: ", "))"
             + (s.dictionaryBatches > 0 ? "  \(s.dictionaryBatches) dictionary batches" : ""))
        let rows = s.fields.filter { f in branches.isEmpty || branches.contains { glob($0, f.name) } }
        let nameWidth = min(48, max(6, rows.map { $0.name.count }.max() ?? 6))
        let typeWidth = min(40, max(4, rows.map { $0.type.count }.max() ?? 4))
        emit("column".padded(nameWidth) + "  " + "type".padded(typeWidth) + "  nullable  readable")
        for f in rows {
            emit(f.name.padded(nameWidth) + "  " + f.type.padded(typeWidth) + "  " + (f.nullable ? "yes" : "no").padded(8)
                 + "  " + (f.unreadable.map { "no: \($0)" } ?? "yes"))
        }
        if !s.metadata.isEmpty {
            emit("schema metadata:")
            for key in s.metadata.keys.sorted() {
                let value = s.metadata[key]!.replacingOccurrences(of: "\n", with: " ")
                emit("  \(key) = \(value.count > 200 ? String(value.prefix(200)) + "… (\(value.count) characters)" : value)")
            }
        }
    }

    private func list(_ dir: Directory, file f: ROOTFile, depth: Int) throws {
        let pad = String(repeating: "  ", count: depth)
        for key in dir.latestKeys {
            let path = dir.path.isEmpty ? key.name : dir.path + "/" + key.name
            if Directory.directoryClasses.contains(key.className) {
                emit("\(pad)\(key.name)/  (\(key.className))")
                try list(try dir.subdirectory(key.name), file: f, depth: depth + 1)
            } else if RNTupleAnchor.classNames.contains(key.className) {
                printRNTuple(path, key: key, file: f, pad: pad)
            } else if TTree.classNames.contains(key.className) {
                let t: TTree
                do {
                    t = try f.tree(path)
                } catch let e as ROOTError where e.kind != .truncated && e.kind != .io {
                    // One tree that cannot be read does not hide the rest of the file.
                    emit("\(pad)\(key.className) \(key.name);\(key.cycle)  unsupported: \(e.message)")
                    warn("tree \(path): \(e)")
                    continue
                }
                emit("\(pad)\(key.className) \(key.name);\(key.cycle)  \(t.entryCount) entries  \"\(t.title)\"")
                printBranches(t, pad: pad + "  ")
            } else {
                emit("\(pad)\(key.className) \(key.name);\(key.cycle)  \"\(key.title)\"")
            }
        }
    }

    private func printBranches(_ t: TTree, pad: String) {
        let rows = t.allBranches.filter { b in
            branches.isEmpty || branches.contains { glob($0, b.path) || glob($0, b.name) }
        }
        let nameWidth = min(48, max(10, rows.map { $0.path.count }.max() ?? 10))
        let typeWidth = min(32, max(8, rows.map { t.typeName(of: $0).count }.max() ?? 8))
        emit(pad + "branch".padded(nameWidth) + "  " + "C++ type".padded(typeWidth) + "  " + "interpretation".padded(22)
             + "  " + "compressed".leftPadded(12) + "  " + "uncompressed".leftPadded(12) + "  baskets")
        for b in rows {
            var interp = t.interpretation(of: b)
            if interp.codec != nil {
                // Branches whose baskets a whole read cannot use (see TTree.readableEntries).
                do { _ = try t.readableEntries(of: b) } catch let e as ROOTError {
                    interp = .unsupported(e.message)
                    warn("tree \(t.path) branch \(b.path): \(e.message)")
                } catch {
                    interp = .unsupported("\(error)")
                }
            }
            if interp == .container {
                emit(pad + b.path.padded(nameWidth) + "  " + t.typeName(of: b).padded(typeWidth) + "  (group of \(b.branches.count))")
                continue
            }
            let baskets = b.basketSeek.prefix(Int(b.writeBasket)).filter { $0 > 0 }.count + b.embeddedBaskets.count
            emit(pad + b.path.padded(nameWidth) + "  " + t.typeName(of: b).padded(typeWidth) + "  " + interp.summary.padded(22)
                 + "  " + String(b.zipBytes).leftPadded(12) + "  " + String(b.totalBytes).leftPadded(12) + "  \(baskets)")
        }
    }
}

extension String {
    func padded(_ n: Int) -> String { count >= n ? self : self + String(repeating: " ", count: n - count) }
    func leftPadded(_ n: Int) -> String { count >= n ? self : String(repeating: " ", count: n - count) + self }
    init(format2 v: Int) { self = v < 10 ? "0\(v)" : "\(v)" }
}
