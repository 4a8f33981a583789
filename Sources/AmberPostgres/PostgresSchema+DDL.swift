/// The SQL that recreates a schema, in the order ``PostgresTarget`` runs it.
extension PostgresSchema {
    /// Schemas, enum types, sequences that no identity column owns, and tables with their
    /// columns (types, defaults, NOT NULL, identity, generated expressions) but no constraints.
    var structureStatements: [String] {
        var statements = schemas.map { "CREATE SCHEMA IF NOT EXISTS \(SQL.quote($0.name))" }
        for type in enums {
            statements.append("CREATE TYPE \(SQL.qualified(type.schema, type.name)) AS ENUM (\(type.labels.map(SQL.literal).joined(separator: ", ")))")
        }
        for sequence in sequences where !sequence.identity {
            statements.append(sequence.createStatement)
        }
        for table in tables { statements += createStatements(table) }
        return statements
    }

    /// `CREATE TABLE` of one table with its columns (types, defaults, NOT NULL, generated
    /// expressions) and storage parameters, then its identity columns (with their sequences).
    func createStatements(_ table: Table) -> [String] {
        let columns = table.columns.map { column in
            var text = "\(SQL.quote(column.name)) \(column.type)"
            if let expression = column.generated { text += " GENERATED ALWAYS AS (\(expression)) STORED" }
            if let expression = column.defaultValue { text += " DEFAULT \(expression)" }
            if column.notNull { text += " NOT NULL" }
            return text
        }
        var create = "CREATE TABLE \(SQL.qualified(table.schema, table.name)) (\(columns.joined(separator: ", ")))"
        if let parameters = table.storageParameters, !parameters.isEmpty {
            create += " WITH (" + Self.storageParameterList(parameters) + ")"
        }
        var statements = [create]
        for column in table.columns {
            guard let identity = column.identity else { continue }
            var text = "ALTER TABLE \(SQL.qualified(table.schema, table.name)) ALTER COLUMN \(SQL.quote(column.name)) "
                + "ADD GENERATED \(identity == "always" ? "ALWAYS" : "BY DEFAULT") AS IDENTITY"
            if let sequence = sequences.first(where: { $0.identity && $0.ownedBy?.matches(table, column) == true }) {
                text += " (SEQUENCE NAME \(SQL.qualified(sequence.schema, sequence.name)) \(sequence.options))"
            }
            statements.append(text)
        }
        return statements
    }

    /// `name='value', …` of storage parameters as `reloptions` holds them (`name=value`), the
    /// value quoted as `pg_dump` writes it.
    static func storageParameterList(_ parameters: [String]) -> String {
        parameters.map { parameter in
            let (name, value) = parameter.firstIndex(of: "=").map { (String(parameter[..<$0]), String(parameter[parameter.index(after: $0)...])) } ?? (parameter, "")
            return "\(name)=\(SQL.literal(value))"
        }.joined(separator: ", ")
    }

    /// Primary-key, unique, exclusion and check constraints, then indexes, then foreign keys.
    var constraintStatements: [String] {
        var statements = [String]()
        func add(_ kinds: Set<String>) {
            for table in tables {
                for constraint in table.constraints where kinds.contains(constraint.kind) {
                    statements.append("ALTER TABLE ONLY \(SQL.qualified(table.schema, table.name)) "
                                      + "ADD CONSTRAINT \(SQL.quote(constraint.name)) \(constraint.definition)")
                }
            }
        }
        add(["p", "u", "x", "c"])
        for table in tables { statements += table.indexes.map(\.definition) }
        add(["f"])
        return statements
    }

    /// Sequence ownership (serial columns) and values, views, and comments.
    var finalStatements: [String] {
        var statements = sequences.filter { !$0.identity }.compactMap(\.ownershipStatement)
        statements += sequenceValueStatements
        for view in views {
            statements.append("CREATE VIEW \(SQL.qualified(view.schema, view.name)) AS \(view.definition)")
        }
        func comment(_ object: String, _ text: String?) {
            if let text { statements.append("COMMENT ON \(object) IS \(SQL.literal(text))") }
        }
        for schema in schemas { comment("SCHEMA \(SQL.quote(schema.name))", schema.comment) }
        for type in enums { comment("TYPE \(SQL.qualified(type.schema, type.name))", type.comment) }
        for table in tables {
            let name = SQL.qualified(table.schema, table.name)
            comment("TABLE \(name)", table.comment)
            for column in table.columns { comment("COLUMN \(name).\(SQL.quote(column.name))", column.comment) }
        }
        for view in views { comment("VIEW \(SQL.qualified(view.schema, view.name))", view.comment) }
        return statements
    }

    /// `setval` of every sequence to its captured value (sequence values are data: a
    /// ``SchemaDump`` leaves them out).
    var sequenceValueStatements: [String] {
        sequences.map { sequence in
            "SELECT pg_catalog.setval(\(SQL.literal(SQL.qualified(sequence.schema, sequence.name))), \(sequence.lastValue), \(sequence.isCalled))"
        }
    }

    /// `DROP … IF EXISTS … CASCADE` for every object the schema would create (what `force`
    /// replaces); other objects in the target are left alone.
    var dropStatements: [String] {
        views.reversed().map { "DROP VIEW IF EXISTS \(SQL.qualified($0.schema, $0.name)) CASCADE" }
            + tables.map { "DROP TABLE IF EXISTS \(SQL.qualified($0.schema, $0.name)) CASCADE" }
            + sequences.filter { !$0.identity }.map { "DROP SEQUENCE IF EXISTS \(SQL.qualified($0.schema, $0.name)) CASCADE" }
            + enums.map { "DROP TYPE IF EXISTS \(SQL.qualified($0.schema, $0.name)) CASCADE" }
    }
}

extension PostgresSchema.Sequence {
    /// `CREATE SEQUENCE … AS type …` (not for an identity column's, which its column creates).
    var createStatement: String { "CREATE SEQUENCE \(SQL.qualified(schema, name)) AS \(dataType) \(options)" }

    /// `ALTER SEQUENCE … OWNED BY table.column`, when a column owns it (serial columns).
    var ownershipStatement: String? {
        ownedBy.map { "ALTER SEQUENCE \(SQL.qualified(schema, name)) OWNED BY \(SQL.qualified($0.schema, $0.table)).\(SQL.quote($0.column))" }
    }

    /// `START WITH … INCREMENT BY … MINVALUE … MAXVALUE … CACHE … [NO] CYCLE`.
    var options: String {
        "START WITH \(start) INCREMENT BY \(increment) MINVALUE \(minimum) MAXVALUE \(maximum) CACHE \(cache) "
            + (cycle ? "CYCLE" : "NO CYCLE")
    }
}

extension PostgresSchema.Sequence.OwnedBy {
    func matches(_ table: PostgresSchema.Table, _ column: PostgresSchema.Column) -> Bool {
        schema == table.schema && self.table == table.name && self.column == column.name
    }
}
