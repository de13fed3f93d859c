import ArgumentParser
import Foundation

/// `conservattack run CONFIG.toml`: the main job.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Read → select → attack → validate → write the perturbed ntuple(s) and the report, from one TOML file.",
        discussion: """
        Example: conservattack run analysis.toml --set attack.iterations=3 --set output.report=out/report
        The configuration format is documented in docs/configuration.md; `conservattack demo` writes a complete one.
        """
    )

    @Argument(help: "Run configuration (TOML).") var config: String
    @Option(name: .customLong("set"), help: "Override a setting: section.key=value (repeatable).") var overrides: [String] = []
    @Flag(name: .long, help: "Replace existing outputs.") var force = false
    @Flag(name: .long, help: "Only the summary.") var quiet = false
    @Flag(name: .long, help: "Say what happens at each step.") var verbose = false

    func run() throws {
        try reportingErrors {
            let text: String
            do { text = try String(contentsOfFile: config, encoding: .utf8) } catch {
                throw ValidationError("cannot read \(config): \(error.localizedDescription)")
            }
            let cfg = try RunConfiguration.parse(text, origin: config, overrides: overrides,
                                                 baseDirectory: URL(fileURLWithPath: config).deletingLastPathComponent())
            let outcome = try RunPipeline(configuration: cfg, quiet: quiet, verbose: verbose, force: force).run()
            emit(RunPipeline.summary(outcome))
        }
    }
}
