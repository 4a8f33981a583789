import Foundation
import Testing
@testable import AmberProfiles

/// Reading profile files: the minimal profile reads as borgmatic's would, and every
/// mistake is named with its line.
struct ProfileFileTests {
    static let minimal = """
        profiles:
          nightly:
            repository: /srv/amber
            password-command: pass show amber
            sources: [/home/me, "ndjson:/var/lib/app/users.ndjson", "postgresql://app@db/app"]
            forget: {keep-daily: 7, keep-weekly: 4}
            check: {read-data-subset: 10%}
            sync: [s3:https://s3.example.com/bucket/amber]
        """

    @Test func theMinimalProfilePlansBackupForgetCheckAndSync() throws {
        let profile = try ProfileFile(text: Self.minimal, path: "amber.yaml").profile(nil)
        #expect(profile.name == "nightly")
        #expect(profile.password == .command("pass show amber"))
        let plan = try RunPlan(profile: profile, lastCheck: nil, hostName: "h1")
        #expect(plan.steps.map(\.arguments) == [
            ["backup", "/home/me", "ndjson:/var/lib/app/users.ndjson", "postgresql://app@db/app"],
            ["forget", "--keep-daily", "7", "--keep-weekly", "4", "--prune", "--host", "h1"],
            ["check", "--read-data-subset", "10%"],
            ["sync", "--to", "s3:https://s3.example.com/bucket/amber"],
        ])
    }

    @Test func sourcesWithTheirOwnOptionsGetASnapshotOfTheirOwn() throws {
        let text = """
            profiles:
              p:
                repository: /r
                exclude: ["*.tmp"]
                tags: [daily]
                retry-lock: 5m
                sources:
                  - /home
                  - path: /srv
                    exclude-caches: true
                    one-file-system: yes
                  - source: postgresql://u:p%40ss@db/app
                    tables: [public.users]
                    jobs: 2
                  - ndjson:/x.ndjson
            """
        let plan = try RunPlan(profile: try ProfileFile(text: text, path: "f").profile("p"), lastCheck: nil, hostName: "h")
        #expect(plan.steps.map(\.arguments) == [
            ["backup", "/home", "ndjson:/x.ndjson", "--exclude", "*.tmp", "--tag", "daily", "--retry-lock", "5m"],
            ["backup", "/srv", "--exclude", "*.tmp", "--exclude-caches", "--one-file-system", "--tag", "daily", "--retry-lock", "5m"],
            ["backup", "postgresql://u@db/app", "--exclude", "*.tmp", "--table", "public.users", "--jobs", "2", "--tag", "daily", "--retry-lock", "5m"],
        ])
        // The password left the command line for the step's environment, decoded.
        #expect(plan.steps[2].environment == ["PGPASSWORD": "p@ss"])
        #expect(!plan.steps.contains { $0.commandLine.contains("p%40ss") })
    }

    @Test func checkRunsOnlyWhenItsIntervalHasPassed() throws {
        let text = "profiles:\n  p:\n    repository: /r\n    sources: [/a]\n    check: {read-data: true, every: 7d}\n"
        let profile = try ProfileFile(text: text, path: "f").profile("p")
        let now = Date()
        let recent = try RunPlan(profile: profile, lastCheck: now.addingTimeInterval(-6 * 86400), now: now, hostName: "h")
        #expect(!recent.steps.contains { $0.kind == .check })
        #expect(recent.checkNote != nil)
        let due = try RunPlan(profile: profile, lastCheck: now.addingTimeInterval(-7 * 86400 - 1), now: now, hostName: "h")
        #expect(due.steps.last?.arguments == ["check", "--read-data"])
    }

    /// Each mistake, and the line (and words) its message must name.
    @Test(arguments: [
        ("profiles:\n  p:\n    repository: /r\n    sources: [/a]\n    forget: {keep-daly: 3}\n", "f:5:", "unknown key \"keep-daly\""),
        ("profiles:\n  p:\n    repository: /r\n    sources: [/a]\n    forget: {keep-daily: seven}\n", "f:5:", "keep-daily must be a number"),
        ("profiles:\n  p:\n    repository: /r\n", "f:3:", "has no sources"),
        ("profiles:\n  p:\n    sources: [/a]\n", "f:3:", "has no repository"),
        ("profiles:\n  p:\n    repository: /r\n   sources: [/a\n", "f:4:", "did not find expected key"),
        ("profiles:\n  p:\n    repository: /r\n    sources:\n      - path: ndjson:/x\n        exclude: [a]\n", "f:6:", "applies to directories"),
        ("profiles:\n  p:\n    repository: /r\n    sources:\n      - path: /x\n        tables: [a]\n", "f:6:", "does not apply"),
        ("profiles:\n  p:\n    repository: /r\n    sources:\n      - path: postgresql://h/d\n        jobs: many\n", "f:6:", "jobs must be a number"),
        ("profiles:\n  p:\n    repository: /r\n    sources: [/a]\n    check: {every: soon}\n", "f:5:", "every must be a duration"),
        ("profiles:\n  p:\n    repository: /r\n    sources: [/a]\n    password: x\n    password-file: /y\n", "f:6:", "give one of"),
        ("profiles:\n  p:\n    repository: /r\n    sources: [/a]\n    env: {AMBER_PASSWORD: x}\n", "f:5:", "AMBER_PASSWORD"),
        ("profiles:\n  p:\n    repository: /r\n    sources: [/a]\n    monitor: {url: ftp://x}\n", "f:5:", "https://"),
        ("profiles:\n  'bad name':\n    repository: /r\n    sources: [/a]\n", "f:2:", "profile name"),
        ("profile:\n  p: {}\n", "f:1:", "unknown key \"profile\""),
        ("profiles:\n  p:\n    repository: /r\n    sources: [/a]\n    forget: {keep-daily: 3}\n    forget: {keep-daily: 4}\n", "f:5:", "given twice"),
        ("profiles:\n  p:\n    repository:\n    sources: [/a]\n", "f:3:", "has no value"),
        ("profiles:\n  p:\n    repository: ~\n    sources: [/a]\n", "f:3:", "has no value"),
        ("profiles:\n  p:\n    repository: /r\n    sources:\n", "f:4:", "has no value"),
        ("profiles:\n  p:\n    repository: /r\n    sources: [/a]\n    sync: [\"\"]\n", "f:5:", "is empty"),
        ("profiles:\n  p:\n    repository: /r\n    sources: [/a]\n    forget: {keep-daily: 0}\n", "f:5:", "at least 1"),
        ("profiles:\n  p:\n    repository: /r\n    sources: [/a]\n    forget: {keep-within: d}\n", "f:5:", "1y2m3d4h"),
        ("profiles:\n  p:\n    repository: /r\n    sources: [/a]\n    forget: {keep-last: 1, group-by: hosts}\n", "f:5:", "group-by"),
        ("profiles:\n  p:\n    repository: /r\n    sources: [/a]\n    check: {read-data-subset: banana}\n", "f:5:", "N/T"),
        ("profiles:\n  p:\n    repository: /r\n    sources: [/a]\n    retry-lock: forever\n", "f:5:", "retry-lock"),
        ("profiles:\n  p:\n    repository: /r\n    sources: [/a]\n    exclude-larger-than: big\n", "f:5:", "size"),
        ("other: 1\nprofiles:\n  p: {repository: /r, sources: [/a]}\n", "f:1:", "top of the file"),
    ])
    func mistakesAreNamedWithTheirLine(text: String, place: String, words: String) {
        #expect {
            _ = try ProfileFile(text: text, path: "f")
        } throws: { error in
            let message = "\(error)"
            return message.hasPrefix(place) && message.contains(words)
        }
    }

    @Test func pathsAreReadFromHomeAndTheFilesDirectory() throws {
        let text = """
            profiles:
              p:
                repository: repo
                password-file: ~/.amber-password
                sources: [docs, "~/notes", "ndjson:data/users.ndjson", /abs, "postgresql://u@h/db", "sqlite:../app.db"]
                exclude-file: excludes.txt
                sync: [../copy, "s3:https://h/b/p"]
            """
        let profile = try ProfileFile(text: text, path: "/etc/amber/amber.yaml", environment: ["HOME": "/home/me"]).profile("p")
        #expect(profile.repository == "/etc/amber/repo")
        #expect(profile.password == .file("/home/me/.amber-password"))
        #expect(profile.sources.map(\.location) == ["/etc/amber/docs", "/home/me/notes", "ndjson:/etc/amber/data/users.ndjson", "/abs",
                                                    "postgresql://u@h/db", "sqlite:/etc/amber/../app.db"])
        #expect(profile.sources[0].options == ["--exclude-file", "/etc/amber/excludes.txt"])
        #expect(profile.sync.map(\.location) == ["/etc/amber/../copy", "s3:https://h/b/p"])
    }

    @Test func profilesMergeSharedSettingsAndTheDefaultProfileRunsWithoutAName() throws {
        let text = """
            defaults: &base
              repository: /srv/amber
              password-command: pass show amber
              forget: {keep-daily: 7}
            profiles:
              default:
                <<: *base
                sources: [/home]
              databases:
                <<: *base
                repository: /srv/db-amber
                sources: ["postgresql://app@db/app"]
            """
        let file = try ProfileFile(text: text, path: "/f")
        let chosen = try file.profile(nil)
        #expect(chosen.name == "default")
        #expect(chosen.repository == "/srv/amber")
        #expect(chosen.forget?.options == ["--keep-daily", "7"])
        #expect(try file.profile("databases").repository == "/srv/db-amber")
        #expect(try file.profile("databases").password == .command("pass show amber"))
    }

    @Test func eachPostgreSQLPasswordGoesToItsOwnSourceOnly() throws {
        let text = """
            profiles:
              p:
                repository: /r
                sources: ["postgresql://app:p%40ss@db/app", "postgresql://other@db2/x", "postgresql://q@db3/y?sslmode=require&password=qs%21"]
            """
        let plan = try RunPlan(profile: try ProfileFile(text: text, path: "/f").profile("p"), lastCheck: nil, hostName: "h")
        #expect(plan.steps.map(\.arguments) == [["backup", "postgresql://app@db/app"], ["backup", "postgresql://other@db2/x"],
                                                ["backup", "postgresql://q@db3/y?sslmode=require"]])
        #expect(plan.steps.map(\.environment) == [["PGPASSWORD": "p@ss"], [:], ["PGPASSWORD": "qs!"]])
    }

    @Test func aProfileIsChosenByNameOrAsTheOnlyOne() throws {
        let two = try ProfileFile(text: "profiles:\n  a: {repository: /r, sources: [/x]}\n  b: {repository: /s, sources: [/y]}\n", path: "f")
        #expect(try two.profile("b").repository == "/s")
        #expect(throws: ProfileError.self) { try two.profile(nil) }
        #expect(throws: ProfileError.self) { try two.profile("c") }
    }

    @Test func aSecretInAFileOthersMayReadIsWarnedOf() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("amber-profile-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/amber.yaml"
        try "profiles:\n  p:\n    repository: /r\n    password: hunter2\n    sources: [/a]\n".write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        let readable = try ProfileFile.load(path)
        #expect(readable.warnings.count == 1)
        #expect(!readable.warnings[0].contains("hunter2"))
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        #expect(try ProfileFile.load(path).warnings.isEmpty)
    }
}
