import AmberStorage
import Synchronization

/// The files on both sides, listed once before anything is copied.
struct SyncListing {
    /// The source's files by kind, snapshots listed first: a snapshot is saved after its index
    /// files, an index file after its packs.
    var source = [FileKind: [(name: String, size: Int)]]()
    /// The destination's files by kind: name to size.
    var destination = [FileKind: [String: Int]]()

    /// The source's files of `kind` the destination lacks or holds at another size.
    func missing(_ kind: FileKind) -> [(name: String, size: Int)] {
        let present = destination[kind] ?? [:]
        return (source[kind] ?? []).filter { present[$0.name] != $0.size }
    }

    /// How many files of `kinds` a sync copies, and their bytes.
    func missing(kinds: [FileKind]) -> (files: Int, bytes: Int) {
        kinds.map(missing).reduce((files: 0, bytes: 0)) { total, files in
            (total.files + files.count, total.bytes + files.reduce(0) { $0 + $1.size })
        }
    }
}

/// A ``SyncReport`` the copying threads update.
final class SharedSyncReport: Sendable {
    private let report = Mutex(SyncReport())

    func withLock<T>(_ body: (inout SyncReport) -> T) -> T {
        report.withLock { body(&$0) }
    }
}

extension RepositorySync {
    /// The source's config; `.noRepository` when it has none.
    func loadSourceConfig() throws(RepositoryError) -> [UInt8] {
        do {
            return try source.load(.config)
        } catch where error.code == .notFound {
            throw RepositoryError(.noRepository, "there is no repository at \(source.location)")
        } catch {
            throw RepositoryError.storage(error)
        }
    }

    func listFiles() throws(RepositoryError) -> SyncListing {
        var listing = SyncListing()
        for kind in [FileKind.snapshots, .plans, .index, .data, .keys, .copies] { listing.source[kind] = try source.listPresent(kind) }
        for kind in Self.deletionOrder {
            listing.destination[kind] = Dictionary(try destination.listPresent(kind).map { ($0.name, $0.size) }, uniquingKeysWith: { a, _ in a })
        }
        return listing
    }

    /// Copies the files of one phase's kinds that the destination lacks (or has at another size).
    func copy(_ phase: [FileKind], _ files: SyncListing, _ report: SharedSyncReport,
              _ progress: @escaping @Sendable (Int) -> Void) throws(RepositoryError) {
        var jobs = [(handle: AmberStorage.FileHandle, size: Int)]()
        for kind in phase {
            let listed = files.source[kind] ?? []
            let missing = files.missing(kind)
            report.withLock {
                $0[kind].sourceFiles += listed.count
                $0[kind].presentFiles += listed.count - missing.count
            }
            jobs += missing.map { (AmberStorage.FileHandle(kind, $0.name), $0.size) }
        }
        let copier = self, queued = jobs
        try SyncWorkers.run(count: queued.count, threads: options.parallelism) { i throws(RepositoryError) in
            let job = queued[i]
            let copied = try copier.copy(job.handle, expected: nil)
            report.withLock {
                if let copied {
                    $0[job.handle.kind].copiedFiles += 1
                    $0[job.handle.kind].copiedBytes += Int64(copied)
                } else {
                    $0[job.handle.kind].vanishedFiles += 1
                }
            }
            if let copied { progress(copied) }
        }
    }

    /// Removes the destination's files of `kinds` (all: ``deletionOrder``) that the source does
    /// not have, in that order.
    func deleteExtraFiles(_ files: SyncListing, _ report: SharedSyncReport, kinds: [FileKind] = deletionOrder) throws(RepositoryError) {
        for kind in kinds {
            let keep = Set((files.source[kind] ?? []).map(\.name))
            let extra = (files.destination[kind] ?? [:]).filter { !keep.contains($0.key) }.sorted { $0.key < $1.key }
            let target = destination
            try SyncWorkers.run(count: extra.count, threads: options.parallelism) { i throws(RepositoryError) in
                try storage { () throws(BackendError) in try target.remove(AmberStorage.FileHandle(kind, extra[i].key)) }
                report.withLock {
                    $0[kind].deletedFiles += 1
                    $0[kind].deletedBytes += Int64(extra[i].value)
                }
            }
        }
    }
}
