import ArgumentParser

/// `conservattack`: adversarial perturbations that pass the standard data/simulation checks, on ROOT ntuples.
struct ConservAttack: ParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "conservattack",
        abstract: "Find mis-modellings that every standard data/simulation check would pass, yet move your classifier.",
        discussion: """
        Reads ROOT ntuples natively (no ROOT, no Python). Start with:
          conservattack inspect events.root
          conservattack digest events.root > digest.json
        """,
        version: ConservAttack.version,
        subcommands: [InspectCommand.self, DigestCommand.self, SelectCommand.self, ExportCommand.self,
                      TrainCommand.self, PredictCommand.self, AttackCommand.self, ValidateCommand.self,
                      DetectCommand.self, RobustnessCommand.self, TemplatesCommand.self,
                      RunCommand.self, ShardCommand.self, DemoCommand.self]
    )
}

ConservAttack.main()
