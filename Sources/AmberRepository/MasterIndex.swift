import AmberCore
import Synchronization

/// Where a blob is: its pack and its entry there.
public struct BlobLocation: Sendable, Equatable {
    public var pack: BlobID
    public var entry: PackEntry
}

/// The in-memory union of every index file: blob id → location. Thread-safe.
///
/// A blob may be in several packs (two backups stored it at the same time); the first location
/// seen is kept and the others are counted as duplicates.
public final class MasterIndex: Sendable {
    private struct State {
        var blobs: [BlobID: BlobLocation] = [:]
        var packs: [BlobID: Int] = [:]
        var indexFiles: Set<String> = []
        var duplicates = 0
    }

    private let state = Mutex(State())

    public init() {}

    /// Adds the packs of an index file read from `name` (or written by this process).
    public func add(_ file: IndexFile, name: String?) {
        state.withLock { s in
            if let name {
                guard s.indexFiles.insert(name).inserted else { return }
            }
            for (pack, entries) in file.packs {
                s.packs[pack, default: 0] += entries.count
                for e in entries {
                    if s.blobs[e.id] == nil {
                        s.blobs[e.id] = BlobLocation(pack: pack, entry: e)
                    } else {
                        s.duplicates += 1
                    }
                }
            }
        }
    }

    /// Whether an index file has already been loaded.
    public func hasLoaded(_ name: String) -> Bool { state.withLock { $0.indexFiles.contains(name) } }

    public func lookup(_ id: BlobID) -> BlobLocation? { state.withLock { $0.blobs[id] } }

    public func contains(_ id: BlobID) -> Bool { state.withLock { $0.blobs[id] != nil } }

    public var blobCount: Int { state.withLock { $0.blobs.count } }

    /// Every pack the index knows, with its number of entries.
    public var packs: [BlobID: Int] { state.withLock { $0.packs } }

    /// Every blob location (a copy).
    public var allBlobs: [BlobID: BlobLocation] { state.withLock { $0.blobs } }
}
