import AmberKit
import ArgumentParser
import Foundation

extension Amber.Schedule {
    /// `amber schedule status [PROFILE]`.
    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show each profile's schedule, its next run and how its last run ended.",
            discussion: """
                Examples:
                  amber schedule status
                  amber schedule status nightly --json
                """)

        @Argument(help: "One profile (default: every profile of the file).")
        var profile: String?

        @Flag(name: .long, help: "Print JSON on standard output.")
        var json = false

        @OptionGroup var scope: Amber.Schedule.ScopeOptions

        /// The status of one profile.
        struct Entry: Encodable {
            let profile: String
            let schedule: String?
            let nextRun: String?
            let lastRun: RunRecord?

            enum CodingKeys: String, CodingKey { case profile, schedule, nextRun = "next_run", lastRun = "last_run" }
        }

        func run() throws {
            try Exit.run {
                let file = try ProfileFile.load(scope.configPath)
                let profiles = try profile.map { [try file.profile($0)] } ?? file.profiles
                let states = RunRecord.directory(environment: scope.environment)
                let entries = try profiles.map { profile in
                    let calendar = scope.scheduler.installedCalendar(profile: profile.name)
                    return Entry(profile: profile.name, schedule: calendar,
                                 nextRun: try calendar.flatMap { try scope.scheduler.nextElapse(of: $0) },
                                 lastRun: RunRecord.load(profile: profile.name, directory: states))
                }
                if json {
                    Output.json(entries)
                    return Exit.ok
                }
                for entry in entries {
                    Output.line("\(entry.profile): " + (entry.schedule.map { "runs \($0)" } ?? "not scheduled")
                                + (entry.nextRun.map { ", next \($0)" } ?? ""))
                    guard let last = entry.lastRun else {
                        Output.line("  last run: none recorded")
                        continue
                    }
                    Output.line("  last run: \(last.started) to \(last.finished): \(last.result.rawValue), exit code \(last.exitCode)"
                                + (last.failedStep.map { ", failed at \($0)" } ?? ""))
                    if let check = last.lastCheck { Output.line("  last check passed: \(check)") }
                }
                return Exit.ok
            }
        }
    }
}
