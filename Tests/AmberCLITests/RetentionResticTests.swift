import AmberKit
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `RetentionPolicy` against the real restic: the same snapshot times in a restic repository,
/// `restic forget --dry-run --json` with a policy, and the same policy in Amber must keep the same
/// snapshots, for the same reasons, in every group.
///
/// restic must be installed (`scripts/install-deps` installs Debian's `restic`); without it the
/// test fails rather than passing silently. The version decides two restic changes: 0.16 keeps a
/// group's oldest snapshot while counts remain (`keepOldest`) and spells unlimited `unlimited`;
/// 0.17 prefixes that reason with "oldest".
@Suite("Retention against restic", .serialized)
struct RetentionResticTests {
    let temp = TemporaryDirectory()

    /// A daily series over 30 days, extra hourly ones, and some over several years, in three groups.
    static let series: [(time: String, host: String, paths: [String], tags: [String])] = {
        var list = [(time: String, host: String, paths: [String], tags: [String])]()
        let start = RFC3339.parse("2024-01-15T10:00:00Z")!
        for day in 0..<30 {
            let time = String(RFC3339.format(start.addingTimeInterval(Double(day) * 86_400)).prefix(19))
            let tags = day == 5 ? ["keep"] : day == 17 ? ["important"] : []
            list.append((time, "h", ["data"], tags))
        }
        for time in ["2024-02-13T11:00:00", "2024-02-13T12:00:00", "2024-02-13T12:30:00", "2024-02-13T23:59:00",
                     "2024-02-12T00:00:00"] {
            list.append((time, "h", ["data"], []))
        }
        let years: [(String, [String])] = [("2019-06-01T08:00:00", ["monthly", "important"]), ("2020-12-31T23:30:00", []),
                                           ("2021-01-01T00:30:00", []), ("2022-03-15T10:00:00", ["keep"]),
                                           ("2023-07-04T10:00:00", []), ("2023-12-31T12:00:00", []), ("2024-01-01T00:00:00", [])]
        for (time, tags) in years { list.append((time, "h", ["data"], tags)) }
        for time in ["2024-02-10T10:00:00", "2024-02-11T10:00:00", "2023-02-11T10:00:00"] {
            list.append((time, "h2", ["data"], []))
        }
        // The oldest shares its day with the next: restic 0.16+ keeps it under --keep-daily, 0.14 does not.
        for time in ["2024-02-01T10:00:00", "2024-02-02T10:00:00", "2024-02-01T05:00:00"] {
            list.append((time, "h", ["data2", "data"], []))
        }
        return list
    }()

    /// restic arguments and the Amber policy meaning the same.
    static func policies(unlimited: Bool) -> [(arguments: [String], policy: RetentionPolicy)] {
        var list: [(arguments: [String], policy: RetentionPolicy)] = [
            (["--keep-daily", "7", "--keep-weekly", "4"], RetentionPolicy(keepDaily: 7, keepWeekly: 4)),
            (["--keep-last", "5"], RetentionPolicy(keepLast: 5)),
            (["--keep-hourly", "10"], RetentionPolicy(keepHourly: 10)),
            (["--keep-monthly", "6", "--keep-yearly", "3"], RetentionPolicy(keepMonthly: 6, keepYearly: 3)),
            (["--keep-yearly", "10"], RetentionPolicy(keepYearly: 10)),
            (["--keep-weekly", "60"], RetentionPolicy(keepWeekly: 60)),
            (["--keep-within", "10d"], RetentionPolicy(keepWithin: RetentionDuration("10d"))),
            (["--keep-within", "2y3m"], RetentionPolicy(keepWithin: RetentionDuration("2y3m"))),
            (["--keep-within", "1m5d12h"], RetentionPolicy(keepWithin: RetentionDuration("1m5d12h"))),
            (["--keep-within-daily", "5d", "--keep-within-weekly", "1m", "--keep-within-monthly", "1y"],
             RetentionPolicy(keepWithinDaily: RetentionDuration("5d"), keepWithinWeekly: RetentionDuration("1m"),
                             keepWithinMonthly: RetentionDuration("1y"))),
            (["--keep-within-hourly", "1d", "--keep-within-yearly", "10y"],
             RetentionPolicy(keepWithinHourly: RetentionDuration("1d"), keepWithinYearly: RetentionDuration("10y"))),
            (["--keep-tag", "keep", "--keep-tag", "monthly,important", "--keep-last", "1"],
             RetentionPolicy(keepLast: 1, keepTags: [["keep"], ["monthly", "important"]])),
            (["--keep-last", "3", "--keep-daily", "3", "--keep-weekly", "2", "--keep-monthly", "2", "--keep-yearly", "2",
              "--keep-within", "1d12h"],
             RetentionPolicy(keepLast: 3, keepDaily: 3, keepWeekly: 2, keepMonthly: 2, keepYearly: 2,
                             keepWithin: RetentionDuration("1d12h"))),
        ]
        if unlimited {
            list.append((["--keep-daily", "unlimited", "--keep-weekly", "2"], RetentionPolicy(keepDaily: -1, keepWeekly: 2)))
        }
        return list
    }

