import AmberCore
import AmberDocuments
import AmberManifest
import AmberRepository
import AmberTesting
import Dispatch

/// `AmberManifestBench merge [ROWS] [DAYS] [CHANGES]`: what reading a collection kept as a base
/// and runs costs against reading the same rows from one packed base, the way a restore reads
/// them (``ManifestReader/scan(from:_:)``). A pgbench-like table of ROWS rows (default 1,000,000)
/// is backed up on DAYS days (default 30), CHANGES random rows updated and CHANGES appended
/// before each (default 4,000: `pgbench -t 2000 -c 2`), and compacted after each backup, as
/// `Benchmarks/retention` does; then both forms of the last day are scanned.
enum MergeBench {
    static func row(_ aid: Int, balance: Int) -> (key: [UInt8], value: [UInt8]) {
        let row = DatabaseRow([
            .init("aid", .integer(Int64(aid))),
            .init("bid", .integer(Int64(aid / 100_000 + 1))),
            .init("abalance", .integer(Int64(balance))),
            .init("filler", .text(Array(repeating: UInt8(ascii: " "), count: 84))),
        ])
        return (DocumentKey.composite([.integer(Int64(aid))]).encoded, row.encoded)
    }

    /// A backup of the rows `1..<balances.count` (index 0 unused) on top of `parent`.
    static func backup(_ repository: Repository, parent: CollectionManifest?, balances: ArraySlice<Int>) throws -> CollectionManifest {
        let writer = BlobWriter(repository: repository)
        let builder = try CollectionBuilder(repository: repository, writer: writer, parent: parent)
        for aid in 1..<balances.endIndex {
            let (key, value) = row(aid, balance: balances[aid])
            try builder.append(key: key, value: value)
        }
        let built = try builder.finish()
        _ = try writer.finish()
        return built
    }

    static func run(_ arguments: [String]) throws {
        let rows = arguments.count > 0 ? Int(arguments[0])! : 1_000_000
        let days = arguments.count > 1 ? Int(arguments[1])! : 30
        let changes = arguments.count > 2 ? Int(arguments[2])! : 4_000
        let repository = try Repository.initialize(backend: MemoryBackend(), password: Array("bench".utf8), scrypt: .testing)
        var balances = [Int](repeating: 0, count: rows + 1)
        var count = rows
        var rng = BenchRandom(seed: 7)
        var manifest: CollectionManifest? = nil
        for day in 1...days {
            if day > 1 {
                for _ in 0..<changes { balances[1 + rng.below(count)] += rng.below(10_000) - 5_000 }
                balances += [Int](repeating: 7, count: changes)
                count += changes
            }
            var built = try backup(repository, parent: manifest, balances: balances[...count])
            let compactWriter = BlobWriter(repository: repository)
            built = try CollectionCompactor(repository: repository, writer: compactWriter).compact(built)
            _ = try compactWriter.finish()
            manifest = built
        }
        let layered = manifest!
        let single = try backup(repository, parent: nil, balances: balances[...count])
        print("rows \(count) after \(days) days; layered: \(layered.runs.count) runs (tiers \(layered.tiers)), "
              + "\(layered.runEntries) run entries; canonical roots \(layered.canonical == single.canonical ? "equal" : "DIFFER")")
        for round in 1...3 {
            for (name, m) in [("one base", single), ("base and runs", layered)] {
                let start = DispatchTime.now().uptimeNanoseconds, cpu = cpuSeconds()
                var n = 0, bytes = 0
                try ManifestReader(repository: repository, manifest: m).scan { key, value in
                    n += 1
                    bytes &+= key.count &+ value.count
                    return true
                }
                let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                print("round \(round) scan \(name): \(n) entries, \(fixed(seconds, 3)) s wall, CPU \(fixed(cpuSeconds() - cpu, 3)) s")
            }
        }
    }
}
