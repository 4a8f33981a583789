import AmberKit
import ArgumentParser
import Foundation

extension Amber.Schedule {
    /// `amber schedule install PROFILE --every WHEN`.
    struct Install: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write and start a systemd timer that runs a profile.",
            discussion: """
                Writes amber-PROFILE.service and amber-PROFILE.timer (the user's ~/.config/systemd/user, or \
                /etc/systemd/system with --system), reloads systemd and enables the timer. Persistent=true: a run \
                missed while the machine was off happens at the next start.

                Examples:
                  amber schedule install nightly --every daily
                  amber schedule install nightly --every '*-*-* 02:30:00' --dry-run
                  amber schedule install nightly --every daily --cron     # a crontab line instead
                """)

        @Argument(help: "The profile to run.")
        var profile: String

        @Option(name: .long, help: "When: hourly, daily, weekly, monthly or a systemd calendar expression (with --cron: a five-field cron expression).")
        var every: String

        @Option(name: .customLong("randomized-delay"), help: "Start up to this long after the time (RandomizedDelaySec, e.g. 30m).")
        var randomizedDelay: String?

        @Flag(name: .long, help: "Print the units and write nothing.")
        var dryRun = false

        @Flag(name: .long, help: "Print a crontab line instead (systems without systemd).")
        var cron = false

        @Flag(name: .customLong("no-enable"), help: "Write the units but do not reload systemd or enable the timer.")
        var noEnable = false

        @OptionGroup var scope: Amber.Schedule.ScopeOptions

        func run() throws {
            try Exit.run {
                _ = try ProfileFile.load(scope.configPath).profile(profile)
                let units = ScheduleUnits(profile: profile, calendar: every, executable: Amber.Run.executable,
                                          configPath: scope.configPath, scope: scope.system ? .system : .user,
                                          randomizedDelay: randomizedDelay)
                if cron {
                    guard let line = units.cronLine else {
                        throw CLIError.usage("--every \"\(every)\": with --cron give hourly, daily, weekly, monthly, yearly or a five-field cron expression")
                    }
                    Output.line(line)
                    return Exit.ok
                }
                let next = try scope.scheduler.nextElapse(of: every)
                if let randomizedDelay { try scope.scheduler.checkTimespan(randomizedDelay) }
                let directory = scope.scheduler.directory
                if dryRun {
                    Output.line("# \(directory)/\(units.serviceName)\n\(units.service)\n# \(directory)/\(units.timerName)\n\(units.timer)")
                    return Exit.ok
                }
                try scope.scheduler.install(units, enable: !noEnable)
                Output.line("installed \(directory)/\(units.timerName)" + (noEnable ? " (not enabled)" : "") + (next.map { "; next run \($0)" } ?? ""))
                return Exit.ok
            }
        }
    }
}
