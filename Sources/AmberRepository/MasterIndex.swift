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
        var blobs = BlobTable()
        var packs: [BlobID: Int] = [:]
        /// The key generation of each pack not of generation 0.
        var generations: [BlobID: UInt16] = [:]
        var indexFiles: Set<String> = []
        var duplicates = 0
        /// Packs a prune plan will delete, and the blobs found only in them.
        var excludedPacks: Set<BlobID> = []
        var excluded: [BlobID: BlobLocation] = [:]
    }

    private let state = Mutex(State())

    public init() {}

    /// Makes room for `count` more blobs, so that adding several index files grows the table once.
    public func reserve(_ count: Int) {
        state.withLock { $0.blobs.reserveCapacity(count) }
    }

    /// Adds the packs of an index file read from `name` (or written by this process).
    public func add(_ file: IndexFile, name: String?) {
        state.withLock { s in
            if let name {
                guard s.indexFiles.insert(name).inserted else { return }
            }
            // Grow once instead of rehashing repeatedly while hundreds of thousands of entries arrive.
            s.blobs.reserveCapacity(file.blobCount)
            s.generations.merge(file.generations) { known, _ in known }
            for (pack, entries) in file.packs {
                s.packs[pack, default: 0] += entries.count
                let isExcluded = s.excludedPacks.contains(pack)
                for e in entries {
                    if isExcluded {
                        if s.blobs.contains(e.id) {
                            s.duplicates += 1
                        } else if s.excluded[e.id] == nil {
                            s.excluded[e.id] = BlobLocation(pack: pack, entry: e)
                        }
                    } else if !s.blobs.insert(e, pack: pack) {
                        s.duplicates += 1
                    } else if !s.excluded.isEmpty {
                        s.excluded[e.id] = nil
                    }
                }
            }
        }
    }

    /// The key generation of a pack: what its index file or its trailer said (0 if nothing did).
    public func generation(of pack: BlobID) -> UInt16 { state.withLock { $0.generations[pack] ?? 0 } }

    /// The key generations of these packs that are not 0, for an index file listing them.
    public func generations(of packs: some Sequence<BlobID>) -> [BlobID: UInt16] {
        state.withLock { s in
            var found = [BlobID: UInt16]()
            for pack in packs { if let generation = s.generations[pack] { found[pack] = generation } }
            return found
        }
    }

    /// Records a pack's key generation read from its trailer, unless an index file said it first.
    /// Returns the generation the index holds for the pack.
    @discardableResult
    public func noteGeneration(_ generation: UInt16, of pack: BlobID) -> UInt16 {
        state.withLock { s in
            if let known = s.generations[pack] { return known }
            if generation != 0 && s.packs[pack] == nil { s.generations[pack] = generation }
            return s.packs[pack] == nil ? generation : 0
        }
    }

    /// Treats the blobs of these packs as absent (they await deletion by prune) unless another
    /// pack also holds them. Call before loading the index files that list them.
    public func exclude(packs: Set<BlobID>) {
        state.withLock { $0.excludedPacks.formUnion(packs) }
    }

    /// The location of a blob that is only in packs awaiting deletion.
    public func excludedLocation(_ id: BlobID) -> BlobLocation? { state.withLock { $0.excluded[id] } }

    /// Blobs that are only in packs awaiting deletion.
    public var excludedBlobs: [BlobID: BlobLocation] { state.withLock { $0.excluded } }

    /// Whether an index file has already been loaded.
    public func hasLoaded(_ name: String) -> Bool { state.withLock { $0.indexFiles.contains(name) } }

    public func lookup(_ id: BlobID) -> BlobLocation? { state.withLock { $0.blobs.lookup(id) } }

    public func contains(_ id: BlobID) -> Bool { state.withLock { $0.blobs.contains(id) } }

    public var blobCount: Int { state.withLock { $0.blobs.count } }

    /// Every pack the index knows, with its number of entries.
    public var packs: [BlobID: Int] { state.withLock { $0.packs } }

    /// Every blob location (a copy).
    public var allBlobs: [BlobID: BlobLocation] { state.withLock { $0.blobs.dictionary } }
}
