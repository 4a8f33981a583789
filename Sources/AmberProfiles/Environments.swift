import Foundation

/// The environments a run gives its children, built once per run.
///
/// - ``hooks``: the caller's, with the profile's `env` and `env-commands` values, `AMBER_PROFILE`
///   and `AMBER_REPOSITORY`; never a password.
/// - ``steps``: the same plus where the password comes from: `AMBER_PASSWORD_FILE`, or
///   `AMBER_PASSWORD` holding what `password-command` printed (run once, not once per step) or
///   the profile's `password`. Without a password key the caller's own variables stay.
struct Environments {
    let hooks: [String: String]
    let steps: [String: String]

    init(hooks: [String: String], steps: [String: String]) {
        self.hooks = hooks
        self.steps = steps
    }

    /// What the on-failure hooks and the monitor get when the environment could not be built:
    /// the caller's, without any password, with `AMBER_PROFILE` and `AMBER_REPOSITORY`.
    init(failedFor profile: Profile, caller: [String: String]) {
        var base = caller.merging(profile.environment) { $1 }
        base["AMBER_PASSWORD"] = nil
        base["AMBER_PROFILE"] = profile.name
        base["AMBER_REPOSITORY"] = profile.repository
        self.init(hooks: base, steps: base)
    }

    init(profile: Profile, caller: [String: String]) throws(ProfileError) {
        var base = caller.merging(profile.environment) { $1 }
        for (name, command) in profile.environmentCommands.sorted(by: { $0.key < $1.key }) {
            base[name] = try Self.firstLine(of: command, environment: base, what: "the env-commands entry \(name)")
        }
        base["AMBER_PROFILE"] = profile.name
        base["AMBER_REPOSITORY"] = profile.repository
        var steps = base
        if let password = profile.password {
            for name in ["AMBER_PASSWORD", "AMBER_PASSWORD_FILE", "AMBER_PASSWORD_COMMAND"] { steps[name] = nil }
            switch password {
            case let .file(path): steps["AMBER_PASSWORD_FILE"] = path
            case let .literal(text): steps["AMBER_PASSWORD"] = text
            case let .command(command):
                steps["AMBER_PASSWORD"] = try Self.firstLine(of: command, environment: base, what: "the password-command")
            }
        }
        base["AMBER_PASSWORD"] = nil
        self.init(hooks: base, steps: steps)
    }

    /// The first line a shell command prints; its failure names `what`, never its output.
    static func firstLine(of command: String, environment: [String: String], what: String) throws(ProfileError) -> String {
        let result = SystemTool.run("/bin/sh", ["-c", command], environment: environment)
        guard result.code == 0 else {
            let said = result.errors.split(separator: "\n").first.map { ": \($0)" } ?? ""
            throw ProfileError("\(what) failed with exit status \(result.code)\(said)")
        }
        var line = Substring(result.output)
        if let end = line.firstIndex(where: { $0 == "\n" || $0 == "\r\n" }) { line = line[..<end] }
        guard !line.isEmpty else { throw ProfileError("\(what) printed nothing") }
        return String(line)
    }
}
