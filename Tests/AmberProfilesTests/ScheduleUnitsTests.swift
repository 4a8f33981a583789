import Foundation
import Testing
@testable import AmberProfiles

/// The units `amber schedule install` writes, judged by systemd's own `systemd-analyze verify`
/// where it is installed, and the cron line.
struct ScheduleUnitsTests {
    func units(_ scope: ScheduleUnits.Scope, calendar: String = "daily", config: String = "/etc/amber/amber.yaml") -> ScheduleUnits {
        ScheduleUnits(profile: "nightly", calendar: calendar, executable: "/bin/true", configPath: config, scope: scope,
                      randomizedDelay: "10m")
    }

    @Test func theServiceRunsTheProfileAndTheTimerStartsIt() {
        let user = units(.user)
        #expect(user.service.contains("ExecStart=/bin/true run nightly --config /etc/amber/amber.yaml\n"))
        #expect(user.service.contains("Type=oneshot"))
        #expect(!user.service.contains("network-online"))
        #expect(units(.system).service.contains("After=network-online.target"))
        #expect(user.timer.contains("OnCalendar=daily\n"))
        #expect(user.timer.contains("Persistent=true"))
        #expect(user.timer.contains("RandomizedDelaySec=10m"))
        #expect(user.timer.contains("WantedBy=timers.target"))
    }

    @Test func execStartWordsAreQuotedAsSystemdReadsThem() {
        #expect(ScheduleUnits.quoted("/a b/c") == "\"/a b/c\"")
        #expect(ScheduleUnits.quoted("50%") == "50%%")
        #expect(ScheduleUnits.quoted("$HOME") == "$$HOME")
        #expect(ScheduleUnits.quoted("say \"hi\"") == "\"say \\\"hi\\\"\"")
    }

    @Test func cronLinesTakeKeywordsAndFiveFieldExpressions() {
        #expect(units(.user).cronLine == "@daily /bin/true run nightly --config /etc/amber/amber.yaml")
        #expect(units(.user, calendar: "30 2 * * 1-5").cronLine?.hasPrefix("30 2 * * 1-5 /bin/true run nightly") == true)
        #expect(units(.user, calendar: "Mon..Fri 22:00").cronLine == nil)
        #expect(units(.user, config: "/my files/a.yaml").cronLine?.hasSuffix("--config '/my files/a.yaml'") == true)
        // cron reads an unescaped % as a newline.
        #expect(units(.user, config: "/b/100%.yaml").cronLine?.hasSuffix("--config /b/100\\%.yaml") == true)
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/systemd-analyze")),
          arguments: [ScheduleUnits.Scope.user, .system])
    func systemdAnalyzeVerifiesTheUnits(scope: ScheduleUnits.Scope) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("amber-units-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let units = units(scope, calendar: "Mon..Fri 22:00", config: directory + "/my profiles.yaml")
        try units.service.write(toFile: directory + "/" + units.serviceName, atomically: true, encoding: .utf8)
        try units.timer.write(toFile: directory + "/" + units.timerName, atomically: true, encoding: .utf8)
        let result = SystemTool.run("/usr/bin/systemd-analyze",
                                    ["verify", directory + "/" + units.serviceName, directory + "/" + units.timerName])
        #expect(result.code == 0, "\(result.output)\(result.errors)")
        #expect(!result.errors.contains(units.serviceName), "\(result.errors)")
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/systemd-analyze")))
    func calendarsAreCheckedBySystemd() throws {
        let scheduler = Scheduler(scope: .user, environment: [:])
        #expect(try scheduler.nextElapse(of: "daily") != nil)
        #expect(throws: ProfileError.self) { try scheduler.nextElapse(of: "every other tuesday") }
    }
}
