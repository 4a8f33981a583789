import AmberBackup
import AmberRepository
import Foundation

/// One `amber` command a run carries out, and the environment it adds to the run's.
public struct RunStep: Sendable, Equatable {
    public enum Kind: String, Sendable, Codable { case backup, forget, check, sync }

    public let kind: Kind
    /// The command's arguments after `amber`: never a secret (a password in a PostgreSQL URI
    /// is moved to ``environment``'s `PGPASSWORD`).
    public let arguments: [String]
    /// Variables this step alone gets.
    public let environment: [String: String]

    /// The command as a shell would take it.
    public var commandLine: String { (["amber"] + arguments).map(ShellQuoting.quoted).joined(separator: " ") }
}

/// What `amber run PROFILE` does, in order: a backup for each group of sources with the same
/// options (one snapshot each), `forget` (with `--prune`) under the profile's retention,
/// `check` when it is due, and a `sync` to each copy. Hooks and the monitor wrap these
/// (``ProfileRunner``).
public struct RunPlan: Sendable {
    public let profile: Profile
    public let steps: [RunStep]
    /// Why `check` is left out of this run (it ran less than `every` ago), or nil.
    public let checkNote: String?

    /// The plan for `profile`; `lastCheck` is when its last check succeeded, `hostName` the
    /// name backups record when the profile sets none.
    public init(profile: Profile, lastCheck: Date?, now: Date = Date(), hostName: String) throws(ProfileError) {
        self.profile = profile
        let common = profile.retryLock.map { ["--retry-lock", $0] } ?? []
        var steps: [RunStep] = []
        for group in Self.groups(profile.sources) {
            let (locations, environment) = Self.movingPasswords(group.map(\.location))
            var arguments = ["backup"] + locations + group[0].options
            arguments += profile.tags.flatMap { ["--tag", $0] }
            if let host = profile.host { arguments += ["--host", host] }
            steps.append(RunStep(kind: .backup, arguments: arguments + common, environment: environment))
        }
        if let forget = profile.forget {
            var arguments = ["forget"] + forget.options + (forget.prune ? ["--prune"] : [])
            arguments += ["--host", profile.host ?? hostName]
            if !profile.tags.isEmpty { arguments += ["--tag", profile.tags.joined(separator: ",")] }
            steps.append(RunStep(kind: .forget, arguments: arguments + common, environment: [:]))
        }
        var checkNote: String?
        if let check = profile.check {
            if let every = check.every, let lastCheck, now.timeIntervalSince(lastCheck) < every {
                checkNote = "check skipped: the last one passed at \(RFC3339.format(lastCheck)), less than its interval ago"
            } else {
                var arguments = ["check"]
                if let subset = check.readDataSubset { arguments += ["--read-data-subset", subset] }
                if check.readData { arguments.append("--read-data") }
                steps.append(RunStep(kind: .check, arguments: arguments + common, environment: [:]))
            }
        }
        for target in profile.sync {
            var arguments = ["sync", "--to", target.location]
            if target.delete { arguments.append("--delete") }
            if target.verify { arguments.append("--verify") }
            steps.append(RunStep(kind: .sync, arguments: arguments + common, environment: [:]))
        }
        self.steps = steps
        self.checkNote = checkNote
    }

    /// Sources with equal options, in the order their first member appears; a PostgreSQL
    /// source with a password of its own is alone in its group (its password goes to it only).
    static func groups(_ sources: [SourceEntry]) -> [[SourceEntry]] {
        var groups: [[SourceEntry]] = []
        for source in sources {
            let alone = movingPassword(source.location).password != nil
            if !alone, let index = groups.firstIndex(where: { $0[0].options == source.options && movingPassword($0[0].location).password == nil }) {
                groups[index].append(source)
            } else {
                groups.append([source])
            }
        }
        return groups
    }

    /// The locations with a PostgreSQL password taken out (there is at most one: see
    /// ``groups(_:)``), and `PGPASSWORD` holding it: a password on a command line is visible to
    /// every user of the machine.
    static func movingPasswords(_ locations: [String]) -> ([String], [String: String]) {
        let moved = locations.map(movingPassword)
        return (moved.map(\.location), moved.compactMap(\.password).first.map { ["PGPASSWORD": $0] } ?? [:])
    }

    /// A PostgreSQL URI without its password (`user:PASSWORD@` or a `password=` parameter), and
    /// the password, percent-decoded; any other location as it is.
    static func movingPassword(_ location: String) -> (location: String, password: String?) {
        guard case .postgres = Location(location) else { return (location, nil) }
        var text = location
        var password: String?
        if let query = text.firstIndex(of: "?") {
            var parameters = text[text.index(after: query)...].split(separator: "&", omittingEmptySubsequences: false).map(String.init)
            if let index = parameters.firstIndex(where: { $0.hasPrefix("password=") }) {
                let encoded = String(parameters.remove(at: index).dropFirst("password=".count))
                password = encoded.removingPercentEncoding ?? encoded
                text = String(text[..<query]) + (parameters.isEmpty ? "" : "?" + parameters.joined(separator: "&"))
            }
        }
        let redacted = SourceRedaction.redacted(text)
        if redacted != text, let scheme = text.range(of: "://"), let at = text[scheme.upperBound...].firstIndex(of: "@"),
           let colon = text[scheme.upperBound..<at].firstIndex(of: ":") {
            let encoded = String(text[text.index(after: colon)..<at])
            password = encoded.removingPercentEncoding ?? encoded
            text = redacted
        }
        return (text, password)
    }
}
