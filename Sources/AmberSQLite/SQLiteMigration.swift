/// What brings a SQLite database that holds one snapshot's structure to the next snapshot's,
/// for an incremental restore across a schema change (`restore B --from A --target sqlite:…`).
///
/// SQLite keeps every object as the SQL that created it, so the migration is complete: an
/// index, trigger or view whose SQL differs (or that is new or gone) is dropped and created
/// again; a table whose definition differs is dropped with its indexes and triggers and created
/// from the newer SQL, then gets all its rows (*replaced*); a new table is created and filled; a
/// table gone is dropped. The other tables get only their rows' changes. The restore checks the
/// result against the newer schema before it commits (``SQLiteIncrementalTarget/structureDifferences(from:)``).
public struct SQLiteMigration: Sendable {
    /// Run before the rows: views, triggers and indexes that go or change are dropped, tables
    /// that go or change are dropped, tables that change or come are created.
    public private(set) var beforeRows: [String] = []
    /// Run after the rows: indexes, triggers and views that are new, changed, or belong to a
    /// table created here.
    public private(set) var afterRows: [String] = []
    /// Tables created here (new or redefined): every row of the newer snapshot goes in.
    public private(set) var replacedTables: Set<String> = []
    /// One line per table whose structure changes (`t (added)`, `t (definition changed: rows
    /// replaced)`, `t (removed)`), and per view, index or trigger.
    public private(set) var changes: [String] = []

    /// Nothing to migrate.
    public var isEmpty: Bool { beforeRows.isEmpty && afterRows.isEmpty }

    public init(from old: SQLiteSchema, to new: SQLiteSchema) {
        let oldTables = Dictionary(old.tables.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let newTables = Dictionary(new.tables.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var dropped = Set<String>()
        for table in old.tables where newTables[table.name] != table {
            dropped.insert(table.name)
            if newTables[table.name] == nil { changes.append("\(table.name) (removed)") }
        }
        for table in new.tables where oldTables[table.name] != table {
            replacedTables.insert(table.name)
            changes.append(oldTables[table.name] == nil ? "\(table.name) (added)" : "\(table.name) (definition changed: rows replaced)")
        }
        // Objects of kept tables that differ; every object of a table created here.
        func differing<Object: Hashable>(_ before: [Object], _ after: [Object], table: (Object) -> String)
            -> (drop: [Object], create: [Object]) {
            let was = Set(before), will = Set(after)
            return (before.filter { !will.contains($0) && !dropped.contains(table($0)) },
                    after.filter { !was.contains($0) || replacedTables.contains(table($0)) })
        }
        let views = differing(old.views, new.views, table: \.table)
        let triggers = differing(old.triggers, new.triggers, table: \.table)
        let indexes = differing(old.indexes, new.indexes, table: \.table)
        beforeRows += views.drop.map { "DROP VIEW main.\(SQL.quote($0.name))" }
        beforeRows += triggers.drop.map { "DROP TRIGGER main.\(SQL.quote($0.name))" }
        beforeRows += indexes.drop.map { "DROP INDEX main.\(SQL.quote($0.name))" }
        beforeRows += old.tables.filter { dropped.contains($0.name) }.map { "DROP TABLE main.\(SQL.quote($0.name))" }
        beforeRows += new.tables.filter { replacedTables.contains($0.name) }.map(\.sql)
        afterRows += indexes.create.map(\.sql) + triggers.create.map(\.sql) + views.create.map(\.sql)
        for (kind, list) in [("index", indexes.create.map(\.name)), ("trigger", triggers.create.map(\.name)), ("view", views.create.map(\.name))] {
            changes += list.filter { name in !changes.contains { $0.hasPrefix(name + " ") } }.map { "\(kind) \($0) (created)" }
        }
    }
}
