import Foundation

/// The systemd units (a oneshot service and its timer) or the cron line that run
/// `amber run PROFILE` on a schedule: what `amber schedule install` writes.
public struct ScheduleUnits: Sendable, Equatable {
    /// Whose systemd manager runs the timer.
    public enum Scope: String, Sendable, Codable {
        /// The user's manager (`systemctl --user`): units in `~/.config/systemd/user`.
        case user
        /// The system's (as root): units in `/etc/systemd/system`.
        case system
    }

    public let profile: String
    /// The `OnCalendar=` value: `daily`, `hourly`, `weekly`, `monthly` or any systemd calendar
    /// expression (`*-*-* 02:30:00`, `Mon..Fri 22:00`).
    public let calendar: String
    /// The absolute path of the `amber` binary the service runs.
    public let executable: String
    /// The absolute path of the profile file.
    public let configPath: String
    public let scope: Scope
    /// `RandomizedDelaySec=`, or nil.
    public let randomizedDelay: String?

    public init(profile: String, calendar: String, executable: String, configPath: String, scope: Scope,
                randomizedDelay: String? = nil) {
        self.profile = profile
        self.calendar = calendar
        self.executable = executable
        self.configPath = configPath
        self.scope = scope
        self.randomizedDelay = randomizedDelay
    }

    public var serviceName: String { "amber-\(profile).service" }
    public var timerName: String { "amber-\(profile).timer" }

    /// The directory the units go in for `scope`.
    public static func directory(_ scope: Scope, environment: [String: String]) -> String {
        switch scope {
        case .system: return "/etc/systemd/system"
        case .user:
            return BaseDirectories.configHome(environment) + "/systemd/user"
        }
    }

    /// The service: one run of the profile, at low CPU and I/O priority.
    public var service: String {
        var lines = [
            "# Written by `amber schedule install \(profile)`; `amber schedule remove \(profile)` removes it.",
            "[Unit]",
            "Description=Amber: run profile \(profile)",
        ]
        if scope == .system { lines += ["Wants=network-online.target", "After=network-online.target"] }
        lines += [
            "",
            "[Service]",
            "Type=oneshot",
            "# A backup that skipped unreadable files (3) is not a failed unit; the monitor hears of it.",
            "SuccessExitStatus=3",
            "ExecStart=" + [executable, "run", profile, "--config", configPath].map(Self.quoted).joined(separator: " "),
            "Nice=10",
            "IOSchedulingClass=best-effort",
            "IOSchedulingPriority=7",
        ]
        return lines.joined(separator: "\n") + "\n"
    }

    /// The timer: `Persistent=true`, so a run missed while the machine was off happens at the next boot.
    public var timer: String {
        var lines = [
            "# Written by `amber schedule install \(profile)`; `amber schedule remove \(profile)` removes it.",
            "[Unit]",
            "Description=Amber: run profile \(profile) (\(calendar))",
            "",
            "[Timer]",
            "OnCalendar=\(calendar)",
            "Persistent=true",
        ]
        if let randomizedDelay { lines.append("RandomizedDelaySec=\(randomizedDelay)") }
        lines += ["Unit=\(serviceName)", "", "[Install]", "WantedBy=timers.target"]
        return lines.joined(separator: "\n") + "\n"
    }

    /// A crontab line for systems without systemd: the keywords become `@daily` and the like; a
    /// five-field cron expression is taken as it is; anything else is nil.
    public var cronLine: String? {
        let keywords = ["hourly", "daily", "weekly", "monthly", "yearly"]
        let when: String
        if keywords.contains(calendar) {
            when = "@" + calendar
        } else if calendar.split(separator: " ").count == 5,
                  calendar.allSatisfy({ $0.isNumber || " */,-".contains($0) }) {
            when = calendar
        } else {
            return nil
        }
        // cron turns an unescaped % into a newline, quoted or not.
        return when + " " + [executable, "run", profile, "--config", configPath].map(ShellQuoting.quoted).joined(separator: " ")
            .replacingOccurrences(of: "%", with: "\\%")
    }

    /// A word of `ExecStart=` as systemd reads it: `%` and `$` doubled, quoted when it holds
    /// a space, a quote or a backslash.
    static func quoted(_ word: String) -> String {
        let escaped = word.replacingOccurrences(of: "%", with: "%%").replacingOccurrences(of: "$", with: "$$")
        guard escaped.contains(where: { $0 == " " || $0 == "\"" || $0 == "\\" || $0 == "'" || $0 == "\t" }) || escaped.isEmpty else {
            return escaped
        }
        return "\"" + escaped.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