    @Test func forgetKeepsWhatResticKeeps() throws {
        let executable = try #require(ResticRunner.locate(), """
            restic is not installed: this test compares RetentionPolicy with the real restic binary. \
            Install it with scripts/install-deps (Debian package "restic").
            """)
        let restic = try ResticRunner(executable: executable, repository: temp.sub("restic-repo"))
        try restic.run(["init"])
        for name in ["data", "data2"] {
            mkdir(temp.sub(name), 0o755)
            writeFile(temp.sub(name) + "/file", Array("retention \(name)\n".utf8))
        }
        for s in Self.series {
            let arguments = ["backup", "--host", s.host, "--time", s.time.replacingOccurrences(of: "T", with: " ")]
                + s.tags.flatMap { ["--tag", $0] } + s.paths.map { temp.sub($0) }
            try restic.run(arguments)
        }
        let records = try loadRecords(restic)
        #expect(records.count == Self.series.count)

        let keepOldest = restic.atLeast(0, 16)
        var oldestMattered = false
        for (arguments, base) in Self.policies(unlimited: restic.atLeast(0, 16)) {
            var policy = base
            policy.keepOldest = keepOldest
            let theirs = try resticKeeps(restic, arguments)
            let ours = amberKeeps(policy, records, oldestPrefix: restic.atLeast(0, 17))
            #expect(ours == theirs, "policy \(arguments.joined(separator: " ")): \(difference(ours, theirs))")
            #expect(theirs.values.map(\.count).reduce(0, +) < records.count, "policy \(arguments) removes something")
            policy.keepOldest.toggle()
            if amberKeeps(policy, records, oldestPrefix: true) != ours { oldestMattered = true }
        }
        // The fixture tells the two restic behaviours apart, so the version switch is really tested.
        #expect(oldestMattered)
    }

    /// Every snapshot in the restic repository as an Amber record (restic's paths as sources).
    private func loadRecords(_ restic: ResticRunner) throws -> [SnapshotRecord] {
        let value = try restic.json(["snapshots"])
        let list = try #require(value as? [[String: Any]])
        return try list.map { entry in
            let hex = try #require(entry["id"] as? String)
            let id = try #require(BlobID(hex: hex))
            let time = try #require(entry["time"] as? String)
            let snapshot = Snapshot(time: time, host: entry["hostname"] as? String ?? "",
                                    username: "", tags: entry["tags"] as? [String] ?? [], sources: entry["paths"] as? [String] ?? [],
                                    tree: id, parent: nil, program: "restic", stats: Snapshot.Statistics())
            return SnapshotRecord(snapshotID: id, snapshot: snapshot)
        }
    }

    /// Group ("host paths…") → kept snapshot ids with their reasons, newest first.
    typealias Keeps = [String: [String]]

    private func resticKeeps(_ restic: ResticRunner, _ arguments: [String]) throws -> Keeps {
        let value = try restic.json(["forget", "--dry-run"] + arguments)
        let groups = try #require(value as? [[String: Any]], "restic forget output: \(value)")
        var result = Keeps()
        for group in groups {
            let key = groupKey(group["host"] as? String ?? "", group["paths"] as? [String] ?? [])
            let keep = group["keep"] as? [[String: Any]] ?? []
            let reasons = group["reasons"] as? [[String: Any]] ?? []
            result[key] = zip(keep, reasons).map { snapshot, reason in
                "\(snapshot["time"] as? String ?? "?") \(snapshot["id"] as? String ?? "?"): " + (reason["matches"] as? [String] ?? []).joined(separator: ", ")
            }
        }
        return result
    }

    private func amberKeeps(_ policy: RetentionPolicy, _ records: [SnapshotRecord], oldestPrefix: Bool) -> Keeps {
        var result = Keeps()
        for group in policy.applyGrouped(to: records, now: Date()) {
            result[groupKey(group.key.host ?? "", group.key.sources ?? [])] = group.kept.map { decision in
                let reasons = oldestPrefix ? decision.reasons : decision.reasons.map {
                    $0.hasPrefix("oldest ") ? String($0.dropFirst("oldest ".count)) : $0
                }
                return "\(decision.record.snapshot.time) \(decision.record.id.hex): " + reasons.joined(separator: ", ")
            }
        }
        return result
    }

    private func groupKey(_ host: String, _ paths: [String]) -> String {
        ([host] + paths.sorted()).joined(separator: " ")
    }

    /// The entries that differ, with each snapshot's time, for the failure message.
    private func difference(_ ours: Keeps, _ theirs: Keeps) -> String {
        var lines = [String]()
        for key in Set(ours.keys).union(theirs.keys).sorted() where ours[key] != theirs[key] {
            let a = Set(ours[key] ?? []), b = Set(theirs[key] ?? [])
            lines.append("group \(key): only Amber \(a.subtracting(b).sorted()), only restic \(b.subtracting(a).sorted())")
        }
        return lines.isEmpty ? "equal sets, different order" : lines.joined(separator: "; ")
    }
}
