import AmberCore
import AmberRepository
import AmberSnapshot

/// A source that is a set of collections (an NDJSON file, a SQLite database…) rather than a
/// directory tree. It is opened, and its input validated, before the backup writes anything;
/// then ``archive(repository:writer:)`` stores it as manifests under one collection set.
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
}

/// Opens collection sources from their source strings (`ndjson:PATH`, `sqlite:PATH`, …).
public protocol CollectionSourceOpener {
    /// The source, validated and ready; nil when the string is not a collection source (a path).
    func open(_ source: String) throws -> (any CollectionSource)?
}
