import AmberRepository
import Foundation

/// What the last run of a profile did, kept in `PROFILE.json` under the state directory
/// (`$XDG_STATE_HOME/amber/profiles`, else `~/.local/state/amber/profiles`): `schedule status`
/// shows it, and the next run reads when `check` last passed.
public struct RunRecord: Codable, Sendable, Equatable {
    /// How a run ended.
    public enum Result: String, Codable, Sendable {
        /// Every step and hook succeeded.
        case success
        /// Every step ran, but a backup left something out (exit 3).
        case partial
        /// A step or hook failed; the run stopped there.
        case failure
        /// SIGINT or SIGTERM stopped it.
        case interrupted
    }

    /// One step or hook as it ended.
    public struct Step: Codable, Sendable, Equatable {
        public var name: String
        public var exitCode: Int32
        public var seconds: Double

        enum CodingKeys: String, CodingKey { case name, exitCode = "exit_code", seconds }
    }

    public var profile: String
    public var started: String
    public var finished: String
    public var result: Result
    public var exitCode: Int32
    /// The step or hook that failed (`backup`, `before hook 1`, …), if one did.
    public var failedStep: String?
    public var steps: [Step]
    /// When `check` last passed, carried from run to run.
    public var lastCheck: String?

    enum CodingKeys: String, CodingKey {
        case profile, started, finished, result, exitCode = "exit_code", failedStep = "failed_step", steps
        case lastCheck = "last_check"
    }

    /// The directory records live in.
    public static func directory(environment: [String: String]) -> String {
        BaseDirectories.stateHome(environment) + "/amber/profiles"
    }

    /// The last record of `profile` in `directory`, or nil when there is none (or it does not parse).
    public static func load(profile: String, directory: String) -> RunRecord? {
        guard let data = FileManager.default.contents(atPath: directory + "/\(profile).json") else { return nil }
        return try? JSONDecoder().decode(RunRecord.self, from: data)
    }

    /// Writes the record whole or not at all (a temporary file renamed over the old one).
    public func save(directory: String) throws(ProfileError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
            try (try encoder.encode(self)).write(to: URL(fileURLWithPath: directory + "/\(profile).json"), options: .atomic)
        } catch {
            throw ProfileError("cannot write the run record in \(directory): \(error.localizedDescription)", category: .io)
        }
    }
}
