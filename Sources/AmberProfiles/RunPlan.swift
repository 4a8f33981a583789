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
            let (locations, environment) = try Self.movingPasswords(group.map(\.location))
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

    /// Sources with equal options, in the order their first member appears.
    static func groups(_ sources: [SourceEntry]) -> [[SourceEntry]] {
        var groups: [[SourceEntry]] = []
        for source in sources {
            if let index = groups.firstIndex(where: { $0[0].options == source.options }) {
                groups[index].append(source)
            } else {
                groups.append([source])
            }
        }
        return groups
    }

    /// The locations with any PostgreSQL password taken out, and `PGPASSWORD` holding it: a
    /// password on a command line is visible to every user of the machine.
    static func movingPasswords(_ locations: [String]) throws(ProfileError) -> ([String], [String: String]) {
        var passwords = Set<String>()
        let moved = locations.map { location in
            guard case .postgres = Location(location) else { return location }
            let redacted = SourceRedaction.redacted(location)
            guard redacted != location, let scheme = location.range(of: "://"),
                  let at = location[scheme.upperBound...].firstIndex(of: "@"),
                  let colon = location[scheme.upperBound..<at].firstIndex(of: ":") else { return location }
            let encoded = String(location[location.index(after: colon)..<at])
            passwords.insert(encoded.removingPercentEncoding ?? encoded)
            return redacted
        }
        guard passwords.count <= 1 else {
            throw ProfileError("PostgreSQL sources with the same options but different passwords: give them in ~/.pgpass instead")
        }
        return (moved, passwords.first.map { ["PGPASSWORD": $0] } ?? [:])
    }
}

/// Quoting for showing commands: what a POSIX shell would read back as the same word.
enum ShellQuoting {
    static func quoted(_ word: String) -> String {
        let plain = !word.isEmpty && word.unicodeScalars.allSatisfy {
            $0.isASCIILetter || ("0"..."9").contains($0) || "-_./:=@%+,".unicodeScalars.contains($0)
        }
        return plain ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
