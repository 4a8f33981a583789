import Foundation
import Testing

/// Every command's `--help` ends with examples (issue 17): found by walking the SUBCOMMANDS
/// sections `amber --help` prints, so a new command without one fails here.
struct HelpExamplesTests {
    let amber = AmberRunner(repository: "/nonexistent", cacheDirectory: "/nonexistent")

    /// The subcommand names a help text lists.
    static func subcommands(of help: String) -> [String] {
        guard let start = help.range(of: "SUBCOMMANDS:\n") else { return [] }
        return help[start.upperBound...].split(separator: "\n", omittingEmptySubsequences: false)
            .prefix { !$0.isEmpty }
            .filter { $0.hasPrefix("  ") && !$0.hasPrefix("   ") }
            .compactMap { $0.split(separator: " ").first.map(String.init) }
            .filter { $0 != "help" }
    }

    @Test func everyCommandsHelpHasAnExample() {
        var pending = [[String]()], seen = 0
        while let path = pending.popLast() {
            let help = amber.run(path + ["--help"])
            #expect(help.code == 0, "\(path): \(help.stderr)")
            #expect(help.stdout.contains("Examples:"), "amber \(path.joined(separator: " ")) --help has no example")
            pending += Self.subcommands(of: help.stdout).map { path + [$0] }
            seen += 1
        }
        #expect(seen > 30)
    }
}
