import AmberCore
import AmberCrypto
import AmberRepository
@testable import AmberSnapshot
import Foundation
import Testing

/// A record at an RFC 3339 time, with a made-up id derived from the time (and an optional salt).
func retentionRecord(_ time: String, host: String = "h", sources: [String] = ["/src"], tags: [String] = [],
                     salt: String = "") -> SnapshotRecord {
    let id = BlobID(bytes: SHA256.hash(Array((time + host + salt).utf8)))!
    let snapshot = Snapshot(time: time, host: host, username: "u", tags: tags, sources: sources, tree: id, parent: nil,
                            program: "tests", stats: Snapshot.Statistics())
    return SnapshotRecord(snapshotID: id, snapshot: snapshot)
}

/// `2024-01-DDT12:00:00Z` for each day.
func januaryNoons(_ days: ClosedRange<Int>) -> [SnapshotRecord] {
    days.map { retentionRecord(String(format: "2024-01-%02dT12:00:00Z", $0)) }
}

/// The kept snapshots' times (newest first) with their reasons.
func kept(_ decisions: [RetentionDecision]) -> [String: [String]] {
    Dictionary(uniqueKeysWithValues: decisions.filter(\.keep).map { ($0.record.snapshot.time, $0.reasons) })
}

let far = Date(timeIntervalSince1970: 4_000_000_000)

@Suite("Retention policy")
struct RetentionPolicyTests {
    @Test func dailySevenWeeklyFourOverThirtyDays() {
        let decisions = RetentionPolicy(keepDaily: 7, keepWeekly: 4).apply(to: januaryNoons(1...30).shuffled(), now: far)
        #expect(decisions.map(\.record.snapshot.time) == januaryNoons(1...30).reversed().map(\.snapshot.time), "newest first")
        // 2024-01-01 is a Monday: ISO weeks end on the 7th, 14th, 21st, 28th.
        let expected: [String: [String]] = [
            "2024-01-30T12:00:00Z": ["daily snapshot", "weekly snapshot"], "2024-01-29T12:00:00Z": ["daily snapshot"],
            "2024-01-28T12:00:00Z": ["daily snapshot", "weekly snapshot"], "2024-01-27T12:00:00Z": ["daily snapshot"],
            "2024-01-26T12:00:00Z": ["daily snapshot"], "2024-01-25T12:00:00Z": ["daily snapshot"],
            "2024-01-24T12:00:00Z": ["daily snapshot"], "2024-01-21T12:00:00Z": ["weekly snapshot"],
            "2024-01-14T12:00:00Z": ["weekly snapshot"],
        ]
        #expect(kept(decisions) == expected)
        #expect(decisions.first?.counters == ["daily": 6, "weekly": 3])
        #expect(decisions.filter { !$0.keep }.allSatisfy { $0.reasons.isEmpty && $0.counters.isEmpty })
    }

    @Test func keepLastCountsSnapshotsNotBuckets() {
        let records = [retentionRecord("2024-01-01T10:00:00Z"), retentionRecord("2024-01-01T10:00:00Z", salt: "x"),
                       retentionRecord("2024-01-01T09:00:00Z")]
        let decisions = RetentionPolicy(keepLast: 2).apply(to: records, now: far)
        #expect(decisions.filter(\.keep).count == 2)
        #expect(!decisions[2].keep && decisions[2].record.snapshot.time == "2024-01-01T09:00:00Z")
    }

