import AmberManifest
import AmberRepository
import AmberSnapshot
import Foundation

extension PostgresCollections {
    /// The tables' collections, in schema order: read directly (no reader started), from the one
    /// reader, or from each reader on a thread of its own.
    func buildCollections(_ repository: Repository, _ writer: BlobWriter, parent: CollectionSet?) throws -> [CollectionSet.Collection] {
        let tables = schema.tables.map(\.qualifiedName)
        var notes = [String]()
        defer { ownNotes += notes }
        guard readers.count > 1 else {
            let readAhead = readers.first?.readAhead
            return try CollectionSet.buildCollections(tables, engine: .postgresql, parent: parent, repository, writer, notes: &notes,
                                                      hashesLeaves: false) { table, builder in
                // Rows read ahead reach the builder chunk by chunk, their leaf boundaries hashed by the reader.
                if let readAhead {
                    try readAhead.forEachChunk(of: table) { rows in try builder.append(entries: rows) }
                } else {
                    try source.forEachEncodedRow(table: table) { key, row in try builder.append(key: key, value: row) }
                }
            }
        }
        let built = ParallelBuild(count: tables.count)
        let position = Dictionary(uniqueKeysWithValues: tables.enumerated().map { ($0.element, $0.offset) })
        let readers = self.readers
        built.run(readers.count) { index in
            let reader = readers[index]
            for table in reader.tables {
                var tableNotes = [String]()
                let manifest = try CollectionSet.buildManifest(repository, writer, parent: parent?.parentManifest(engine: .postgresql, name: table),
                                                               name: table, notes: &tableNotes) { builder in
                    try reader.readAhead.forEachChunk(of: table) { rows in try builder.append(entries: rows) }
                }
                built.set(position[table] ?? 0, manifest, notes: tableNotes)
            }
        } onFailure: {
            // The other readers stop too; their consumers then fail with a cancellation, not reported.
            for reader in readers { reader.readAhead.cancel() }
        }
        let (manifests, tableNotes) = try built.result()
        notes = tableNotes
        return zip(tables, manifests).map { CollectionSet.Collection(name: Array($0.utf8), manifest: $1) }
    }
}

/// The collections that readers build side by side, each into its table's slot, and the first
/// error one of them met.
final class ParallelBuild: @unchecked Sendable {
    private let condition = NSCondition()
    private var manifests: [CollectionManifest?]
    private var notes: [[String]]
    private var failure: (any Error)?
    private var running = 0

    init(count: Int) {
        manifests = Array(repeating: nil, count: count)
        notes = Array(repeating: [], count: count)
    }

    func set(_ slot: Int, _ manifest: CollectionManifest, notes slotNotes: [String]) {
        condition.lock()
        manifests[slot] = manifest
        notes[slot] = slotNotes
        condition.unlock()
    }

    /// Runs `body(0..<count)` on as many threads and waits for them all; the first error
    /// calls `onFailure` (once) so that the others stop.
    func run(_ count: Int, _ body: @escaping @Sendable (Int) throws -> Void, onFailure: @escaping @Sendable () -> Void) {
        condition.lock()
        running = count
        condition.unlock()
        for index in 0..<count {
            let thread = Thread { [self] in
                var error: (any Error)?
                do { try body(index) } catch let thrown { error = thrown }
                condition.lock()
                let first = error != nil && failure == nil
                if first { failure = error }
                condition.unlock()
                if first { onFailure() }
                condition.lock()
                running -= 1
                condition.broadcast()
                condition.unlock()
            }
            thread.stackSize = 4 << 20
            thread.start()
        }
        condition.lock()
        while running > 0 { condition.wait() }
        condition.unlock()
    }

    /// The manifests in slot order and the notes of each slot, or the first error.
    func result() throws -> ([CollectionManifest], [String]) {
        condition.lock()
        defer { condition.unlock() }
        if let failure { throw failure }
        let built = manifests.compactMap { $0 }
        guard built.count == manifests.count else { throw SourceError(file: "", message: "a table was not read") }
        return (built, notes.flatMap { $0 })
    }
}

/// How parallel readers share the tables: each table, largest first, goes to the reader with
/// the fewest bytes so far (the longest-processing-time rule), so that the largest table alone
/// bounds the time; each reader reads its tables in schema order.
enum TableGroups {
    /// `tables` shared among `count` readers, by `sizes` (bytes by table; unknown: 0).
    static func share(_ tables: [String], among count: Int, sizes: [String: Int64]) -> [[String]] {
        guard count > 1 else { return [tables] }
        var loads = [Int64](repeating: 0, count: count)
        var groups = [[Int]](repeating: [], count: count)
        let bySize = tables.indices.sorted { (sizes[tables[$0]] ?? 0, $1) > (sizes[tables[$1]] ?? 0, $0) }
        for index in bySize {
            let reader = loads.indices.min { (loads[$0], $0) < (loads[$1], $1) } ?? 0
            loads[reader] += max(sizes[tables[index]] ?? 0, 1)
            groups[reader].append(index)
        }
        return groups.map { $0.sorted().map { tables[$0] } }.filter { !$0.isEmpty }
    }
}
