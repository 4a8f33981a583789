import AmberCore
import AmberCrypto
import AmberStorage
import Dispatch
import Synchronization

/// What a ``BlobWriter`` added to the repository.
public struct WriteStatistics: Sendable, Equatable {
    /// Blobs stored (not already in the repository).
    public var blobs = 0
    /// Their plaintext bytes.
    public var rawBytes: UInt64 = 0
    /// Bytes of repository files written: packs and index files.
    public var storedBytes: UInt64 = 0
    public var packs = 0
    public var indexFiles = 0

    public init() {}
}

/// Stores blobs: deduplicates them against the index, seals them on worker threads, groups
/// them into packs (tree blobs and data blobs in separate packs), and writes an index file
/// for the packs it wrote.
///
/// Write order (`docs/format.md` §Write order): a pack is saved before any index file names it,
/// and ``finish()`` returns only after the index files are saved, so a snapshot saved after it
/// references only indexed blobs.
public final class BlobWriter: Sendable {
    private struct OpenPack {
        var body: [UInt8] = []
        var entries: [PackEntry] = []
    }

    /// A blob waiting to be sealed.
    private struct Job {
        let type: BlobType
        let id: BlobID
        let plaintext: [UInt8]
        let level: Int32?
    }

    private struct State {
        var pending: Set<BlobID> = []
        /// Small blobs are sealed in batches, one worker task per batch instead of per blob.
        var batch: [Job] = []
        var batchBytes = 0

        /// Empties the batch and returns what it held.
        mutating func takeBatch() -> [Job] {
            defer { batch = []; batchBytes = 0 }
            return batch
        }
        var open: [BlobType: OpenPack] = [:]
        var unindexed: [(pack: BlobID, entries: [PackEntry])] = []
        /// The packs a writer that ``BlobWriter/holdsIndex`` saved (not those it adopted), for
        /// ``BlobWriter/discard(removingPacks:)``.
        var saved: [BlobID] = []
        var stats = WriteStatistics()
        var failure: RepositoryError?
        /// Set by ``BlobWriter/discard(removingPacks:)``: later blobs are dropped.
        var discarded = false
    }

    private let repository: Repository
    private let state = Mutex(State())
    private let slots: DispatchSemaphore
    private let group = DispatchGroup()
    private let queue = DispatchQueue(label: "amber.blobwriter", attributes: .concurrent)
    /// An index file is written after this many packs or blob entries, so an interrupted backup keeps
    /// most of its work and no index file grows past a few megabytes.
    private let packsPerIndexFile = 64
    private let entriesPerIndexFile = 100_000
    /// A batch goes to a worker once it holds this many bytes or blobs: a backup of a million
    /// small manifest leaves would otherwise hand each of them to a thread on its own, and perf
    /// showed the semaphore and queue wake-ups at about a tenth of its time.
    private let batchBytes = 256 << 10
    private let batchCount = 64

    /// Whether packs and index files are only counted, never saved (`backup --dry-run`).
    public let dryRun: Bool
    /// Whether index files wait for ``finish()``: no index file names a blob of this writer before
    /// it finishes, so ``discard(removingPacks:)`` can remove everything it saved.
    public let holdsIndex: Bool
    /// Whether each pack and index file is read back after its save and compared with what was
    /// written (``Repository/verifySaved(_:)``): for `prune`, which deletes the old copies of
    /// what it writes, so a write the storage shortened or lost unannounced must stop it first.
    public let verifiesSaves: Bool

    /// - Parameters:
    ///   - workers: threads sealing blobs at once (default: the number of cores).
    ///   - dryRun: seal and count everything, save nothing (``WriteStatistics`` says what a real
    ///     run would add).
    ///   - holdsIndex: write no index file before ``finish()`` (see ``holdsIndex``). A writer
    ///     killed on the way leaves its packs unindexed; the next backup adopts them.
    ///   - verifiesSaves: read back every file saved (see ``verifiesSaves``).
    public init(repository: Repository, workers: Int = System.coreCount, dryRun: Bool = false, holdsIndex: Bool = false,
                verifiesSaves: Bool = false) {
        self.repository = repository
        self.dryRun = dryRun
        self.holdsIndex = holdsIndex
        self.verifiesSaves = verifiesSaves
        slots = DispatchSemaphore(value: max(1, workers))
    }

