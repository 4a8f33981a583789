import AmberCore
import AmberCrypto
import AmberRepository
import AmberStorage

/// What `amber key retire` did.
public struct KeyRetirementReport: Sendable, Codable {
    /// The key generation everything is sealed under now.
    public var generation: UInt16 = 0
    /// The generations dropped from the key file (empty until the retirement completes).
    public var retiredGenerations: [UInt16] = []
    /// The prune that sealed the blobs anew (every pack of another generation repacked).
    public var prune = PruneReport()
    /// Packs of other generations still present: the prune's deletion waits for older locks.
    /// While any is left, the key file keeps every generation; run the command again.
    public var packsLeft = 0
    /// Sealed files of other generations still present after the re-sealing (a live lock of an
    /// older generation, or a file saved meanwhile): the older keys are kept; run again.
    public var filesLeft = 0
    public var indexFilesResealed = 0
    public var snapshotsResealed = 0
    /// Prune plans of other generations, removed (not sealed anew: a plan names index files by
    /// name, and those were just sealed anew under new names).
    public var plansRemoved = 0
    /// Stale lock files of other generations, removed.
    public var locksRemoved = 0
    public var configResealed = false
    /// The key file written without the retired generations, and the key files removed.
    public var keyName: String?
    public var removedKeys: [String] = []
    /// Whether no object of another generation is left and the key file holds only the current one.
    public var complete = false
}

/// Retires every key generation but the current one (`docs/format.md` §Keys): after `amber key
/// rotate`, seals every object of an older generation anew under the current one, then writes
/// a key file without the older data keys, so that a copy of an old key file (and its password)
/// no longer reads anything in the repository.
///
/// Steps, each safe to interrupt and run again: (1) a prune that repacks every pack of another
/// generation (its blobs sealed anew) and, once no older lock remains, deletes the old packs and
/// index files; (2) under an exclusive lock, if no such pack is left: index files and snapshots of
/// other generations sealed anew (a snapshot's id changes: its file's bytes do), their prune
/// plans and stale locks removed, the config sealed anew; (3) if nothing of another generation
/// is left, the key file for the password in use rewritten with the current data key only,
/// every other key file removed. Run on keys that hold only the current generation, it removes
/// what an interrupted (3) left: key files that list older generations.
public final class KeyRetirer {
    let repository: Repository
    let password: [UInt8]
    let scrypt: ScryptParameters
    let options: PruneOptions

    public init(repository: Repository, password: [UInt8], scrypt: ScryptParameters, options: PruneOptions = PruneOptions()) {
        self.repository = repository
        self.password = password
        self.scrypt = scrypt
        var options = options
        options.repacksOtherGenerations = true
        self.options = options
    }

    public func run() throws(RepositoryError) -> KeyRetirementReport {
        var report = KeyRetirementReport()
        report.generation = repository.currentGeneration
        guard repository.keyGenerations != [repository.currentGeneration] else {
            // Nothing older is held, so nothing older can be read: no prune. What an interrupted
            // last step may have left: key files that still hold older keys.
            let lock = try RepositoryLock.acquire(repository, mode: .exclusive, retryingFor: options.lockRetry)
            defer { lock.release() }
            report.removedKeys = try repository.removeKeyFilesHoldingOtherGenerations()
            report.keyName = repository.keyName
            report.complete = true
            return report
        }
        report.prune = try Pruner(repository: repository, options: options).run()
        let lock = try RepositoryLock.acquire(repository, mode: .exclusive, retryingFor: options.lockRetry)
        defer { lock.release() }
        report.packsLeft = try packsOfOtherGenerations()
        guard report.packsLeft == 0 else { return report }
        report.indexFilesResealed = try reseal(.index, .index)
        report.snapshotsResealed = try reseal(.snapshot, .snapshots)
        // A plan is an intention; sealed anew it would name index files just renamed. Its new
        // index files are written; what it would delete, a later prune finds unused.
        for name in try repository.filesOfOtherGenerations(.plans) {
            try RepositoryError.catching { () throws(BackendError) in try repository.backend.remove(AmberStorage.FileHandle(.plans, name)) }
            report.plansRemoved += 1
        }
        let stale = Set(try RepositoryLock.list(repository).filter(\.isStale).map(\.name))
        for name in try repository.filesOfOtherGenerations(.locks) where stale.contains(name) {
            try RepositoryError.catching { () throws(BackendError) in try repository.backend.remove(AmberStorage.FileHandle(.locks, name)) }
            report.locksRemoved += 1
        }
        report.configResealed = try repository.resealConfig()
        // Listed again: nothing of another generation may be left when its key goes.
        report.packsLeft = try packsOfOtherGenerations()
        var left = 0
        for kind in [FileKind.index, .snapshots, .plans, .locks] { left += try repository.filesOfOtherGenerations(kind).count }
        guard report.packsLeft == 0, left == 0 else {
            report.filesLeft = left
            return report
        }
        report.retiredGenerations = repository.keyGenerations.filter { $0 != repository.currentGeneration }
        let rotation = try repository.dropOtherGenerations(password: password, scrypt: scrypt)
        report.keyName = rotation.keyName
        report.removedKeys = rotation.removedKeys
        report.complete = true
        return report
    }

    /// The packs in `data/` whose key generation, by a fresh index (or their own trailer when
    /// no index file names them), is not the current one.
    private func packsOfOtherGenerations() throws(RepositoryError) -> Int {
        let fresh = repository.withFreshIndex()
        try fresh.loadIndex()
        _ = try fresh.indexPacksLeftUnindexed()
        let listed = try RepositoryError.catching { () throws(BackendError) in try repository.backend.list(.data) }
        return listed.compactMap { BlobID(hex: $0.name) }.filter { fresh.index.generation(of: $0) != repository.currentGeneration }.count
    }

    private func reseal(_ type: RepositoryFileType, _ kind: FileKind) throws(RepositoryError) -> Int {
        let names = try repository.filesOfOtherGenerations(kind)
        for name in names { try repository.reseal(type, kind, name: name) }
        return names.count
    }
}
