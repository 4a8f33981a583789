import AmberCore
import AmberRepository
import Foundation

/// A snapshot: the root of one backup, with when, where and what (`docs/format.md` §Snapshots).
/// Stored as a sealed file whose payload is this structure in JSON; its id is the file's name.
public struct Snapshot: Codable, Sendable, Equatable {
    /// Counts for `amber snapshots`.
    public struct Statistics: Codable, Sendable, Equatable {
        /// Files (documents) in the snapshot.
        public var documents: UInt64
        /// Their logical size in bytes.
        public var bytes: UInt64
        /// Bytes of repository files this backup wrote (packs and index files, before the snapshot file).
        public var addedBytes: UInt64
        public var directories: UInt64
        public var blobsAdded: UInt64

        public init(documents: UInt64 = 0, bytes: UInt64 = 0, addedBytes: UInt64 = 0, directories: UInt64 = 0, blobsAdded: UInt64 = 0) {
            self.documents = documents
            self.bytes = bytes
            self.addedBytes = addedBytes
            self.directories = directories
            self.blobsAdded = blobsAdded
        }

        enum CodingKeys: String, CodingKey {
            case documents, bytes, directories
            case addedBytes = "added_bytes"
            case blobsAdded = "blobs_added"
        }
    }

    /// One collection of a database or collection source, for `amber snapshots`.
    public struct CollectionSummary: Codable, Sendable, Equatable {
        /// `ENTRY/COLLECTION`: the source's root entry and the collection (table) name.
        public var name: String
        public var documents: UInt64
        public var bytes: UInt64

        public init(name: String, documents: UInt64, bytes: UInt64) {
            self.name = name
            self.documents = documents
            self.bytes = bytes
        }
    }

    public var version: Int = 1
    /// RFC 3339 with fractional seconds.
    public var time: String
    public var host: String
    public var username: String
    public var tags: [String]
    /// The sources as the user gave them.
    public var sources: [String]
    /// The root tree's id (hex): one entry per source, named by the source's last component.
    public var tree: String
    /// The snapshot this one was compared with, if any (hex).
    public var parent: String?
    /// The snapshot this one replaced, if `amber compact` rewrote its layers or `amber tag` its
    /// tags (hex): the first snapshot of the backup, kept through later replacements.
    public var original: String?
    public var program: String
    public var stats: Statistics
    /// The collections of collection sources (absent when there are none).
    public var collections: [CollectionSummary]?

    public init(time: String, host: String, username: String, tags: [String], sources: [String], tree: BlobID,
                parent: BlobID?, program: String, stats: Statistics) {
        self.time = time
        self.host = host
        self.username = username
        self.tags = tags
        self.sources = sources
        self.tree = tree.hex
        self.parent = parent?.hex
        self.program = program
        self.stats = stats
    }

    public var treeID: BlobID? { BlobID(hex: tree) }
    public var date: Date { RFC3339.parse(time) ?? Date(timeIntervalSince1970: 0) }
}
