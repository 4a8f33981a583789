/// What brings a database that holds one snapshot's structure to the next snapshot's, for an
/// incremental restore across a schema change (`restore B --from A` after `ALTER TABLE … ADD
/// COLUMN`, a new table, a dropped index).
///
/// *Migrated*: tables added (created with their constraints, indexes, sequences and comments) and
/// removed (dropped); in the other tables, columns added at the end, dropped, retyped, their
/// defaults, NOT NULL and comments; constraints, indexes, storage parameters and the table's
/// comment; schemas and sequences added or removed. The rows then follow by their changes: a
/// column added or retyped changes every row of its table, so such a table is rewritten whole.
///
/// *Refused*, each named before anything is written: anything else that differs (a function, a
/// view, a type, a trigger, a policy, a partitioned table's definition, privileges, owners, a
/// primary key, an identity or generated column, columns reordered). When both snapshots hold
/// the structure `pg_dump` wrote (``SchemaDump``), its entries decide what changed; a table
/// whose own entry is unchanged (an inheritance child, whose new column comes from its parent)
/// is not altered itself.
public struct PostgresMigration: Sendable {
    /// Run before the rows: constraints and indexes that go or change are dropped, removed
    /// tables dropped, schemas and sequences created, columns dropped, added (nullable) and
    /// retyped, defaults set, added tables created.
    public internal(set) var beforeRows: [String] = []
    /// Run after the rows: NOT NULL set, constraints and indexes created (foreign keys last),
    /// comments, sequence ownership, removed sequences dropped.
    public internal(set) var afterRows: [String] = []
    /// What an incremental restore cannot carry over, one item each (`FUNCTION app.twice(integer)
    /// (changed)`, `app.items: primary key changed`).
    public internal(set) var refused: [String] = []
    /// One line per table whose structure changes: `app.tree (definition changed: column note
    /// added)`, `app.extra (added)`, `app.loose (removed)`.
    public internal(set) var changes: [String] = []
    /// Tables of the older snapshot that the newer one does not have (dropped), and tables of the
    /// newer one that the older one does not have (created; their rows all arrive as new).
    public internal(set) var removedTables: Set<String> = []
    public internal(set) var addedTables: Set<String> = []
    /// Tables without a primary key whose columns change: their rows are keyed by their content,
    /// which the change alters, so they cannot be matched; all their rows are replaced.
    public internal(set) var replacedTables: Set<String> = []

    /// What the restore should say: the checks it could not make.
    public internal(set) var warnings: [String] = []

    /// Nothing to migrate and nothing refused.
    public var isEmpty: Bool { beforeRows.isEmpty && afterRows.isEmpty && refused.isEmpty }

    /// Gathered apart while tables are compared: drops of foreign keys, then of other
    /// constraints and indexes (first of all), and foreign keys created (last of all).
    var foreignKeyDrops: [String] = []
    var drops: [String] = []
    var foreignKeys: [String] = []

    /// The migration from `old` to `new`; `serverMajor` picks the `pg_restore` that compares
    /// their ``SchemaDump``s, if both have one; `options.noOwner` leaves new tables to the
    /// restoring role (else they get the owner the dump names).
    public init(from old: PostgresSchema, to new: PostgresSchema, serverMajor: Int, options: SchemaDump.Options = .init()) throws(PGError) {
        var gate = EntryGate()
        if let before = old.dump, let after = new.dump {
            do {
                let changes = try before.changes(to: after, serverMajor: serverMajor)
                gate = EntryGate(changes: changes)
                refused += changes.filter { !Self.isCarriedOver($0, old: old, new: new) }.map { "\($0.entry.display) (\($0.kind.rawValue))" }
            } catch where error.code == .clientProgram {
                warnings.append("\(error.message): changes to functions, views, triggers, policies and other objects "
                                + "between the two snapshots are not checked, only tables, types, views and sequences")
            }
        }
        compareOtherObjects(old, new, gate: gate)
        let before = Dictionary(old.tables.map { ($0.qualifiedName, $0) }, uniquingKeysWith: { first, _ in first })
        let after = Dictionary(new.tables.map { ($0.qualifiedName, $0) }, uniquingKeysWith: { first, _ in first })
        var created = [String]()
        for table in new.tables where before[table.qualifiedName] == nil {
            addedTables.insert(table.qualifiedName)
            changes.append("\(table.qualifiedName) (added)")
            created += new.createStatements(table)
            if !options.noOwner, let owner = gate.addedOwner("TABLE", table.schema, table.name), !owner.isEmpty {
                afterRows.append("ALTER TABLE \(SQL.qualified(table.schema, table.name)) OWNER TO \(SQL.quote(owner))")
            }
            addConstraintsAndIndexes(of: table, old: nil)
            afterRows += Self.commentStatements(table, old: nil)
        }
        var altered = [String]()
        for table in new.tables {
            guard let previous = before[table.qualifiedName], previous != table else { continue }
            altered += alter(previous, into: table, gate: gate)
        }
        for table in old.tables where after[table.qualifiedName] == nil {
            // A table is dropped only when the newer structure says it is gone: a backup of some
            // tables (--table, --schema) lacks the others without their being dropped.
            guard gate.removed("TABLE", table.schema, table.name), new.schemas.contains(where: { $0.name == table.schema }) else {
                refused.append("\(table.qualifiedName) (not in the newer snapshot, which may hold only some tables)")
                continue
            }
            removedTables.insert(table.qualifiedName)
            changes.append("\(table.qualifiedName) (removed)")
        }
        // One statement, so removed tables may refer to one another.
        if !removedTables.isEmpty {
            beforeRows.append("DROP TABLE " + old.tables.filter { removedTables.contains($0.qualifiedName) }
                .map { SQL.qualified($0.schema, $0.name) }.joined(separator: ", "))
        }
        for table in replacedTables where new.tables.contains(where: { $0.constraints.contains { $0.kind == "f" && $0.references(table, in: new) } }) {
            refused.append("\(table) (no primary key, columns changed, and a foreign key refers to it: its rows cannot be replaced)")
        }
        beforeRows = foreignKeyDrops + drops + beforeRows
        let addedSequences = Self.sequences(of: new, absentFrom: old)
        beforeRows += Self.newSchemas(old, new) + addedSequences.map(\.createStatement) + altered + created
        afterRows += foreignKeys + addedSequences.compactMap(\.ownershipStatement)
        for sequence in Self.sequences(of: old, absentFrom: new) {
            guard gate.removed("SEQUENCE", sequence.schema, sequence.name) else {
                refused.append("sequence \(sequence.schema).\(sequence.name) (not in the newer snapshot)")
                continue
            }
            afterRows.append("DROP SEQUENCE IF EXISTS \(SQL.qualified(sequence.schema, sequence.name))")
        }
    }

