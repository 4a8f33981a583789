import AmberCore
import AmberDocuments
import AmberPostgres
import AmberRepository
import AmberSQLite
import AmberSnapshot

/// Restores across engines: a SQLite snapshot into PostgreSQL and a PostgreSQL snapshot into
/// SQLite, through ``SQLiteToPostgres`` and ``PostgresToSQLite`` (docs/cross-engine.md).
///
/// Before anything is written, the schema is mapped and every row of the snapshot is converted
/// once (a first pass over the snapshot): unmappable structure (unless `skipUnmappable`), names
/// and values are reported together in one ``CrossEngineError``. The restore itself is then as
/// atomic as a same-engine one (one transaction; a SQLite file published only when complete).
extension CollectionRestorer {
    /// The engine of the one database a snapshot holds (SQLite or PostgreSQL), if it holds one.
    public func databaseEngine(_ tree: BlobID) throws -> CollectionSet.Engine? {
        let engines = Set(try repository.collectionSets(ofTree: tree).map(\.set.engine).filter { $0 == .sqlite || $0 == .postgresql })
        return engines.count == 1 ? engines.first : nil
    }

    /// Refuses `--from` when the snapshots are of another engine than the target.
    func refuseCrossEngineIncremental(_ trees: [BlobID], target: CollectionSet.Engine) throws {
        for tree in trees where try databaseEngine(tree).map({ $0 != target }) ?? false {
            throw RepositoryError(.invalidArgument, "an incremental restore (--from) into another engine is not supported: "
                                  + "restore the newer snapshot in full (see docs/cross-engine.md)")
        }
    }

    /// Restores a PostgreSQL snapshot into a new SQLite database.
    func restorePostgresSnapshot(_ tree: BlobID, toSQLite path: String, force: Bool, skipUnmappable: Bool) throws -> CollectionRestoreReport {
        let (set, pgSchema) = try postgresSet(tree)
        let mapping = PostgresToSQLite.map(pgSchema)
        var report = CollectionRestoreReport()
        report.warnings = try checkCrossEngine(set, mapping, skipUnmappable: skipUnmappable, from: "PostgreSQL", to: "SQLite")
        let target = try SQLiteTarget(path: path, force: force)
        try fill(target, begin: { try $0.begin(schema: mapping.schema) }, from: set, report: &report) { collection in
            let table = try tableMapping(mapping, collection)
            var rowID: Int64 = 0
            return { key, row in
                let converted = try table.convert(row, key: key).mapError { CrossEngineError(from: "PostgreSQL", to: "SQLite", issues: $0.issues) }.get()
                rowID += 1
                return (table.target, table.targetKey(converted) ?? .composite([.integer(rowID)]), converted)
            }
        }
        return report
    }

    /// Restores a SQLite snapshot into an empty PostgreSQL database.
    func restoreSQLiteSnapshot(_ tree: BlobID, toPostgres uri: String, force: Bool, skipUnmappable: Bool) throws -> CollectionRestoreReport {
        let (set, sqliteSchema) = try sqliteSet(tree)
        let mapping = try sqliteToPostgres(set, sqliteSchema)
        var report = CollectionRestoreReport()
        let target = try PostgresTarget(uri: uri, force: force)
        report.warnings = try checkCrossEngine(set, mapping, skipUnmappable: skipUnmappable, from: "SQLite", to: "PostgreSQL")
        try fill(target, begin: { try $0.begin(schema: mapping.schema) }, from: set, report: &report) { collection in
            let table = try tableMapping(mapping, collection)
            return { key, row in
                let converted = try table.convert(row, key: key).mapError { CrossEngineError(from: "SQLite", to: "PostgreSQL", issues: $0.issues) }.get()
                return (table.target, key, converted)
            }
        }
        return report
    }

    /// Compares a SQLite database with a PostgreSQL snapshot, through the mapping.
    func verifyPostgresSnapshot(_ tree: BlobID, atSQLite path: String) throws -> [Mismatch] {
        let (set, pgSchema) = try postgresSet(tree)
        let mapping = PostgresToSQLite.map(pgSchema)
        let source = try SQLiteSource(path: path)
        defer { try? source.close() }
        let present = Set(try source.readSchema().tables.map(\.name))
        return try compareAcross(set, mapping, present: present) { name, body in try source.forEachRow(table: name) { try body($1) } }
    }

