import AmberRepository
import Foundation

/// Installs, removes and describes the timers of profiles (``ScheduleUnits``) through
/// `systemctl` and `systemd-analyze`.
public struct Scheduler: Sendable {
    public let scope: ScheduleUnits.Scope
    public let environment: [String: String]

    public init(scope: ScheduleUnits.Scope, environment: [String: String]) {
        self.scope = scope
        self.environment = environment
    }

    /// Where this scope's units live.
    public var directory: String { ScheduleUnits.directory(scope, environment: environment) }

    /// Checks `calendar` with `systemd-analyze calendar` (when it is installed) and returns its
    /// next elapse as systemd prints it.
    public func nextElapse(of calendar: String) throws(ProfileError) -> String? {
        guard let analyze = Self.tool("systemd-analyze") else { return nil }
        let result = SystemTool.run(analyze, ["calendar", "--iterations=1", calendar])
        guard result.code == 0 else {
            throw ProfileError("\"\(calendar)\" is not a systemd calendar expression (systemd-analyze: \(result.errorLine))")
        }
        return result.output.split(separator: "\n").first { $0.contains("Next elapse:") }
            .map { String($0.split(separator: ":", maxSplits: 1)[1]).trimmingCharacters(in: .whitespaces) }
    }

    /// Checks a `RandomizedDelaySec=` value with `systemd-analyze timespan` (when installed).
    public func checkTimespan(_ text: String) throws(ProfileError) {
        guard let analyze = Self.tool("systemd-analyze") else { return }
        let result = SystemTool.run(analyze, ["timespan", text])
        guard result.code == 0 else { throw ProfileError("\"\(text)\" is not a systemd time span such as 30m or 1h (systemd-analyze: \(result.errorLine))") }
    }

    /// Writes the units and, when `enable`, reloads systemd and starts the timer.
    public func install(_ units: ScheduleUnits, enable: Bool) throws(ProfileError) {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try units.service.write(toFile: directory + "/" + units.serviceName, atomically: true, encoding: .utf8)
            try units.timer.write(toFile: directory + "/" + units.timerName, atomically: true, encoding: .utf8)
        } catch {
            throw ProfileError("cannot write the units in \(directory): \(error.localizedDescription)", category: .io)
        }
        guard enable else { return }
        try systemctl(["daemon-reload"])
        try systemctl(["enable", "--now", units.timerName])
    }

    /// Stops and disables the timer of `profile` and removes its units; false when there were none.
    public func remove(profile: String) throws(ProfileError) -> Bool {
        let names = ["amber-\(profile).timer", "amber-\(profile).service"]
        let present = names.filter { FileManager.default.fileExists(atPath: directory + "/" + $0) }
        guard !present.isEmpty else { return false }
        _ = try? systemctl(["disable", "--now", names[0]])
        for name in present {
            do {
                try FileManager.default.removeItem(atPath: directory + "/" + name)
            } catch {
                throw ProfileError("cannot remove \(directory)/\(name): \(error.localizedDescription)", category: .io)
            }
        }
        _ = try? systemctl(["daemon-reload"])
        return true
    }

    /// The installed calendar of `profile` (its timer's `OnCalendar=`), or nil.
    public func installedCalendar(profile: String) -> String? {
        guard let text = try? String(contentsOfFile: directory + "/amber-\(profile).timer", encoding: .utf8) else { return nil }
        return text.split(separator: "\n").first { $0.hasPrefix("OnCalendar=") }.map { String($0.dropFirst("OnCalendar=".count)) }
    }

    private func systemctl(_ arguments: [String]) throws(ProfileError) {
        guard let systemctl = Self.tool("systemctl") else {
            throw ProfileError("systemctl is not installed: the units are in \(directory); use --cron for a crontab line")
        }
        let result = SystemTool.run(systemctl, (scope == .user ? ["--user"] : []) + arguments)
        guard result.code == 0 else {
            throw ProfileError("systemctl \(arguments.joined(separator: " ")) failed (\(result.errorLine)); the units are in \(directory)")
        }
    }

    /// The path of a tool in /usr/bin or /bin.
    static func tool(_ name: String) -> String? {
        ["/usr/bin/", "/bin/"].map { $0 + name }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}
