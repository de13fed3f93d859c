import ArgumentParser
import ROOTIO

/// `conservattack inspect FILE`: directories, trees and branches, as rootls -t / uproot's show() give them.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "List a ROOT file's directories, trees, RNTuples, branches and fields with types and sizes.",
        discussion: "Example: conservattack inspect nanoAOD.root --branches 'Jet_*'"
    )

    @Argument(help: "ROOT file to inspect.") var file: String
    @Option(name: .long, help: "Only branches matching these glob patterns.") var branches: [String] = []
    @Flag(name: .long, help: "Also list the class layouts (TStreamerInfo) stored in the file.") var streamers = false

    func run() throws {
        try reportingErrors {
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
                let t = try f.tree(path)
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
            let interp = t.interpretation(of: b)
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
