import ArgumentParser

@main
struct Amber: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "amber", abstract: "Deduplicating, encrypted archive store.")
}
