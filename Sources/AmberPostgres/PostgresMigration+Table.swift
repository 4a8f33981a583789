/// One table's structure compared between two snapshots (``PostgresMigration``).
extension PostgresMigration {
    /// Which entries of the stored structure changed, when both snapshots hold one: a part of
    /// a table is altered only when its own entry changed (an inheritance child's column that its
    /// parent's `ADD COLUMN` brings is not added to the child again). Without entries, every
    /// difference counts.
    struct EntryGate: Sendable {
        let changes: [SchemaDump.EntryChange]?
        private let changed: Set<String>

        init(changes: [SchemaDump.EntryChange]? = nil) {
            self.changes = changes
            changed = Set((changes ?? []).map(\.entry.identity))
        }

        /// Whether the entry `KIND schema name` changed (always, without entries).
        func says(_ kind: String, _ schema: String, _ name: String) -> Bool {
            changes == nil || changed.contains(SchemaDump.Entry(kind: kind, schema: schema, name: name, owner: "", sql: "").identity)
        }

        /// Whether the entries show `KIND schema name` removed (never, without entries).
        func removed(_ kind: String, _ schema: String, _ name: String) -> Bool {
            changes?.contains { $0.kind == .removed && $0.entry.kind == kind && $0.entry.schema == schema && $0.entry.name == name } == true
        }

        /// The owner of the entry `KIND schema name` that the newer archive added, if any.
        func addedOwner(_ kind: String, _ schema: String, _ name: String) -> String? {
            changes?.first { $0.kind == .added && $0.entry.kind == kind && $0.entry.schema == schema && $0.entry.name == name }?.entry.owner
        }
    }

    /// Whether a changed entry of the stored structure is one this migration carries over: a
    /// part of an ordinary table (its definition, constraints, indexes, defaults, comments) whose
    /// owner stays, or a sequence or schema added or removed.
    static func isCarriedOver(_ change: SchemaDump.EntryChange, old: PostgresSchema, new: PostgresSchema) -> Bool {
        let entry = change.entry
        guard let schema = entry.schema, !change.ownerChanged else { return change.kind == .added && entry.kind == "SCHEMA" }
        let tables = (old.tables + new.tables).filter { $0.schema == schema }
        func isTable(_ name: Substring) -> Bool { tables.contains { $0.name == name } }
        switch entry.kind {
        case "TABLE":
            // What the migration does not model must stay as it was (or, for a new table, be absent).
            return isTable(entry.name[...]) && unmodeledLines(entry.sql) == (change.previous.map { unmodeledLines($0.sql) } ?? [])
        case "CONSTRAINT", "FK CONSTRAINT", "DEFAULT":
            // Tagged `table name`.
            return entry.name.split(separator: " ", maxSplits: 1).first.map(isTable) ?? false
        case "INDEX":
            return tables.contains { $0.indexes.contains { $0.name == entry.name } }
        case "COMMENT":
            if entry.name.hasPrefix("TABLE ") { return isTable(entry.name.dropFirst(6)) }
            let column = entry.name.dropFirst(7)
            return entry.name.hasPrefix("COLUMN ") && tables.contains { column.hasPrefix($0.name + ".") }
        case "SEQUENCE", "SEQUENCE OWNED BY":
            return change.kind != .changed
        default:
            return false
        }
    }

    /// Lines of a table's entry that say what the migration does not carry over: inheritance,
    /// typed and partition tables, collations, persistence, per-column storage, statistics and
    /// options, replica identity, TOAST options, access method and tablespace (when not the
    /// defaults `pg_restore` sets before every table).
    static func unmodeledLines(_ sql: String) -> [Substring] {
        let words = ["INHERITS", " COLLATE ", "UNLOGGED", " OF ", "PARTITION", "SET STORAGE", "SET COMPRESSION", "SET STATISTICS",
                     "REPLICA IDENTITY", "toast.", "SET (", "SET default_", "TABLESPACE", " USING "]
        return sql.split(separator: "\n").filter { line in
            line != "SET default_tablespace = '';" && line != "SET default_table_access_method = heap;" && words.contains { line.contains($0) }
        }
    }