    /// `CREATE SCHEMA` for the schemas of `new` that `old` lacks.
    static func newSchemas(_ old: PostgresSchema, _ new: PostgresSchema) -> [String] {
        new.schemas.filter { schema in !old.schemas.contains { $0.name == schema.name } }.map { "CREATE SCHEMA \(SQL.quote($0.name))" }
    }

    /// The sequences of `schema` that no identity column owns and that `other` does not have.
    static func sequences(of schema: PostgresSchema, absentFrom other: PostgresSchema) -> [PostgresSchema.Sequence] {
        schema.sequences.filter { sequence in !sequence.identity && !other.sequences.contains { $0.sameObject(as: sequence) } }
    }

    /// Refuses what differs outside tables in the members ``PostgresSchema`` keeps itself (for
    /// snapshots without a ``SchemaDump``: enum types, views, schemas' comments, sequences'
    /// definitions).
    mutating func compareOtherObjects(_ old: PostgresSchema, _ new: PostgresSchema, gate: EntryGate) {
        guard gate.changes == nil else { return }  // the dump's entries said it all
        for type in new.enums where !old.enums.contains(type) { refused.append("type \(type.schema).\(type.name) (added or changed)") }
        for type in old.enums where !new.enums.contains(where: { $0.schema == type.schema && $0.name == type.name }) {
            refused.append("type \(type.schema).\(type.name) (removed)")
        }
        for view in Set(old.views).symmetricDifference(new.views) { refused.append("view \(view.schema).\(view.name) (changed)") }
        for schema in new.schemas where old.schemas.contains(where: { $0.name == schema.name && $0 != schema }) {
            refused.append("comment on schema \(schema.name) (changed)")
        }
        for schema in old.schemas where !new.schemas.contains(where: { $0.name == schema.name }) {
            refused.append("schema \(schema.name) (removed)")
        }
        for sequence in new.sequences where !sequence.identity {
            if let previous = old.sequences.first(where: { $0.sameObject(as: sequence) }), !previous.sameDefinition(as: sequence) {
                refused.append("sequence \(sequence.schema).\(sequence.name) (definition changed)")
            }
        }
    }
}

extension PostgresSchema.Constraint {
    /// Whether this foreign key refers to the table named `qualifiedName` (`schema.name`) of
    /// `schema`, as `pg_get_constraintdef` writes the reference (quoted or not).
    func references(_ qualifiedName: String, in schema: PostgresSchema) -> Bool {
        guard let table = schema.tables.first(where: { $0.qualifiedName == qualifiedName }) else { return false }
        return definition.contains("REFERENCES \(table.schema).\(table.name)(")
            || definition.contains("REFERENCES \(SQL.qualified(table.schema, table.name))(")
    }
}

extension PostgresSchema.Sequence {
    /// Whether both name the same sequence.
    func sameObject(as other: Self) -> Bool { schema == other.schema && name == other.name }

    /// Whether both are defined alike, whatever their values.
    func sameDefinition(as other: Self) -> Bool {
        var a = self, b = other
        (a.lastValue, a.isCalled, b.lastValue, b.isCalled) = (0, false, 0, false)
        return a == b
    }
}
