import AmberCore
import AmberDocuments
import AmberManifest
import AmberRepository
import AmberSQLite
import AmberSnapshot
import Foundation

/// What a collection restore wrote, and what `--verify` found.
public struct CollectionRestoreReport: Sendable {
    public var collections = 0
    public var documents: UInt64 = 0
    public var inserted = 0
    public var updated = 0
    public var deleted = 0
    public var mismatches = [Mismatch]()
    /// What a restore from another engine left out or does not carry (printed as warnings).
    public var warnings = [String]()
    /// What could not be restored because the repository is damaged there, one line each (the
    /// restore is partial: exit 3).
    public var damaged = [String]()
    /// How an incremental restore changed the target's structure, a table a line
    /// (`app.tree (definition changed: column note added)`, `app.extra (added)`).
    public var structure = [String]()
    public init() {}
}

/// Restores the collections of a snapshot into NDJSON files or a SQLite database, in full or
/// incrementally (`--from`: apply only the changes between two snapshots to a target that holds
/// the first), and verifies a target against a snapshot.
///
/// How a target is known to hold snapshot A: it is read back completely and compared, document
/// by document, with A's manifests (and, for SQLite, its schema with A's). Anything else is
/// refused unless `force`.
public struct CollectionRestorer {
    public let repository: Repository

    public init(repository: Repository) {
        self.repository = repository
    }

    // MARK: SQLite

    /// The one collection set of `engine` (named `name` in messages) a snapshot holds.
    func databaseSet(_ tree: BlobID, engine: CollectionSet.Engine, name: String) throws -> CollectionSet {
        let sets = try repository.collectionSets(ofTree: tree).filter { $0.set.engine == engine }
        guard sets.count == 1 else {
            throw RepositoryError(.invalidArgument, sets.isEmpty ? "this snapshot holds no \(name) database" : "this snapshot holds \(sets.count) \(name) databases; restore them one at a time")
        }
        return sets[0].set
    }

    /// The one SQLite collection set of a snapshot, with its schema.
    func sqliteSet(_ tree: BlobID) throws -> (set: CollectionSet, schema: SQLiteSchema) {
        let set = try databaseSet(tree, engine: .sqlite, name: "SQLite")
        return (set, try SQLiteSchema(json: set.schema))
    }

    /// Writes a new SQLite database: structure, rows in one transaction, indexes, triggers last.
    /// A PostgreSQL snapshot is restored through ``PostgresToSQLite`` (`skipUnmappable`: leave
    /// out the structure that has no SQLite equivalent instead of refusing).
    public func restoreSQLite(_ tree: BlobID, to path: String, force: Bool, skipUnmappable: Bool = false) throws -> CollectionRestoreReport {
        if try databaseEngine(tree) == .postgresql {
            return try restorePostgresSnapshot(tree, toSQLite: path, force: force, skipUnmappable: skipUnmappable)
        }
        let (set, schema) = try sqliteSet(tree)
        let target = try SQLiteTarget(path: path, force: force)
        var report = CollectionRestoreReport()
        try fill(target, begin: { try $0.begin(schema: schema) }, from: set, report: &report) { collection in
            { key, row in (collection.displayName, key, row) }
        }
        return report
    }

    /// A warning for each collection source of the snapshot other than its one `restored`
    /// database, which a database target does not receive (an NDJSON file backed up with a
    /// SQLite database, say): nothing is left behind without a word.
    public func setsNotRestored(_ tree: BlobID, restored: CollectionSet.Engine) throws -> [String] {
        try repository.collectionSets(ofTree: tree).filter { $0.set.engine != restored }.map { entry, set in
            let names = set.collections.prefix(5).map(\.displayName).joined(separator: ", ")
            let more = set.collections.count > 5 ? ", …" : ""
            let count = set.collections.count == 1 ? "1 collection" : "\(set.collections.count) collections"
            return "the snapshot also holds \(entry) (\(count): \(names)\(more)), which this target "
                + "does not receive: restore it with --target ndjson:DIR"
        }
    }

    /// Compares a SQLite database with a snapshot's tables, row by row.
    public func verifySQLite(_ tree: BlobID, at path: String) throws -> [Mismatch] {
        if try databaseEngine(tree) == .postgresql { return try verifyPostgresSnapshot(tree, atSQLite: path) }
        let (set, schema) = try sqliteSet(tree)
        let source = try SQLiteSource(path: path)
        defer { try? source.close() }
        var mismatches = [Mismatch]()
        let actual = try source.readSchema()
        let actualTables = Set(actual.tables.map(\.name))
        for table in schema.tables where !actualTables.contains(table.name) {
            mismatches.append(Mismatch(collection: table.name, key: "(table)", kind: .missing))
        }
        for collection in set.collections where actualTables.contains(collection.displayName) {
            mismatches += try compareRows(of: collection) { try source.forEachRow(table: collection.displayName, $0) }
        }
        return mismatches
    }

