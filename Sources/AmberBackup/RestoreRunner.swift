import AmberCollections
import AmberCore
import AmberFilesystem
import AmberPostgres
import AmberRepository

/// Restores a snapshot's root tree into a target: its files and directories into a directory,
/// or its collections into NDJSON files, a SQLite or a PostgreSQL database, in full or as the
/// changes since another snapshot the target holds.
public struct RestoreRunner {
    private let repository: Repository

    /// - Parameter repository: with its index loaded, and a lock held by the caller.
    public init(repository: Repository) {
        self.repository = repository
    }

    /// Restores the files and directories of `root` below `directory`.
    public func restoreFiles(_ root: BlobID, to directory: String, include: IncludeFilter = IncludeFilter([]),
                             progress: ProgressCounter? = nil, sparse: Bool = true, extendedAttributes: Bool = true) throws -> RestoreResult {
        try Restorer(repository: repository, include: include, progress: progress, sparse: sparse,
                     extendedAttributes: extendedAttributes).restore(root, to: directory)
    }

    /// Restores the collections of `root` into `target`; with `base` (the root tree of a snapshot
    /// the target holds), applies only the changes from it. With ``RestoreOptions/verify``, the
    /// report lists the documents that differ afterwards.
    ///
    /// - Throws: ``RestoreError`` when `target` does not hold collections; the target's errors.
    public func restoreCollections(_ root: BlobID, to target: Location, from base: BlobID?,
                                   options: RestoreOptions) throws -> CollectionRestoreReport {
        let restorer = CollectionRestorer(repository: repository)
        var globalsWarnings = [String]()
        if options.globals {
            guard case .postgres(let uri) = target else { throw RestoreError(message: "--globals restores into a postgresql:// target only") }
            guard let errors = try restorer.restorePostgresGlobals(root, to: uri) else {
                throw RestoreError(message: "the snapshot holds no roles or tablespaces: back up with --globals to keep them (nothing was written)")
            }
            globalsWarnings = errors.map { "globals: \($0)" }
        }
        var report: CollectionRestoreReport
        switch (target, base) {
        case (.ndjson(let directory), nil):
            report = try restorer.restoreNDJSON(root, to: directory, force: options.force)
        case (.ndjson(let directory), let base?):
            report = try restorer.restoreNDJSONIncrementally(root, from: base, at: directory, force: options.force)
        case (.sqlite(let path), nil):
            report = try restorer.restoreSQLite(root, to: path, force: options.force, skipUnmappable: options.skipUnmappable)
        case (.sqlite(let path), let base?):
            report = try restorer.restoreSQLiteIncrementally(root, from: base, at: path, force: options.force)
        case (.postgres(let uri), nil):
            report = try restorer.restorePostgres(root, to: uri, force: options.force, skipUnmappable: options.skipUnmappable,
                                                  dumpOptions: SchemaDump.Options(noOwner: options.noOwner, noACL: options.noACL))
        case (.postgres(let uri), let base?):
            report = try restorer.restorePostgresIncrementally(root, from: base, at: uri, force: options.force,
                                                               dumpOptions: SchemaDump.Options(noOwner: options.noOwner, noACL: options.noACL))
        case (.path, _), (.json, _), (.s3, _):
            throw RestoreError(message: "collections restore to ndjson:DIR, sqlite:PATH or postgresql://… targets")
        }
        switch (target, base) {
        case (.sqlite, nil): report.warnings += try restorer.setsNotRestored(root, restored: restorer.databaseEngine(root) ?? .sqlite)
        case (.postgres, nil): report.warnings += try restorer.setsNotRestored(root, restored: restorer.databaseEngine(root) ?? .postgresql)
        default: break
        }
        report.warnings = globalsWarnings + report.warnings
        if options.verify { report.mismatches = try verify(root, at: target, restorer, options: options) }
        return report
    }

    private func verify(_ root: BlobID, at target: Location, _ restorer: CollectionRestorer, options: RestoreOptions) throws -> [Mismatch] {
        switch target {
        case .ndjson(let directory): return try restorer.verifyNDJSON(root, at: directory)
        case .sqlite(let path): return try restorer.verifySQLite(root, at: path)
        case .postgres(let uri):
            return try restorer.verifyPostgres(root, at: uri, dumpOptions: SchemaDump.Options(noOwner: options.noOwner, noACL: options.noACL))
        case .path, .json, .s3: return []
        }
    }
}

/// A restore the target cannot take.
public struct RestoreError: Error, Sendable, CustomStringConvertible {
    public let message: String

    public var description: String { message }
}

extension RestoreError: AmberError {
    public var category: ErrorCategory { .usage }
}
