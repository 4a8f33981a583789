import AmberCore
import AmberRepository
import AmberSnapshot

/// A source that is a set of collections (an NDJSON file, a SQLite database…) rather than a
/// directory tree: ``JSONCollection``, ``SQLiteCollections``, ``PostgresCollections``. It is
/// opened, and its input validated, before the backup writes anything; then
/// ``archive(repository:writer:parent:)`` stores it as manifests under one collection set.
public protocol CollectionSource: AnyObject {
    /// The name of the source's entry in the snapshot's root tree.
    var entryName: [UInt8] { get }
    /// What the user should know after ``archive(repository:writer:parent:)`` without the backup
    /// being partial (a collection stored whole because its previous backup could not be read).
    var notes: [String] { get }
    /// Stores the collections; returns the collection set's id and what each collection holds.
    /// `parent` is the set this source's previous backup saved, if any: collections found in it
    /// are stored as changes on top of it (`docs/manifest-format.md` §Runs).
    func archive(repository: Repository, writer: BlobWriter, parent: CollectionSet?) throws -> (set: BlobID, collections: [Snapshot.CollectionSummary])
    /// Starts reading what ``archive(repository:writer:parent:)`` will store, on a thread of the
    /// source's own and into a bounded buffer, so that reading overlaps with unlocking the
    /// repository. Sources that do not read ahead ignore it.
    func startReading()
}

extension CollectionSource {
    public func startReading() {}
}

extension CollectionSource {
    /// What each collection of a set holds, named `ENTRY/COLLECTION`.
    func summaries(_ set: CollectionSet) -> [Snapshot.CollectionSummary] {
        let entry = String(decoding: entryName, as: UTF8.self)
        return set.collections.map { .init(name: entry + "/" + $0.displayName, documents: $0.manifest.count, bytes: $0.manifest.valueBytes) }
    }

    /// Stores `set` as a tree blob; returns its id and what each collection holds.
    func save(_ set: CollectionSet, _ repository: Repository, _ writer: BlobWriter) throws -> (set: BlobID, collections: [Snapshot.CollectionSummary]) {
        (try writer.addTree(set.encoded(), hasher: repository.makeIDHasher(for: .tree)), summaries(set))
    }
}
