import ArgumentParser

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
            """,
        version: "amber 0.1.0",
        subcommands: [Init.self, Backup.self, Snapshots.self, Ls.self, Diff.self, Dump.self, Restore.self, Forget.self, Prune.self, Compact.self, Check.self, Sync.self, Key.self, Unlock.self, Version.self])

    /// Parses the command line with global options also accepted before the subcommand.
    static func main() {
        main(GlobalArguments.movedAfterSubcommand(Array(CommandLine.arguments.dropFirst())))
    }
}
