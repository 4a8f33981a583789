import AmberKit
import ArgumentParser

extension Amber {
    /// `amber version`: Amber's version and the C libraries it is linked with.
    struct Version: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the version of amber and of its libraries.",
            discussion: """
                Examples:
                  amber version
                  amber version --json
                """)

        @Flag(name: .long, help: "Print machine-readable JSON on standard output.")
        var json = false

        func run() throws {
            if json {
                Output.json(VersionSummary(version: AmberVersion.string,
                                           libraries: Dictionary(LibraryVersions.all.map { ($0.0, $0.1) }, uniquingKeysWith: { a, _ in a })))
                return
            }
            Output.line("amber \(AmberVersion.string)")
            for (name, version) in LibraryVersions.all { Output.line("  \(name) \(version)") }
        }
    }
}

/// `version --json`, as restic's (`message_type` "version").
struct VersionSummary: Encodable {
    var messageType = "version"
    let version: String
    /// The C libraries amber is linked with, by name.
    let libraries: [String: String]

    enum CodingKeys: String, CodingKey { case messageType = "message_type", version, libraries }
}