    @Test func oldestIsKeptWhileCountsRemainUnlessRestic015Mode() {
        let records = [retentionRecord("2024-01-02T08:00:00Z"), retentionRecord("2024-01-01T10:00:00Z"),
                       retentionRecord("2024-01-01T08:00:00Z")]
        let modern = RetentionPolicy(keepDaily: 5).apply(to: records, now: far)
        #expect(kept(modern) == ["2024-01-02T08:00:00Z": ["daily snapshot"], "2024-01-01T10:00:00Z": ["daily snapshot"],
                                 "2024-01-01T08:00:00Z": ["oldest daily snapshot"]])
        let old = RetentionPolicy(keepDaily: 5, keepOldest: false).apply(to: records, now: far)
        #expect(kept(old).count == 2 && !old[2].keep)
        // Once the count is used up, the oldest goes.
        #expect(!RetentionPolicy(keepDaily: 2).apply(to: records, now: far)[2].keep)
    }

    @Test func isoWeeksCrossYears() {
        // 2020-12-31 (Thu) and 2021-01-01 (Fri) are both in week 53 of 2020; 2021-01-04 starts week 1.
        let records = ["2020-12-31T10:00:00Z", "2021-01-01T10:00:00Z", "2021-01-04T10:00:00Z"].map { retentionRecord($0) }
        let decisions = RetentionPolicy(keepWeekly: 10, keepOldest: false).apply(to: records, now: far)
        #expect(decisions.map(\.keep) == [true, true, false])
        #expect(CivilDate.isoWeek(CivilDate.toDays(year: 2023, month: 12, day: 31)) == (2023, 52))
        #expect(CivilDate.isoWeek(CivilDate.toDays(year: 2024, month: 1, day: 1)) == (2024, 1))
        #expect(CivilDate.isoWeek(CivilDate.toDays(year: 2026, month: 12, day: 31)) == (2026, 53))
        #expect(CivilDate.isoWeek(CivilDate.toDays(year: 2027, month: 1, day: 3)) == (2026, 53))
    }

    @Test func unlimitedKeepsEveryBucket() {
        let records = januaryNoons(1...20) + [retentionRecord("2024-01-05T13:00:00Z")]
        let decisions = RetentionPolicy(keepDaily: -1).apply(to: records, now: far)
        #expect(decisions.filter(\.keep).count == 20)
        #expect(decisions.first?.counters == ["daily": -1])
        #expect(RetentionPolicy(keepDaily: -1).summary == "keep all daily snapshots")
    }

    @Test func keepWithinUsesGoCalendarArithmeticAndIsStrict() {
        // One month before 2024-03-31 is "2024-02-31", that is 2024-03-02.
        let records = ["2024-03-31T12:00:00Z", "2024-03-02T12:00:01Z", "2024-03-02T12:00:00Z", "2024-03-01T12:00:00Z"]
            .map { retentionRecord($0) }
        let decisions = RetentionPolicy(keepWithin: RetentionDuration(months: 1)).apply(to: records, now: far)
        #expect(decisions.map(\.keep) == [true, true, false, false])
        #expect(decisions[0].reasons == ["within 1m"])
    }

    @Test func keepWithinIgnoresFutureSnapshotsForTheNewest() {
        let records = ["2099-01-01T00:00:00Z", "2024-01-09T12:00:00Z", "2024-01-07T12:00:01Z", "2024-01-07T12:00:00Z"]
            .map { retentionRecord($0) }
        let now = SnapshotInstant("2024-01-10T00:00:00Z")
        let decisions = RetentionPolicy(keepWithin: RetentionDuration(days: 2))
            .apply(to: records, now: Date(timeIntervalSince1970: Double(now.seconds)))
        #expect(decisions.map(\.keep) == [true, true, true, false])
    }

    @Test func withinBucketsKeepOnePerBucketInsideTheWindow() {
        let records = ["2024-01-10T12:00:00Z", "2024-01-10T08:00:00Z", "2024-01-09T12:00:00Z", "2024-01-01T12:00:00Z"]
            .map { retentionRecord($0) }
        let decisions = RetentionPolicy(keepWithinDaily: RetentionDuration(days: 5), keepOldest: false).apply(to: records, now: far)
        #expect(decisions.map(\.keep) == [true, false, true, false])
        #expect(decisions[0].reasons == ["daily within 5d"])
    }

    @Test func keepTagsNeedEveryTagOfOneEntry() {
        let records = [retentionRecord("2024-01-03T00:00:00Z", tags: ["a"]), retentionRecord("2024-01-02T00:00:00Z", tags: ["a", "b"]),
                       retentionRecord("2024-01-01T00:00:00Z", tags: ["c"])]
        let decisions = RetentionPolicy(keepTags: [["a", "b"], ["c"]]).apply(to: records, now: far)
        #expect(decisions.map(\.keep) == [false, true, true])
        #expect(decisions[1].reasons == ["has tags [a, b]"])
        #expect(RetentionPolicy(keepTags: [["a", "b"], ["c"]]).summary == "keep all snapshots with tags [[a, b] [c]]")
    }

    @Test func bucketsUseTheOffsetTheTimeWasWrittenWith() {
        // 23:30 at -02:00 is 01:30 UTC on the 2nd, but a day-1 snapshot where it was taken.
        let records = [retentionRecord("2024-01-01T23:30:00-02:00"), retentionRecord("2024-01-02T00:30:00Z")]
        let decisions = RetentionPolicy(keepDaily: 2, keepOldest: false).apply(to: records, now: far)
        #expect(decisions.map(\.record.snapshot.time) == ["2024-01-01T23:30:00-02:00", "2024-01-02T00:30:00Z"])
        #expect(decisions.map(\.keep) == [true, true])
    }

    @Test func groupsByHostAndSortedSources() {
        let records = [retentionRecord("2024-01-02T00:00:00Z", host: "b", sources: ["/y", "/x"]),
                       retentionRecord("2024-01-01T00:00:00Z", host: "b", sources: ["/x", "/y"]),
                       retentionRecord("2024-01-03T00:00:00Z", host: "a")]
        let groups = RetentionPolicy(keepLast: 1).applyGrouped(to: records, now: far)
        #expect(groups.map(\.key.host) == ["a", "b"])
        #expect(groups[1].key.sources == ["/x", "/y"])
        #expect(groups[1].kept.map(\.record.snapshot.time) == ["2024-01-02T00:00:00Z"])
        #expect(groups[1].key.description == "host [b], paths [/x, /y]")
        #expect(RetentionPolicy(keepLast: 1).applyGrouped(to: records, now: far, groupBy: []).count == 1)
        #expect(SnapshotGrouping(parsing: "host,tags") == [.host, .tags])
        #expect(SnapshotGrouping(parsing: "host,colour") == nil)
    }

    @Test func durationsParseAndPrintLikeRestic() {
        #expect(RetentionDuration("1y2m3d4h") == RetentionDuration(years: 1, months: 2, days: 3, hours: 4))
        #expect(RetentionDuration("4h1y") == RetentionDuration(years: 1, hours: 4))
        #expect(RetentionDuration(" 7d ")?.description == "7d")
        for bad in ["", "5", "3w", "-1d", "d", "1d2"] { #expect(RetentionDuration(bad) == nil, "\(bad)") }
        func back(_ time: String, _ d: RetentionDuration) -> String {
            let t = d.before(SnapshotInstant(time))
            return RFC3339.format(Date(timeIntervalSince1970: Double(t.seconds)))
        }
        #expect(back("2024-03-31T12:00:00Z", RetentionDuration(months: 1)) == "2024-03-02T12:00:00.000000Z")
        #expect(back("2023-03-31T12:00:00Z", RetentionDuration(months: 1)) == "2023-03-03T12:00:00.000000Z")
        #expect(back("2024-02-29T00:00:00Z", RetentionDuration(years: 1)) == "2023-03-01T00:00:00.000000Z")
        #expect(back("2024-01-01T02:00:00Z", RetentionDuration(days: 1, hours: 3)) == "2023-12-30T23:00:00.000000Z")
        #expect(back("2024-01-15T00:00:00Z", RetentionDuration(years: 1, months: 13)) == "2021-12-15T00:00:00.000000Z")
    }

    @Test func fractionsAreExact() {
        let t = SnapshotInstant("2026-11-25T08:36:09.123456789Z")
        #expect(t.nanoseconds == 123_456_789 && t.seconds == 1_795_595_769)
        #expect(SnapshotInstant("2026-11-25T08:36:09.5+01:00").offset == 3600)
        #expect(SnapshotInstant("2026-11-25T08:36:09.5+01:00").nanoseconds == 500_000_000)
    }

    @Test func emptyAndInvalidPolicies() throws {
        #expect(RetentionPolicy().isEmpty)
        #expect(RetentionPolicy(keepDaily: 0, keepWithin: RetentionDuration()).isEmpty)
        #expect(!RetentionPolicy(keepTags: [["x"]]).isEmpty)
        #expect(throws: RetentionPolicyError.self) { try RetentionPolicy(keepDaily: -2).validate() }
        try RetentionPolicy(keepDaily: -1).validate()
        #expect(RetentionPolicy(keepLast: 3, keepDaily: 7, keepWithin: RetentionDuration(days: 2)).summary
                == "keep 3 latest, 7 daily snapshots and all snapshots within 2d of the newest")
        #expect(RetentionPolicy(keepWithinDaily: RetentionDuration(days: 5)).summary == "keep daily snapshots within 5d")
        #expect(RetentionPolicy(keepDaily: 1).apply(to: [], now: far).isEmpty)
    }
}
