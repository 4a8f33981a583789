import AmberCore
import AmberDocuments
import AmberManifest
import AmberPostgres
import AmberRepository
import AmberSnapshot

extension CollectionRestorer {
    /// The one PostgreSQL collection set of a snapshot, with its schema.
    func postgresSet(_ tree: BlobID) throws -> (set: CollectionSet, schema: PostgresSchema) {
        let set = try databaseSet(tree, engine: .postgresql, name: "PostgreSQL")
        return (set, try PostgresSchema(json: set.schema))
    }

    /// Recreates the roles and tablespaces a PostgreSQL snapshot holds (``PostgresGlobals``,
    /// backed up with `--globals`) on the server `uri` names, with `psql`, as one would run
    /// `pg_dumpall --globals-only`'s script: before anything else of the restore, so the objects
    /// find their owners. Returns `psql`'s errors (a role that exists already), or nil when the
    /// snapshot holds no globals.
    public func restorePostgresGlobals(_ tree: BlobID, to uri: String) throws -> [String]? {
        guard let globals = try postgresSet(tree).schema.globals else { return nil }
        let connection = try PGConnection(uri: uri)
        defer { connection.close() }
        return try globals.run(on: connection)
    }

    /// Restores into an empty database: types and tables, rows with COPY, then constraints,
    /// indexes, foreign keys, sequences, views and comments, in one transaction (from the
    /// schema's ``SchemaDump`` when the backup had `pg_dump`: its pre-data section, the rows,
    /// its post-data section, made SQL with `dumpOptions`). A SQLite
    /// snapshot is restored through ``SQLiteToPostgres`` (`skipUnmappable`: leave out the
    /// structure that has no PostgreSQL equivalent instead of refusing).
    public func restorePostgres(_ tree: BlobID, to uri: String, force: Bool, skipUnmappable: Bool = false,
                                dumpOptions: SchemaDump.Options = .init()) throws -> CollectionRestoreReport {
        if try databaseEngine(tree) == .sqlite {
            return try restoreSQLiteSnapshot(tree, toPostgres: uri, force: force, skipUnmappable: skipUnmappable)
        }
        let (set, schema) = try postgresSet(tree)
        let target = try PostgresTarget(uri: uri, force: force, dumpOptions: dumpOptions)
        var report = CollectionRestoreReport()
        // Rows go from their stored encoding straight into COPY lines: no key or row decoded.
        try fill(target, begin: { try $0.begin(schema: schema) }, from: set, report: &report) { collection in
            var failure: (any Error)?
            var documents: UInt64 = 0
            try ManifestReader(repository: repository, manifest: collection.manifest).scanLent { key, value in
                do {
                    try target.insertEncoded(table: collection.displayName, key: key, row: value)
                } catch {
                    failure = error
                    return false
                }
                documents += 1
                return true
            }
            if let failure { throw failure }
            return documents
        }
        return report
    }

    /// Compares a PostgreSQL database with a snapshot's tables, row by row, and with the
    /// structure its ``SchemaDump`` holds, if any (collection `(structure)`: each object missing or
    /// extra, or the first line of SQL that differs; `dumpOptions` as the restore used them)
    /// unless `rowsOnly`.
    public func verifyPostgres(_ tree: BlobID, at uri: String, dumpOptions: SchemaDump.Options = .init(),
                               rowsOnly: Bool = false) throws -> [Mismatch] {
        if try databaseEngine(tree) == .sqlite { return try verifySQLiteSnapshot(tree, atPostgres: uri) }
        let (set, schema) = try postgresSet(tree)
        let source = try PostgresSource(uri: uri)
        defer { source.close() }
        var mismatches = [Mismatch]()
        if let dump = schema.dump, !rowsOnly {
            let kinds: [SchemaDump.Difference.Kind: Mismatch.Kind] = [.missing: .missing, .extra: .extra, .different: .different]
            mismatches += try dump.differences(from: source.connection, options: dumpOptions).map { difference in
                Mismatch(collection: "(structure)", key: difference.object, kind: kinds[difference.kind] ?? .different)
            }
        }
        let present = Set(source.readSchema().tables.map(\.qualifiedName))
        for collection in set.collections {
            guard present.contains(collection.displayName) else {
                mismatches.append(Mismatch(collection: collection.displayName, key: "(table)", kind: .missing))
                continue
            }
            mismatches += try compareEncodedRows(of: collection) { try source.forEachEncodedRow(table: collection.displayName, $0) }
        }
        return mismatches
    }

    /// Applies the changes from snapshot `from` to `tree` to a database that holds `from`, in one
    /// transaction. When the structure changed, a ``PostgresMigration`` alters it first (what it
    /// cannot carry over is refused before anything is written) and the tables are checked
    /// against the newer snapshot's before the transaction commits; tables added get all their
    /// rows, tables whose columns changed are rewritten whole by their changes.
    ///
    /// `dumpOptions.noOwner`: tables created belong to the restoring role (else to the owner the
    /// newer snapshot's structure names).
    public func restorePostgresIncrementally(_ tree: BlobID, from: BlobID, at uri: String, force: Bool,
                                             dumpOptions: SchemaDump.Options = .init()) throws -> CollectionRestoreReport {
        try refuseCrossEngineIncremental([tree, from], target: .postgresql)
        let (newSet, newSchema) = try postgresSet(tree)
        let (oldSet, oldSchema) = try postgresSet(from)
        let migration = try PostgresMigration(from: oldSchema, to: newSchema, serverMajor: (newSchema.dump?.serverVersion ?? 0) / 10000,
                                              options: dumpOptions)
        guard migration.refused.isEmpty else {
            throw RepositoryError(.invalidArgument, "the structure changed between the two snapshots in ways an incremental restore "
                                  + "does not carry over (\(migration.refused.joined(separator: ", "))): restore the newer one in full")
        }
        try checkTargetHolds(force: force, target: "the database") { try verifyPostgres(from, at: uri, rowsOnly: true) }
        let target = try PostgresTarget.openExisting(uri: uri)
        defer { target.close() }
        var report = CollectionRestoreReport()
        report.structure = migration.changes
        report.warnings += migration.warnings
        try target.transaction {
            if !migration.isEmpty && !force {
                // Altered as the older snapshot's: its tables must be as that snapshot has them.
                let differences = try target.structureDifferences(from: oldSchema, removed: [])
                guard differences.isEmpty else {
                    throw RepositoryError(.invalidArgument, "the database's tables are not the --from snapshot's (\(differences.joined(separator: "; "))); "
                                          + "use --force to alter them anyway")
                }
            }
            try target.migrate(migration.beforeRows)
            // A table without a primary key whose columns changed cannot match its rows: all replaced.
            try forEachTableChange(from: oldSet, to: newSet, replaced: migration.replacedTables, counting: &report) { table, upserts, deletes, replacing in
                try target.apply(table: table, upserts: upserts, deletes: deletes, replacingAll: replacing)
            }
            try target.migrate(migration.afterRows)
            if !migration.isEmpty {
                let differences = try target.structureDifferences(from: newSchema, removed: migration.removedTables)
                guard differences.isEmpty else {
                    throw RepositoryError(.invalidArgument, "after altering its structure, the database's tables are not the newer "
                                          + "snapshot's (\(differences.joined(separator: "; "))); nothing was changed: restore the newer one in full")
                }
            }
            try target.applySequences(of: newSchema)
        }
        report.documents = newSet.documents
        return report
    }
}
