import AmberKit
import ArgumentParser
import Foundation

extension Amber {
    /// `amber schedule install|status|remove`: timers that run profiles.
    struct Schedule: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run a profile on a schedule: systemd timer units (or a cron line).",
            discussion: """
                Examples:
                  amber schedule install nightly --every daily
                  amber schedule status
                """,
            subcommands: [Install.self, Status.self, Remove.self])

        /// Options the schedule subcommands share.
        struct ScopeOptions: ParsableArguments {
            @Flag(name: .long, help: "The system's systemd manager (/etc/systemd/system, as root), not the user's.")
            var system = false

            @Option(name: .long, help: "The profile file (default: $AMBER_CONFIG, else ~/.config/amber/amber.yaml).")
            var config: String?

            var environment: [String: String] { ProcessInfo.processInfo.environment }
            var scheduler: Scheduler { Scheduler(scope: system ? .system : .user, environment: environment) }

            /// The profile file's absolute path.
            var configPath: String {
                let path = config ?? ProfileFile.defaultPath(environment: environment)
                return path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
            }
        }
    }
}
