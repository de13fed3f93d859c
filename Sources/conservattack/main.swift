import ArgumentParser

/// `conservattack`: adversarial perturbations that pass the standard data/simulation checks, on ROOT ntuples.
struct ConservAttack: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conservattack",
        abstract: "Find mis-modellings that every standard data/simulation check would pass, yet move your classifier.",
        discussion: """
        Reads ROOT ntuples natively (no ROOT, no Python). Start with:
          conservattack inspect events.root
          conservattack digest events.root > digest.json
        """,
        subcommands: [InspectCommand.self, DigestCommand.self, SelectCommand.self, ExportCommand.self]
    )
}

ConservAttack.main()