    /// Compares a PostgreSQL database with a SQLite snapshot, through the mapping.
    func verifySQLiteSnapshot(_ tree: BlobID, atPostgres uri: String) throws -> [Mismatch] {
        let (set, sqliteSchema) = try sqliteSet(tree)
        let mapping = try sqliteToPostgres(set, sqliteSchema)
        let source = try PostgresSource(uri: uri)
        defer { source.close() }
        let present = Set(source.readSchema().tables.map(\.qualifiedName))
        return try compareAcross(set, mapping, present: present) { name, body in try source.forEachRow(table: name) { try body($1) } }
    }

    // MARK: Shared

    private func tableMapping<Schema>(_ mapping: EngineMapping<Schema>, _ collection: CollectionSet.Collection) throws -> TableMapping {
        guard let table = mapping.table(source: collection.displayName) else {
            throw RepositoryError(.damaged, "collection \(collection.displayName) is not a table of the snapshot's schema")
        }
        return table
    }

    /// The first pass: the mapping's issues (structure only when not skipped) and every row
    /// value that does not convert, as one error; otherwise the warnings to print.
    /// The mapping of a SQLite snapshot into PostgreSQL, with `DATE`/`DATETIME`/`TIMESTAMP`
    /// columns as `date`/`timestamp` where every value in the snapshot fits (a first pass over
    /// the tables that have such columns), else `numeric` as SQLite's affinity says.
    func sqliteToPostgres(_ set: CollectionSet, _ schema: SQLiteSchema) throws -> EngineMapping<PostgresSchema> {
        let candidates = SQLiteToPostgres.temporalCandidates(schema)
        var fitting = Set(candidates.keys)
        for collection in set.collections where candidates.keys.contains(where: { $0.table == collection.displayName }) {
            let columns = candidates.filter { $0.key.table == collection.displayName }
            try forEachRow(of: collection) { _, row in
                for (name, conversion) in columns where fitting.contains(name) {
                    guard let value = row.columns.first(where: { $0.name == Array(name.column.utf8) })?.value else { continue }
                    if (try? conversion.convert(value)) == nil { fitting.remove(name) }
                }
            }
        }
        return SQLiteToPostgres.map(schema, temporal: fitting)
    }

    private func checkCrossEngine<Schema>(_ set: CollectionSet, _ mapping: EngineMapping<Schema>, skipUnmappable: Bool,
                                          from: String, to: String) throws -> [String] {
        var issues = mapping.issues.filter { !skipUnmappable || $0.kind != .structure }
        var total = issues.count
        for collection in set.collections {
            let table = try tableMapping(mapping, collection)
            try forEachRow(of: collection) { key, row in
                guard case .failure(let list) = table.convert(row, key: key) else { return }
                total += list.issues.count
                if issues.count < CrossEngineError.limit { issues += list.issues }
            }
        }
        guard issues.isEmpty else { throw CrossEngineError(from: from, to: to, issues: issues, total: total) }
        return try mapping.check(skipUnmappable: skipUnmappable, from: from, to: to)
    }

    /// Compares each table of the target with the snapshot's rows converted through the mapping:
    /// both sides normalized and keyed by the target's primary key (or content), in memory one
    /// table at a time.
    private func compareAcross<Schema>(_ set: CollectionSet, _ mapping: EngineMapping<Schema>, present: Set<String>,
                                       read: (String, (DatabaseRow) throws -> Void) throws -> Void) throws -> [Mismatch] {
        var mismatches = [Mismatch]()
        for collection in set.collections {
            let table = try tableMapping(mapping, collection)
            guard present.contains(table.target) else {
                mismatches.append(Mismatch(collection: collection.displayName, key: "(table)", kind: .missing))
                continue
            }
            var expectedRows = [DatabaseRow]()
            try forEachRow(of: collection) { key, row in
                expectedRows.append(try table.convert(row, key: key).mapError {
                    CrossEngineError(from: "snapshot", to: "target", issues: $0.issues) }.get())
            }
            var actualRows = [DatabaseRow]()
            try read(table.target) { actualRows.append($0) }
            let expected = table.keyed(expectedRows), actual = table.keyed(actualRows)
            var (i, j) = (0, 0)
            func add(_ key: DocumentKey, _ kind: Mismatch.Kind) {
                mismatches.append(Mismatch(collection: collection.displayName, key: key.display, kind: kind))
            }
            while i < expected.count || j < actual.count {
                if j == actual.count || (i < expected.count && expected[i].key < actual[j].key) {
                    add(expected[i].key, .missing); i += 1
                } else if i == expected.count || actual[j].key < expected[i].key {
                    add(actual[j].key, .extra); j += 1
                } else {
                    if expected[i].row != actual[j].row { add(expected[i].key, .different) }
                    i += 1; j += 1
                }
            }
        }
        return mismatches
    }
}
