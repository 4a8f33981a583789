import AmberCore
import AmberRepository
import AmberStorage
import Foundation
import Synchronization

/// A snapshot with its id.
public struct SnapshotRecord: Sendable {
    public let id: BlobID
    public let snapshot: Snapshot

    public init(id: BlobID, snapshot: Snapshot) {
        self.id = id
        self.snapshot = snapshot
    }

    /// The id of the snapshot's root tree.
    ///
    /// - Throws: ``RepositoryError/Code/damaged`` when the snapshot names none.
    public func rootTree() throws(RepositoryError) -> BlobID {
        guard let root = snapshot.treeID else { throw RepositoryError(.damaged, "snapshot \(id.shortHex) has no root tree") }
        return root
    }
}

extension Repository {
    /// Saves a snapshot (after every blob it references is indexed). Returns its id.
    public func saveSnapshot(_ snapshot: Snapshot) throws(RepositoryError) -> BlobID {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let payload = (try? encoder.encode(snapshot)).map { Array($0) } ?? []
        let (name, _) = try saveFile(.snapshot, kind: .snapshots, payload: payload)
        return BlobID(hex: name)!
    }

    /// Removes a snapshot's file (the blobs it references stay until `prune`).
    public func removeSnapshot(_ id: BlobID) throws(RepositoryError) {
        try RepositoryError.catching { () throws(BackendError) in try backend.remove(FileHandle(.snapshots, id.hex)) }
    }

    /// Loads one snapshot by id.
    public func loadSnapshot(_ id: BlobID) throws(RepositoryError) -> Snapshot {
        let payload = try loadFile(.snapshot, FileHandle(.snapshots, id.hex))
        do {
            return try JSONDecoder().decode(Snapshot.self, from: Data(payload))
        } catch {
            throw RepositoryError(.damaged, "snapshot \(id.shortHex) is damaged: not a snapshot")
        }
    }

    /// Every snapshot, oldest first. One that a `forget` removes between the listing and its
    /// loading is left out.
    public func listSnapshots() throws(RepositoryError) -> [SnapshotRecord] {
        let names = try RepositoryError.catching { () throws(BackendError) in try backend.list(.snapshots) }
        var records = [SnapshotRecord]()
        for (name, _) in names {
            guard let id = BlobID(hex: name), let snapshot = try loadListedSnapshot(id) else { continue }
            records.append(SnapshotRecord(id: id, snapshot: snapshot))
        }
        return records.sorted { ($0.snapshot.date, $0.id) < ($1.snapshot.date, $1.id) }
    }

    /// Every snapshot that can be read, oldest first. A snapshot file that cannot be (damaged,
    /// or its storage failing) is left out and reported once to the listener
    /// (``reportSkippedSnapshots(to:)``), so that one bad file does not hide the others: for
    /// what shows or chooses snapshots. What must account for every snapshot (prune's reachable
    /// blobs) reads them strictly (``listSnapshots()``).
    public func readableSnapshots() throws(RepositoryError) -> [SnapshotRecord] {
        let names = try RepositoryError.catching { () throws(BackendError) in try backend.list(.snapshots) }
        var records = [SnapshotRecord]()
        for (name, _) in names {
            guard let id = BlobID(hex: name) else { continue }
            do {
                guard let snapshot = try loadListedSnapshot(id) else { continue }
                records.append(SnapshotRecord(id: id, snapshot: snapshot))
            } catch {
                skipSnapshot(name, because: error.message)
            }
        }
        return records.sorted { ($0.snapshot.date, $0.id) < ($1.snapshot.date, $1.id) }
    }

    /// The snapshot files ``readableSnapshots()`` left out so far, by name, with why.
    public var skippedSnapshots: [String: String] { skippedSnapshotFiles.withLock { $0 } }

    /// Has `listener` hear, once per file, of every snapshot file ``readableSnapshots()`` leaves
    /// out from now on: a line that names the file, says why and what to do.
    public func reportSkippedSnapshots(to listener: @escaping @Sendable (String) -> Void) {
        skippedSnapshotListener.withLock { $0 = listener }
    }

    private func skipSnapshot(_ name: String, because reason: String) {
        let isNew = skippedSnapshotFiles.withLock { $0.updateValue(reason, forKey: name) == nil }
        guard isNew, let listener = skippedSnapshotListener.withLock({ $0 }) else { return }
        listener("snapshot \(name.prefix(8)) cannot be read and is left out (\(reason)): `amber check` says more, "
                 + "`amber forget \(name.prefix(8))` removes it")
    }

    /// A snapshot a listing named: `nil` when it is gone since (removed by a `forget`, which
    /// runs beside backups, restores and checks), its error otherwise.
    public func loadListedSnapshot(_ id: BlobID) throws(RepositoryError) -> Snapshot? {
        do {
            return try loadSnapshot(id)
        } catch where error.code == .storage {
            if (try? backend.exists(FileHandle(.snapshots, id.hex))) == false { return nil }
            throw error
        }
    }

    /// Finds a snapshot by `latest`, a full id, or a unique prefix of one.
    public func findSnapshot(_ reference: String) throws(RepositoryError) -> SnapshotRecord {
        if reference == "latest" {
            guard let last = try readableSnapshots().last else {
                throw RepositoryError(.invalidArgument, "the repository has no snapshots")
            }
            return last
        }
        let id = try snapshotID(matching: reference)
        return SnapshotRecord(id: id, snapshot: try loadSnapshot(id))
    }

    /// The id of the one snapshot file whose name is `reference` or begins with it, without
    /// reading the file (a damaged one too: `forget` removes it by id).
    public func snapshotID(matching reference: String) throws(RepositoryError) -> BlobID {
        try fileIDs(matching: [reference], in: .snapshots, noun: "snapshot", hint: "hex digits or \"latest\"")[0]
    }
}

