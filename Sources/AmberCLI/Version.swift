import AmberKit
import ArgumentParser

extension Amber {
    /// `amber version`: Amber's version and the C libraries it is linked with.
    struct Version: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the version of amber and of its libraries.")

        func run() throws {
            Output.line("amber \(AmberVersion.string)")
            for (name, version) in LibraryVersions.all { Output.line("  \(name) \(version)") }
        }
    }
}
