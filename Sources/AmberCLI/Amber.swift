import ArgumentParser
import Foundation

/// `amber`: the command-line shell over AmberKit. Each subcommand lives in its own file.
@main
struct Amber: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "amber",
        abstract: "A deduplicating, encrypted archive store for databases and files.",
        discussion: """
            The repository comes from -r/--repo or AMBER_REPOSITORY; the password from AMBER_PASSWORD, \
            AMBER_PASSWORD_FILE, AMBER_PASSWORD_COMMAND (or --password-file / --password-command), or a prompt.
            Exit codes: 0 ok, 1 error, 3 partial (some files skipped), 10 no repository, 11 locked, \
            12 wrong password, 130 interrupted.

            Examples:
              amber -r /srv/amber init
              amber backup ~/work ndjson:users.ndjson --tag daily
              amber restore latest --target /tmp/restore --verify
            """,
        version: "amber 0.1.0",
        subcommands: [Init.self, Backup.self, Snapshots.self, Ls.self, Diff.self, Dump.self, Restore.self, Forget.self, Prune.self, Compact.self, Check.self, Sync.self, Copy.self, Key.self, Unlock.self, Repair.self, Tag.self, Find.self, Stats.self, Forecast.self, Serve.self, Run.self, Schedule.self, Version.self])

    /// Parses the command line with global options also accepted before the subcommand. A
    /// command line that cannot be parsed exits 1 (restic's code for any failure), not
    /// ArgumentParser's 64, with JSON on standard error under `--json`.
    static func main() {
        let arguments = GlobalArguments.movedAfterSubcommand(Array(CommandLine.arguments.dropFirst()))
        Exit.jsonErrors = arguments.prefix { $0 != "--" }.contains("--json")
        let command: any ParsableCommand
        do {
            command = try parseAsRoot(arguments)
        } catch {
            let code = exitCode(for: error)
            guard code == .validationFailure else { exit(withError: error) }
            if Exit.jsonErrors {
                Exit.report(fullMessage(for: error), code: Exit.error)
            } else {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
            }
            exit(withError: ExitCode(Exit.error))
        }
        do {
            var runnable = command
            try runnable.run()
        } catch {
            exit(withError: error)
        }
    }
}