    /// Applies the changes from snapshot `from` to `tree` to a SQLite database that holds `from`.
    /// When the structure changed, a ``SQLiteMigration`` recreates what differs first (a table
    /// redefined or new gets all its rows), and the result is compared with the newer schema
    /// before the transaction commits.
    public func restoreSQLiteIncrementally(_ tree: BlobID, from: BlobID, at path: String, force: Bool) throws -> CollectionRestoreReport {
        try refuseCrossEngineIncremental([tree, from], target: .sqlite)
        let (newSet, newSchema) = try sqliteSet(tree)
        let (oldSet, oldSchema) = try sqliteSet(from)
        let migration = SQLiteMigration(from: oldSchema, to: newSchema)
        try checkTargetHolds(force: force, target: path) { try verifySQLite(from, at: path) }
        let target = try SQLiteTarget.openExisting(path: path)
        defer { try? target.close() }
        var report = CollectionRestoreReport()
        report.structure = migration.changes
        try target.transaction {
            try target.migrate(migration.beforeRows)
            try forEachTableChange(from: oldSet, to: newSet, replaced: migration.replacedTables, counting: &report) { table, upserts, deletes, _ in
                try target.apply(table: table, upserts: upserts, deletes: deletes)
            }
            try target.migrate(migration.afterRows)
            if !migration.isEmpty {
                let differences = try target.structureDifferences(from: newSchema)
                guard differences.isEmpty else {
                    throw RepositoryError(.invalidArgument, "after recreating its structure, the database is not the newer snapshot's "
                                          + "(\(differences.joined(separator: "; "))); nothing was changed: restore the newer one in full")
                }
            }
            try target.applySettings(of: newSchema)
        }
        report.documents = newSet.documents
        return report
    }

    /// Calls `body` with each table of `newSet` and its rows' changes from `oldSet`, counted in
    /// `report`: the changes between the two manifests, or, for a table `oldSet` lacks or one in
    /// `replaced` (created anew by a migration), every row as new (`replacing` true: the rows it
    /// had are all gone).
    func forEachTableChange(from oldSet: CollectionSet, to newSet: CollectionSet, replaced: Set<String>,
                            counting report: inout CollectionRestoreReport,
                            _ body: (_ table: String, _ upserts: [(DocumentKey, DatabaseRow)], _ deletes: [DocumentKey], _ replacing: Bool) throws -> Void) throws {
        let previous = Dictionary(oldSet.collections.map { ($0.displayName, $0) }, uniquingKeysWith: { first, _ in first })
        for new in newSet.collections {
            var (upserts, deletes) = ([(DocumentKey, DatabaseRow)](), [DocumentKey]())
            let replacing = replaced.contains(new.displayName)
            if let old = previous[new.displayName], !replacing {
                (upserts, deletes) = try rowChanges(from: old.manifest, to: new.manifest, counting: &report)
            } else {
                try forEachRow(of: new) { key, row in upserts.append((key, row)) }
                report.inserted += upserts.count
                report.deleted += Int(previous[new.displayName]?.manifest.count ?? 0)
            }
            try body(new.displayName, upserts, deletes, replacing)
            report.collections += 1
        }
    }

    /// The changes between two manifests of rows, as upserts and deletes by key, counted in `report`.
    func rowChanges(from old: CollectionManifest, to new: CollectionManifest, counting report: inout CollectionRestoreReport) throws
        -> (upserts: [(DocumentKey, DatabaseRow)], deletes: [DocumentKey]) {
        let loader = ManifestNodeLoader(repository: repository)
        var upserts = [(DocumentKey, DatabaseRow)]()
        var deletes = [DocumentKey]()
        for change in try ManifestDiff.diff(repository, from: old, to: new) {
            let key = try DocumentKey(encoded: change.key)
            switch change.kind {
            case .removed:
                deletes.append(key)
                report.deleted += 1
            case .added, .changed:
                upserts.append((key, try DatabaseRow(encoded: try loader.resolve(change.new!), key: change.key)))
                if change.kind == .added { report.inserted += 1 } else { report.updated += 1 }
            }
        }
        return (upserts, deletes)
    }

    /// Calls `body` with every row of a collection of database rows, in key order.
    func forEachRow(of collection: CollectionSet.Collection, _ body: (DocumentKey, DatabaseRow) throws -> Void) throws {
        var previous: DatabaseRow?
        try ManifestReader(repository: repository, manifest: collection.manifest).scan { key, value throws(ManifestError) in
            do {
                let row = try DatabaseRow(encoded: value, key: key, namesLike: previous)
                previous = row
                try body(try DocumentKey(encoded: key), row)
            } catch {
                throw ManifestError(.damaged, "\(collection.displayName): \(error)")
            }
            return true
        }
    }

    /// Compares the rows a target yields, in key order, with a collection's manifest.
    func compareRows(of collection: CollectionSet.Collection,
                     reading rows: (_ body: (DocumentKey, DatabaseRow) throws -> Void) throws -> Void) throws -> [Mismatch] {
        var comparer = try CollectionComparer(repository: repository, manifest: collection.manifest, name: collection.displayName)
        try rows { key, row in try comparer.feed(key: key.encoded, value: row.encoded) }
        return try comparer.finish()
    }

    /// Compares rows a target yields already encoded (keys and `DatabaseRow.encoded`), in key order, with a
    /// collection's manifest: the stored bytes are compared as they are, nothing decoded.
    func compareEncodedRows(of collection: CollectionSet.Collection,
                            reading rows: (_ body: (_ key: [UInt8], _ row: [UInt8]) throws -> Void) throws -> Void) throws -> [Mismatch] {
        var comparer = try CollectionComparer(repository: repository, manifest: collection.manifest, name: collection.displayName)
        try rows { key, row in try comparer.feed(key: key, value: row) }
        return try comparer.finish()
    }

    /// Refuses (unless `force`) when the target, read back by `verify`, does not hold the
    /// older snapshot of an incremental restore.
    func checkTargetHolds(force: Bool, target: String, verify: () throws -> [Mismatch]) throws {
        guard !force else { return }
        let mismatches = try verify()
        guard mismatches.isEmpty else {
            throw RepositoryError(.invalidArgument, "\(target) does not hold the --from snapshot (\(mismatches.count) differences, e.g. \(mismatches[0])); use --force to apply the changes anyway")
        }
    }
}