    /// Stores a blob unless the repository or this writer already has it.
    /// Returns whether it was new. Throws the first failure of any worker. `level` overrides the
    /// repository's zstd level for this blob.
    @discardableResult
    public func add(_ type: BlobType, id: BlobID, plaintext: [UInt8], level: Int32? = nil) throws(RepositoryError) -> Bool {
        let (isNew, full): (Bool, [Job]?) = try state.withLock { s throws(RepositoryError) in
            if let failure = s.failure { throw failure }
            if s.discarded || repository.index.contains(id) || s.pending.contains(id) { return (false, nil) }
            s.pending.insert(id)
            s.batch.append(Job(type: type, id: id, plaintext: plaintext, level: level))
            s.batchBytes += plaintext.count
            guard s.batchBytes >= batchBytes || s.batch.count >= batchCount else { return (true, nil) }
            return (true, s.takeBatch())
        }
        if let full { dispatch(full) }
        return isNew
    }

    /// Hands a batch to a worker, waiting while every worker is busy.
    private func dispatch(_ jobs: [Job]) {
        slots.wait()
        queue.async(group: group) { [self] in
            defer { slots.signal() }
            do throws(RepositoryError) {
                for job in jobs { try seal(job.type, id: job.id, plaintext: job.plaintext, level: job.level) }
            } catch {
                state.withLock { if $0.failure == nil { $0.failure = error } }
            }
        }
    }

    /// Whether the repository or this writer has a blob.
    public func has(_ id: BlobID) -> Bool {
        state.withLock { s in repository.index.contains(id) || s.pending.contains(id) }
    }

    /// Waits for the workers, saves the open packs and the index file. Returns what was added.
    public func finish() throws(RepositoryError) -> WriteStatistics {
        let last = state.withLock { $0.takeBatch() }
        if !last.isEmpty { dispatch(last) }
        group.wait()
        if let failure = state.withLock({ $0.failure }) { throw failure }
        for type in BlobType.allCases {
            let pack = state.withLock { s -> OpenPack? in
                defer { s.open[type] = nil }
                return s.open[type]
            }
            if let pack, !pack.entries.isEmpty { try savePack(pack) }
        }
        while try saveIndex() {}
        return state.withLock { $0.stats }
    }

    /// Abandons the blobs of a backup that failed on bad input: drops every blob added from now
    /// on (threads of an abandoned manifest may still be adding leaves), waits for the workers,
    /// then, if `removingPacks`, removes the packs this writer saved, so the repository is as it
    /// was. Only for a writer that ``holdsIndex``; otherwise, or without `removingPacks`, the
    /// packs stay unindexed, for `prune` to remove or a later backup to adopt.
    ///
    /// - Parameter removingPacks: whether no other process can be using these packs. Another
    ///   backup reads packs that no index file names when it finds a stale lock or a damaged
    ///   index file (it adopts them), so the caller passes false in either case.
    public func discard(removingPacks: Bool) {
        state.withLock { s in
            s.discarded = true
            s.batch = []
            s.batchBytes = 0
        }
        group.wait()
        guard holdsIndex, !dryRun, removingPacks else { return }
        let saved = state.withLock { s in
            defer { s.saved = []; s.unindexed = []; s.open = [:] }
            return s.saved
        }
        for pack in saved {
            _ = try? storage { () throws(BackendError) in try repository.backend.remove(FileHandle(.data, pack.hex)) }
        }
    }

    /// Copies a sealed blob into a new pack, even though the index already has it elsewhere.
    /// Prune uses this to move the live blobs out of packs it will delete. A blob sealed under the
    /// current key generation is copied as it is (its key depends only on its generation, type
    /// and id); one of an older generation is sealed anew from `plaintext`, which the caller
    /// read and verified. Returns false if this writer already has it.
    @discardableResult
    public func copy(_ entry: PackEntry, envelope: [UInt8], generation: UInt16, plaintext: [UInt8]) throws(RepositoryError) -> Bool {
        guard generation == repository.currentGeneration else {
            let isNew: Bool = try state.withLock { s throws(RepositoryError) in
                if let failure = s.failure { throw failure }
                return s.pending.insert(entry.id).inserted
            }
            guard isNew else { return false }
            try seal(entry.type, id: entry.id, plaintext: plaintext, level: nil)
            return true
        }
        let isNew: Bool = try state.withLock { s throws(RepositoryError) in
            if let failure = s.failure { throw failure }
            return s.pending.insert(entry.id).inserted
        }
        guard isNew else { return false }
        try append(entry.type, id: entry.id, envelope: envelope, rawLength: entry.rawLength)
        return true
    }

