import ArgumentParser

struct ConservAttack: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conservattack",
        abstract: "Adversarial perturbations that pass the standard data/simulation checks, on ROOT ntuples.",
        subcommands: []
    )
}

ConservAttack.main()
