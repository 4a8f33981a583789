import AmberCore
import AmberDocuments
import AmberManifest
import AmberRepository
import AmberTesting
import Dispatch

/// `AmberManifestBench rows [ROWS]`: what a first backup of a PostgreSQL table costs after the
/// rows are read, without the server or the key derivation: `pgbench_accounts`-like rows (every
/// value text, as a `postgresql://` source stores them; default 1,000,000) through a
/// ``PipelinedBuilder`` into a ``CollectionBuilder`` without a parent (the canonical tree and a
/// packed base), into an in-memory repository; then the columnar encoding of the base's leaves
/// alone. Wall and CPU seconds of each: the CPU is what the two cores of a backup share.
enum RowsBench {
    static func rows(_ count: Int) -> [(key: [UInt8], value: [UInt8])] {
        let filler = [UInt8](repeating: UInt8(ascii: " "), count: 84)
        return (1...count).map { aid in
            let row = DatabaseRow([
                .init("aid", .text(Array(String(aid).utf8))),
                .init("bid", .text(Array(String(aid / 100_000 + 1).utf8))),
                .init("abalance", .text(Array("0".utf8))),
                .init("filler", .text(filler)),
            ])
            return (DocumentKey.composite([.integer(Int64(aid))]).encoded, row.encoded)
        }
    }

    static func run(_ arguments: [String]) throws {
        let count = arguments.count > 0 ? Int(arguments[0])! : 1_000_000
        let entries = rows(count)
        for round in 1...3 {
            // A new repository each round: one that holds the blobs already stores nothing.
            let repository = try Repository.initialize(backend: MemoryBackend(), password: Array("bench".utf8), scrypt: .testing)
            let (wall, cpu) = try measure {
                let writer = BlobWriter(repository: repository)
                let builder = PipelinedBuilder(try CollectionBuilder(repository: repository, writer: writer, parent: nil))
                for (key, value) in entries { try builder.append(key: key, value: value) }
                _ = try builder.finish()
                _ = try writer.finish()
            }
            print("round \(round): \(count) rows, collection build \(fixed(wall, 2)) s wall, \(fixed(cpu, 2)) s CPU")
        }
        let leaf = 2_500
        let columnEntries = entries.prefix(leaf * (count / leaf)).map { RowColumns.Entry(key: $0.key, row: $0.value) }
        let (wall, cpu) = try measure {
            for start in stride(from: 0, to: columnEntries.count, by: leaf) {
                guard RowColumns.encode(Array(columnEntries[start..<start + leaf]), checkingWithin: 64 << 20) != nil else {
                    throw ManifestError(.invalidArgument, "rows that do not fit the columnar form")
                }
            }
        }
        print("columnar encode with read-back check, leaves of \(leaf) rows: \(fixed(wall, 2)) s wall, \(fixed(cpu, 2)) s CPU")
    }

    static func measure(_ body: () throws -> Void) throws -> (wall: Double, cpu: Double) {
        let start = DispatchTime.now().uptimeNanoseconds, cpu = cpuSeconds()
        try body()
        return (Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9, cpuSeconds() - cpu)
    }
}
