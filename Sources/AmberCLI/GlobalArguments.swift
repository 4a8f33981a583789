/// Global options given before the subcommand, as restic accepts them (`amber -r REPO init`,
/// `amber --json snapshots`).
///
/// Each subcommand declares ``GlobalOptions`` itself, so the parser only knows them after the
/// subcommand. ``movedAfterSubcommand(_:)`` moves the leading ones to the end of the command
/// line (before a `--`, after which everything is an argument), where every subcommand reads them.
enum GlobalArguments {
    /// Global options that take a value.
    static let withValue: Set<String> = ["-r", "--repo", "--password-file", "--password-command", "--retry-lock"]
    /// Global flags.
    static let flags: Set<String> = ["--json", "-q", "--quiet"]

    /// `arguments` (without the program name) with the global options that come before the first
    /// other argument moved to the end, or just before `--`. Anything else is left as it is, so the
    /// parser still reports a missing value or an unknown option.
    static func movedAfterSubcommand(_ arguments: [String]) -> [String] {
        var leading = [String]()
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            let name = argument.split(separator: "=", maxSplits: 1).first.map(String.init) ?? argument
            if flags.contains(argument) || (argument.hasPrefix("--") && argument.contains("=") && withValue.contains(name)) {
                leading.append(argument)
                index += 1
            } else if withValue.contains(argument), index + 1 < arguments.count {
                leading += [argument, arguments[index + 1]]
                index += 2
            } else {
                break
            }
        }
        guard !leading.isEmpty, index < arguments.count else { return arguments }
        var rest = Array(arguments[index...])
        let end = rest.firstIndex(of: "--") ?? rest.endIndex
        rest.insert(contentsOf: leading, at: end)
        return rest
    }
}
