import AmberKit
import ArgumentParser
import Foundation

extension Amber {
    /// `amber run [PROFILE]`: carries out a profile of the profile file (``ProfileRunner``).
    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run a profile: its backups, forget and prune, check and sync, with its hooks and monitor.",
            discussion: """
                The profile file is --config, else $AMBER_CONFIG, else ~/.config/amber/amber.yaml (see docs/cli.md, \
                "Profiles"). Steps run in order as child amber processes; the first that fails stops the run \
                (a backup that skipped files, exit 3, does not), the on-failure hooks and the monitor are told, \
                and amber run exits with the failing step's code (1 for a hook). The last run's record is kept \
                in ~/.local/state/amber/profiles (amber schedule status shows it).

                Examples:
                  amber run nightly --dry-run
                """)

        @Argument(help: "The profile to run (default: the file's only profile).")
        var profile: String?

        @Option(name: .long, help: "The profile file (default: $AMBER_CONFIG, else ~/.config/amber/amber.yaml).")
        var config: String?

        @Flag(name: [.customShort("n"), .customLong("dry-run")], help: "Print what the run would do and do nothing.")
        var dryRun = false

        @Flag(name: .long, help: "Print the plan (with --dry-run) or the run's record as JSON on standard output.")
        var json = false

        func run() throws {
            try Exit.run(installsInterruptHandler: false) {
                let environment = ProcessInfo.processInfo.environment
                let file = try ProfileFile.load(config ?? ProfileFile.defaultPath(environment: environment))
                for warning in file.warnings { Output.error("warning: \(warning)") }
                let profile = try file.profile(self.profile)
                let stateDirectory = RunRecord.directory(environment: environment)
                let lastCheck = RunRecord.load(profile: profile.name, directory: stateDirectory)?.lastCheck.flatMap(RFC3339.parse)
                let plan = try RunPlan(profile: profile, lastCheck: lastCheck, hostName: ProcessInfo.processInfo.hostName)
                if dryRun {
                    if json {
                        Output.json(plan.lines)
                    } else {
                        Output.line("profile \(profile.name) of \(file.path): repository \(profile.repository)")
                        for line in plan.lines { Output.line("  \(line.name): \(line.command)") }
                    }
                    return Exit.ok
                }
                let runner = ProfileRunner(plan: plan, executable: Self.executable, environment: environment,
                                           stateDirectory: stateDirectory, keepsStandardOutput: json,
                                           say: { Output.error("amber run: \($0)") })
                let signals = Self.forwardInterrupts(to: runner)
                let record = withExtendedLifetime(signals) { runner.run() }
                if json { Output.json(record) }
                return record.exitCode
            }
        }

        /// This process's own binary, which the steps run.
        static var executable: String {
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        }

        /// SIGINT and SIGTERM stop the run after the step running (which gets SIGTERM), so the
        /// on-failure hooks, the monitor and the record still happen; SIGPIPE is ignored (a
        /// monitor command that reads nothing). Children start with all three at their defaults.
        static func forwardInterrupts(to runner: ProfileRunner) -> [any DispatchSourceSignal] {
            signal(SIGPIPE, SIG_IGN)
            return [SIGINT, SIGTERM].map { number in
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
                source.setEventHandler { runner.interrupt() }
                source.resume()
                return source
            }
        }
    }
}
