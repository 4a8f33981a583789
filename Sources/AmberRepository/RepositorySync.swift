import AmberCore
import AmberCrypto
import AmberStorage
import Foundation
import Synchronization

/// Settings of a ``RepositorySync``.
public struct SyncOptions: Sendable {
    /// How many files are copied at once (at least 1).
    public var parallelism: Int
    /// Re-read every copied file from the destination and check its SHA-256 against its name
    /// (the config: its bytes against the source's). Sizes are always checked.
    public var verifyContents: Bool
    /// Remove destination files the source no longer has (never the config; locks are never touched).
    public var delete: Bool
    /// The SHA-256 of the source's earlier configs (``RepositoryConfig/earlierSealings``, what
    /// `amber key retire` sealed anew): a destination whose config is one of them is an earlier
    /// copy of the source, whose config the sync replaces (with `delete`). Any other config that
    /// differs is another repository's.
    public var earlierConfigs: Set<BlobID>

    public init(parallelism: Int = 4, verifyContents: Bool = false, delete: Bool = false, earlierConfigs: Set<BlobID> = []) {
        self.parallelism = parallelism
        self.verifyContents = verifyContents
        self.delete = delete
        self.earlierConfigs = earlierConfigs
    }
}

/// Copies a repository's encrypted files from one backend to another without decrypting them
/// (`docs/format.md` §Sync): only the files the destination lacks, compared by name and size.
///
/// The destination is consistent at every instant, because files go in the order a backup
/// writes them (§15.2): key files, packs, prune plans and index files, snapshots, and the config
/// last if the destination lacked it, so an interrupted first sync leaves no repository there.
/// Each phase ends before the next starts. The source is listed in the opposite order
/// (snapshots first), so every snapshot copied finds its index files and packs. Names are
/// content hashes, so a rerun after an interruption copies only the rest.
///
/// Every file read from the source is checked against its name before it is sent. Locks are
/// never copied or deleted. The caller should hold a lock on the source that keeps deleters out
/// (a maintenance lock: backups may run, prune and forget may not), and nothing should write to
/// the destination but syncs from this source. Thread-safe; copies run on dedicated threads.
public struct RepositorySync: Sendable {
    public let source: any Backend
    public let destination: any Backend
    public let options: SyncOptions

    /// The kinds copied, in phases: a phase starts only when the one before has finished.
    static let phases: [[FileKind]] = [[.keys, .copies], [.data], [.plans, .index], [.snapshots]]
    /// The order of deletions (`delete`): what refers to others goes first, as prune deletes.
    static let deletionOrder: [FileKind] = [.snapshots, .index, .data, .plans, .keys, .copies]

    public init(source: any Backend, destination: any Backend, options: SyncOptions = SyncOptions()) {
        self.source = source
        self.destination = destination
        self.options = options
    }

    /// Runs the sync. `planned` is called once the files to copy are known, with their number
    /// and bytes; `progress` after each file copied with its size in bytes, from any thread. Throws `.noRepository` if the source has no config, `.invalidArgument` if the
    /// destination holds a different repository, `.damaged` if a file fails verification (a bad
    /// destination copy is removed so a rerun sends it again), `.storage` for backend failures.
    @discardableResult
    public func run(planned: (_ files: Int, _ bytes: Int) -> Void = { _, _ in },
                    progress: @escaping @Sendable (Int) -> Void = { _ in }) throws(RepositoryError) -> SyncReport {
        let start = Date()
        let config = try loadSourceConfig()
        try storage { () throws(BackendError) in try destination.create() }
        let destinationConfig = try destinationConfig(matching: config)
        let configPresent = destinationConfig == .same
        let files = try listFiles()
        // A config sealed anew replaces the old one at the end, its copy with it: until then the
        // destination's copy must stay the old config's, which its old key files open.
        var copying = files
        if destinationConfig == .sealedAnew { copying.source[.copies]?.removeAll { $0.name == "config" } }
        let missing = copying.missing(kinds: Self.phases.flatMap { $0 })
        planned(missing.files + (configPresent ? 0 : 1), missing.bytes + (configPresent ? 0 : config.count))
        let report = SharedSyncReport()
        report.withLock { $0.verifiedContents = options.verifyContents }
        for phase in Self.phases {
            try copy(phase, copying, report, progress)
        }
        report.withLock { $0[.config].sourceFiles = 1 }
        // A config sealed anew (after `key retire`) replaces the old one once the files of the
        // retired generations are gone, and before the key files that open the old config go:
        // the copy opens at every instant (its readers take every generation of the key files
        // that open with the password).
        let keyKinds: [FileKind] = [.keys, .copies]
        if destinationConfig == .sealedAnew { try deleteExtraFiles(files, report, kinds: Self.deletionOrder.filter { !keyKinds.contains($0) }) }
        if configPresent {
            report.withLock { $0[.config].presentFiles = 1 }
        } else {
            // As a writer saves it: its copy first.
            if destinationConfig == .sealedAnew { _ = try copy(FileHandle(.copies, "config"), expected: config) }
            _ = try copy(.config, expected: config)
            report.withLock { $0[.config].copiedFiles = 1; $0[.config].copiedBytes = Int64(config.count) }
            progress(config.count)
        }
        if destinationConfig == .sealedAnew {
            try deleteExtraFiles(files, report, kinds: keyKinds)
        } else if options.delete {
            try deleteExtraFiles(files, report)
        }
        var result = report.withLock { $0 }
        result.seconds = Date().timeIntervalSince(start)
        return result
    }

    /// What the destination's config is to the source's.
    enum DestinationConfig { case absent, same, sealedAnew }

    /// Whether the destination has the config, none, or an earlier sealing of it (an earlier copy
    /// of this repository, ``SyncOptions/earlierConfigs``); throws if it has another repository's.
    private func destinationConfig(matching config: [UInt8]) throws(RepositoryError) -> DestinationConfig {
        guard let existing = try destination.loadIfPresent(.config) else { return .absent }
        if existing == config { return .same }
        guard options.earlierConfigs.contains(BlobID(bytes: SHA256.hash(existing))!) else {
            throw RepositoryError(.invalidArgument,
                                  "\(destination.location) holds a different repository (its config differs); sync only copies into an empty location or an earlier copy of this repository")
        }
        // Its files of retired generations would stay, and the new key file opens none of them.
        guard options.delete else {
            throw RepositoryError(.invalidArgument,
                                  "\(destination.location) is an earlier copy of this repository, made before its keys were retired "
                                  + "(`amber key retire`): it holds files sealed under the retired keys, which the new key file does not open. "
                                  + "Sync with --delete to replace them (snapshots only the copy holds go with them), or sync into a new location")
        }
        return .sealedAnew
    }
}