    private func seal(_ type: BlobType, id: BlobID, plaintext: [UInt8], level: Int32?) throws(RepositoryError) {
        let envelope = try repository.withSealer { sealer throws(RepositoryError) in
            try sealer.seal(plaintext, key: sealer.blobKey(type, id), aad: Repository.blobAAD(type, id), level: level)
        }
        try append(type, id: id, envelope: envelope, rawLength: UInt32(plaintext.count))
    }

    private func append(_ type: BlobType, id: BlobID, envelope: [UInt8], rawLength: UInt32) throws(RepositoryError) {
        let full: OpenPack? = state.withLock { s in
            // Take the pack out of the dictionary so appending does not copy its body (copy-on-write).
            var pack = s.open.removeValue(forKey: type) ?? OpenPack()
            if pack.body.isEmpty { pack.body.reserveCapacity(Int(repository.config.packSize) + (1 << 20)) }
            pack.entries.append(PackEntry(type: type, id: id, offset: UInt32(pack.body.count),
                                          length: UInt32(envelope.count), rawLength: rawLength))
            pack.body.append(contentsOf: envelope)
            s.stats.blobs += 1
            s.stats.rawBytes += UInt64(rawLength)
            if pack.body.count >= Int(repository.config.packSize) { return pack }
            s.open[type] = pack
            return nil
        }
        if let full { try savePack(full) }
    }

    /// Records in this writer's next index file packs that are in the repository but in no index
    /// file (an interrupted backup's, read from their headers and already in the index).
    public func adopt(_ packs: [(pack: BlobID, entries: [PackEntry])]) {
        guard !packs.isEmpty else { return }
        state.withLock { $0.unindexed += packs }
    }

    private func savePack(_ pack: OpenPack) throws(RepositoryError) {
        var body = pack.body
        try repository.withSealer { sealer throws(RepositoryError) in try Pack.finish(&body, entries: pack.entries, sealer: sealer) }
        let packID = BlobID(bytes: SHA256.hash(body))!
        if !dryRun {
            let handle = FileHandle(.data, packID.hex)
            try storage { () throws(BackendError) in try repository.backend.save(handle, body) }
            if verifiesSaves { try repository.verifySaved(handle) }
        }
        let writeIndex: Bool = state.withLock { s in
            repository.index.add(IndexFile(packs: [(packID, pack.entries)], generations: [packID: repository.currentGeneration]), name: nil)
            for e in pack.entries { s.pending.remove(e.id) }
            s.unindexed.append((packID, pack.entries))
            if holdsIndex { s.saved.append(packID) }
            s.stats.packs += 1
            s.stats.storedBytes += UInt64(body.count)
            return !holdsIndex && isIndexFileFull(s.unindexed)
        }
        if writeIndex { try saveIndex() }
    }

    private func isIndexFileFull(_ packs: [(pack: BlobID, entries: [PackEntry])]) -> Bool {
        packs.count >= packsPerIndexFile || packs.reduce(0) { $0 + $1.entries.count } >= entriesPerIndexFile
    }

    /// Saves one index file of unindexed packs (as many as an index file holds). Returns whether
    /// some remain.
    @discardableResult
    private func saveIndex() throws(RepositoryError) -> Bool {
        let (packs, more) = state.withLock { s in
            var count = 0, entries = 0
            while count < s.unindexed.count, count < packsPerIndexFile, entries < entriesPerIndexFile {
                entries += s.unindexed[count].entries.count
                count += 1
            }
            defer { s.unindexed.removeFirst(count) }
            return (Array(s.unindexed[..<count]), count < s.unindexed.count)
        }
        guard !packs.isEmpty else { return false }
        guard !dryRun else { return more }
        let name: String, size: Int
        do {
            let file = IndexFile(packs: packs, generations: repository.index.generations(of: packs.map(\.pack)))
            (name, size) = try repository.saveFile(.index, kind: .index, payload: file.encoded(), verifying: verifiesSaves)
        } catch {
            // Keep them for the next attempt: a snapshot must never reference unindexed blobs.
            state.withLock { $0.unindexed.insert(contentsOf: packs, at: 0) }
            throw error
        }
        repository.index.add(IndexFile(), name: name)
        state.withLock { s in
            s.stats.indexFiles += 1
            s.stats.storedBytes += UInt64(size)
        }
        return more
    }
}
