import AmberCore
import AmberFilesystem
import Foundation

/// What a backup records besides the files, and how it reads its sources.
public struct BackupOptions: Sendable {
    public var tags: [String] = []
    public var host: String
    public var time: Date
    /// Where the files cache lives (nil: no cache).
    public var cacheDirectory: String?
    /// Whether collection sources are stored as runs on their previous backup (false: every
    /// collection is stored compact, as its whole tree, deduplicated against what is stored).
    public var usesParent = true
    /// How collection sources are read.
    public var collections = CollectionOptions()
    /// What directory sources leave out (`--exclude` and the rest).
    public var excludes = ExcludeRules()
    /// Read and count everything, write nothing: no pack, index, snapshot or files cache
    /// (`--dry-run`); the result's statistics say what a real backup would add.
    public var dryRun = false
    /// Whether extended attributes (and with them POSIX ACLs) are stored (`--no-xattrs`: false).
    public var extendedAttributes = true
    /// The snapshot whose collections later ones build on (`--parent`), instead of the newest
    /// earlier backup of the same host and source.
    public var parent: BlobID?

    public init(tags: [String] = [], host: String, time: Date, cacheDirectory: String?, usesParent: Bool = true,
                collections: CollectionOptions = CollectionOptions(), excludes: ExcludeRules = ExcludeRules()) {
        self.excludes = excludes
        self.tags = tags
        self.host = host
        self.time = time
        self.cacheDirectory = cacheDirectory
        self.usesParent = usesParent
        self.collections = collections
    }
}