    /// Alters `old` into `new`: returns the statements on its columns (run before the rows) and
    /// gathers its constraints, indexes and comments into the lists they run in.
    mutating func alter(_ old: PostgresSchema.Table, into new: PostgresSchema.Table, gate: EntryGate) -> [String] {
        var what = [String]()
        var statements = [String]()
        if old.primaryKey != new.primaryKey {
            refused.append("\(new.qualifiedName): primary key changed (\(old.primaryKey.joined(separator: ", ")) → \(new.primaryKey.joined(separator: ", ")))")
        }
        if gate.says("TABLE", new.schema, new.name) {
            statements = alterColumns(old, into: new, what: &what)
        } else {
            // A serial column's default is an entry of its own.
            statements = alterDefaults(old, into: new, what: &what) { gate.says("DEFAULT", new.schema, "\(new.name) \($0)") }
        }
        // Also when the columns come from another table (an inheritance parent's). Its rows go
        // first, so no cast runs on them.
        if new.primaryKey.isEmpty, old.columns.map(\.name) != new.columns.map(\.name) || old.columns.map(\.type) != new.columns.map(\.type) {
            replacedTables.insert(new.qualifiedName)
            statements.insert("DELETE FROM ONLY \(SQL.qualified(new.schema, new.name))", at: 0)
            what.append("rows replaced (no primary key)")
        }
        what += addConstraintsAndIndexes(of: new, old: old, gate: gate)
        let comments = Self.commentStatements(new, old: old)
        if !comments.isEmpty { what.append("comments") }
        afterRows += comments
        changes.append("\(new.qualifiedName) (definition changed\(what.isEmpty ? " with another table's" : ": " + what.joined(separator: ", ")))")
        return statements
    }

    /// Columns dropped, added at the end (nullable until the rows are in), retyped, their
    /// defaults and NOT NULL; storage parameters. Columns in another order are refused.
    private mutating func alterColumns(_ old: PostgresSchema.Table, into new: PostgresSchema.Table, what: inout [String]) -> [String] {
        let name = SQL.qualified(new.schema, new.name)
        let oldNames = old.columns.map(\.name), newNames = new.columns.map(\.name)
        let kept = newNames.filter(oldNames.contains)
        guard oldNames.filter(newNames.contains) == kept, Array(newNames.prefix(kept.count)) == kept else {
            refused.append("\(new.qualifiedName): columns reordered (\(oldNames.joined(separator: ", ")) → \(newNames.joined(separator: ", ")))")
            return []
        }
        var statements = old.columns.filter { !newNames.contains($0.name) }.map { column in
            what.append("column \(column.name) dropped")
            return "ALTER TABLE \(name) DROP COLUMN \(SQL.quote(column.name))"
        }
        for column in new.columns {
            let quoted = SQL.quote(column.name)
            guard let previous = old.columns.first(where: { $0.name == column.name }) else {
                guard column.identity == nil else {
                    refused.append("\(new.qualifiedName).\(column.name): identity column added")
                    continue
                }
                var add = "ALTER TABLE \(name) ADD COLUMN \(quoted) \(column.type)"
                if let expression = column.generated { add += " GENERATED ALWAYS AS (\(expression)) STORED" }
                if let expression = column.defaultValue { add += " DEFAULT \(expression)" }
                statements.append(add)
                if column.notNull { afterRows.append("ALTER TABLE \(name) ALTER COLUMN \(quoted) SET NOT NULL") }
                what.append("column \(column.name) added")
                continue
            }
            guard previous.identity == column.identity, previous.generated == column.generated else {
                refused.append("\(new.qualifiedName).\(column.name): identity or generated expression changed")
                continue
            }
            if previous.type != column.type {
                // The old default must not stand in the way of the new type: dropped, then set anew.
                if previous.defaultValue != nil { statements.append("ALTER TABLE \(name) ALTER COLUMN \(quoted) DROP DEFAULT") }
                statements.append("ALTER TABLE \(name) ALTER COLUMN \(quoted) TYPE \(column.type) USING \(quoted)::\(column.type)")
                if let expression = column.defaultValue { statements.append("ALTER TABLE \(name) ALTER COLUMN \(quoted) SET DEFAULT \(expression)") }
                what.append("column \(column.name) retyped (\(previous.type) → \(column.type))")
            }
            if previous.notNull && !column.notNull { statements.append("ALTER TABLE \(name) ALTER COLUMN \(quoted) DROP NOT NULL") }
            if !previous.notNull && column.notNull { afterRows.append("ALTER TABLE \(name) ALTER COLUMN \(quoted) SET NOT NULL") }
            if previous.notNull != column.notNull { what.append("column \(column.name) \(column.notNull ? "NOT NULL" : "nullable")") }
        }
        statements += alterDefaults(old, into: new, what: &what) { _ in true }
        if old.storageParameters != new.storageParameters {
            let names = (old.storageParameters ?? []).map { $0.prefix { $0 != "=" } }
            if !names.isEmpty { statements.append("ALTER TABLE \(name) RESET (\(names.joined(separator: ", ")))") }
            if let parameters = new.storageParameters, !parameters.isEmpty {
                statements.append("ALTER TABLE \(name) SET (\(PostgresSchema.storageParameterList(parameters)))")
            }
            what.append("storage parameters")
        }
        return statements
    }

    /// `SET DEFAULT`/`DROP DEFAULT` of the kept columns whose default changed and that `says`
    /// (by column name) to alter.
    private func alterDefaults(_ old: PostgresSchema.Table, into new: PostgresSchema.Table, what: inout [String],
                               says: (String) -> Bool) -> [String] {
        new.columns.compactMap { column in
            guard let previous = old.columns.first(where: { $0.name == column.name }), previous.defaultValue != column.defaultValue,
                  previous.type == column.type, column.identity == nil, says(column.name) else { return nil }
            what.append("default of \(column.name)")
            let target = "ALTER TABLE \(SQL.qualified(new.schema, new.name)) ALTER COLUMN \(SQL.quote(column.name))"
            return column.defaultValue.map { "\(target) SET DEFAULT \($0)" } ?? "\(target) DROP DEFAULT"
        }
    }

    /// Drops the constraints and indexes of `old` (nil for a new table) that `table` does not
    /// have or defines otherwise, and creates those it has anew (foreign keys last of all);
    /// returns what changed, as words.
    @discardableResult
    mutating func addConstraintsAndIndexes(of table: PostgresSchema.Table, old: PostgresSchema.Table?,
                                           gate: EntryGate = EntryGate()) -> [String] {
        let name = SQL.qualified(table.schema, table.name)
        func own(_ constraint: PostgresSchema.Constraint) -> Bool {
            // A check constraint is written inside CREATE TABLE, the others as entries of their own.
            let tag = "\(table.name) \(constraint.name)"
            return gate.says(constraint.kind == "f" ? "FK CONSTRAINT" : "CONSTRAINT", table.schema, tag)
                || (constraint.kind == "c" && gate.says("TABLE", table.schema, table.name))
        }
        var what = [String]()
        if let old, old.constraints.filter({ $0.kind == "p" }) != table.constraints.filter({ $0.kind == "p" }) {
            // Rows are matched by the key: it must stand while they are applied.
            refused.append("\(table.qualifiedName): primary key constraint renamed or redefined")
            return what
        }
        for constraint in old?.constraints ?? [] where !table.constraints.contains(constraint) && own(constraint) {
            let drop = "ALTER TABLE ONLY \(name) DROP CONSTRAINT \(SQL.quote(constraint.name))"
            if constraint.kind == "f" { foreignKeyDrops.append(drop) } else { drops.append(drop) }
            what.append("constraint \(constraint.name) dropped")
        }
        for constraint in table.constraints where old?.constraints.contains(constraint) != true && own(constraint) {
            let add = "ALTER TABLE ONLY \(name) ADD CONSTRAINT \(SQL.quote(constraint.name)) \(constraint.definition)"
            if constraint.kind == "f" { foreignKeys.append(add) } else { afterRows.append(add) }
            what.append("constraint \(constraint.name) added")
        }
        for index in old?.indexes ?? [] where !table.indexes.contains(index) && gate.says("INDEX", table.schema, index.name) {
            drops.append("DROP INDEX \(SQL.qualified(table.schema, index.name))")
            what.append("index \(index.name) dropped")
        }
        for index in table.indexes where old?.indexes.contains(index) != true && gate.says("INDEX", table.schema, index.name) {
            afterRows.append(index.definition)
            what.append("index \(index.name) added")
        }
        return what
    }

    /// `COMMENT ON` the table and its columns where `old` (nil for a new table) differs.
    static func commentStatements(_ table: PostgresSchema.Table, old: PostgresSchema.Table?) -> [String] {
        let name = SQL.qualified(table.schema, table.name)
        let literal = { (text: String?) in text.map(SQL.literal) ?? "NULL" }
        var statements = table.comment == old?.comment ? [] : ["COMMENT ON TABLE \(name) IS \(literal(table.comment))"]
        for column in table.columns {
            let previous = old?.columns.first { $0.name == column.name }?.comment
            if column.comment != previous { statements.append("COMMENT ON COLUMN \(name).\(SQL.quote(column.name)) IS \(literal(column.comment))") }
        }
        return statements
    }
}
