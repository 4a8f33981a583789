import AmberKit
import ArgumentParser
import Foundation

extension Amber.Schedule {
    /// `amber schedule remove PROFILE`.
    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Stop and remove a profile's timer and service units.",
            discussion: """
                Examples:
                  amber schedule remove nightly
                  amber schedule remove nightly --system
                """)

        @Argument(help: "The profile whose schedule goes.")
        var profile: String

        @OptionGroup var scope: Amber.Schedule.ScopeOptions

        func run() throws {
            try Exit.run {
                guard try scope.scheduler.remove(profile: profile) else {
                    throw CLIError.usage("no schedule of profile \(profile) in \(scope.scheduler.directory)")
                }
                Output.line("removed the schedule of profile \(profile) from \(scope.scheduler.directory)")
                return Exit.ok
            }
        }
    }
}
