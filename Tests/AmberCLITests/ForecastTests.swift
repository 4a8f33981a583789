import AmberKit
import AmberTesting
import Foundation
import Testing

/// `amber forecast` (issue 17) on a history whose growth is known: 30 daily backups of a
/// collection where 1 % of the documents change and 0.5 % are added each day.
@Suite(.serialized)
struct ForecastTests {
    let temp = TemporaryDirectory()
    var amber: AmberRunner { AmberRunner(repository: temp.sub("repo"), cacheDirectory: temp.sub("cache")) }

    static func day(_ number: Int) -> String { "2026-11-\(number < 10 ? "0" : "")\(number)T03:00:00Z" }

    /// The bytes of every file of the repository (directories not counted).
    func repositoryBytes() -> Double {
        let files = FileManager.default.enumerator(atPath: temp.sub("repo"))?.compactMap { $0 as? String } ?? []
        return files.reduce(0.0) { total, file in
            let attributes = try? FileManager.default.attributesOfItem(atPath: temp.sub("repo") + "/" + file)
            return total + (attributes?[.type] as? FileAttributeType == .typeRegular ? Double(attributes?[.size] as? Int ?? 0) : 0)
        }
    }

    /// Makes the 30 backups and returns the repository's snapshots, oldest first, and the
    /// repository's size after day 10 and after day 30.
    func history() throws -> (records: [SnapshotRecord], day10: Double, day30: Double) {
        var day10 = 0.0
        #expect(amber.run(["init"]).code == 0)
        var generator = SplitMix64(seed: 30)
        var documents = (0..<4000).map { index in (id: 10_000 + index, value: Int(generator.next() % 1_000_000)) }
        let text = String(repeating: "lorem ipsum dolor sit amet ", count: 4)
        for day in 1...30 {
            if day > 1 {
                for _ in 0..<(documents.count / 100) { documents[Int(generator.next() % UInt64(documents.count))].value = Int(generator.next() % 1_000_000) }
                let next = (documents.last?.id ?? 0) + 1
                documents += (0..<20).map { (id: next + $0, value: Int(generator.next() % 1_000_000)) }
            }
            let lines = documents.map { "{\"_id\":\"d\($0.id)\",\"n\":\($0.value),\"text\":\"\(text)\($0.value)\"}\n" }.joined()
            try lines.write(toFile: temp.sub("docs.ndjson"), atomically: true, encoding: .utf8)
            let backup = amber.run(["backup", "ndjson:" + temp.sub("docs.ndjson"), "--time", Self.day(day)])
            try #require(backup.code == 0, "\(backup.stderr)")
            if day == 10 { day10 = repositoryBytes() }
        }
        let repository = try Repository.open(backend: try BackendLocation.open(temp.sub("repo"), environment: [:]),
                                             password: Array(amber.password.utf8))
        return (try repository.listSnapshots().sorted { $0.snapshot.date < $1.snapshot.date }, day10, repositoryBytes())
    }

    @Test func aForecastFromTenDaysPredictsDayThirtyAndPoliciesAreAppliedAsForgetDoes() throws {
        let (records, day10, day30) = try history()
        try #require(records.count == 30)
        // Back-test: from days 1-10 and the repository then, the repository on day 30 (nothing was forgotten).
        let first = Array(records.prefix(10))
        let end = records[29].snapshot.date.addingTimeInterval(3600)
        let forecast = StorageForecast(records: first, policy: nil,
                                       overheadPerBackup: StorageForecast.overheadPerBackup(records: first, storedBytes: day10),
                                       readRate: 1e8, now: first[9].snapshot.date.addingTimeInterval(3600), horizon: end)
        let predicted = try #require(forecast.figures(at: end, since: first[9].snapshot.date)[.amber])
        #expect(abs(predicted.repositoryBytes - day30) / day30 < 0.15, "predicted \(predicted.repositoryBytes), actual \(day30)")
        #expect(forecast.keptCount(at: end) == 30)
        let rates = try #require(forecast.summaries.first?.rates)
        #expect(rates.interval == 86400)
        #expect(rates.churnPerBackup > rates.growthPerBackup)

        // The CLI at day 30 under a policy: month 0 keeps what forget keeps (its dry run is the oracle).
        let at = records[29].snapshot.time
        let result = amber.run(["forecast", "--at", at, "--keep-daily", "7", "--keep-weekly", "4", "--months", "12", "--json"])
        #expect(result.code == 0, "\(result.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let months = try #require(report["months"] as? [[String: Any]])
        #expect(months.count == 13)
        let forget = amber.run(["forget", "--keep-daily", "7", "--keep-weekly", "4", "--dry-run", "--json"])
        let groups = try #require(try JSONSerialization.jsonObject(with: Data(forget.stdout.utf8)) as? [[String: Any]])
        #expect(months[0]["kept_snapshots"] as? Int == (groups.first?["keep"] as? [Any])?.count)
        let last = try #require(months[12]["strategies"] as? [String: [String: Double]])
        let amberBytes = try #require(last["amber"]?["repository_bytes"])
        #expect(amberBytes < (last["weekly_full_daily_incremental"]?["repository_bytes"] ?? 0))
        #expect(amberBytes < (last["full_every_time"]?["repository_bytes"] ?? 0))
        #expect((last["amber"]?["sent_bytes"] ?? 0) > 0)
        #expect(report["recommended"] as? String == "amber")
        // Under retention the repository grows far slower than with every snapshot kept.
        let all = amber.run(["forecast", "--at", at, "--months", "12", "--json"])
        let allMonths = try #require((try JSONSerialization.jsonObject(with: Data(all.stdout.utf8)) as? [String: Any])?["months"] as? [[String: Any]])
        let allLast = try #require(allMonths[12]["strategies"] as? [String: [String: Double]])
        #expect(amberBytes < (allLast["amber"]?["repository_bytes"] ?? 0))
        #expect(allMonths[12]["kept_snapshots"] as? Int ?? 0 > 350)
    }
}
