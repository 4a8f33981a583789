/// Reading a schema from the system catalogs, in the connection's current transaction.
extension PostgresSchema {
    /// The catalog condition that leaves out system schemas (`pg_catalog`, `pg_toast`, temporary
    /// schemas, `information_schema`).
    static let userNamespace = "n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema'"

    /// Reads the structure of every user schema (or only `schemas`), and every table in them (or
    /// only `tables`, each `schema.table` or a bare table name). Views are captured only when no
    /// table filter is given; sequences only with their owning table (or, unowned, with no table
    /// filter).
    ///
    /// - Throws: ``PGError/Code/unknownTable`` for a name in `tables` that matches no table.
    init(reading connection: PGConnection, schemas: [String], tables: [String]) throws(PGError) {
        let wantedSchema = { (name: String) in schemas.isEmpty || schemas.contains(name) }
        self.schemas = try connection.query("""
            SELECT n.nspname, pg_catalog.obj_description(n.oid, 'pg_namespace') FROM pg_catalog.pg_namespace n \
            WHERE \(Self.userNamespace) ORDER BY n.nspname
            """).map { Namespace(name: $0[0] ?? "", comment: $0[1]) }.filter { wantedSchema($0.name) }

        var enums = [EnumType]()
        for row in try connection.query("""
            SELECT n.nspname, t.typname, e.enumlabel, pg_catalog.obj_description(t.oid, 'pg_type') \
            FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace \
            JOIN pg_catalog.pg_enum e ON e.enumtypid = t.oid WHERE \(Self.userNamespace) \
            ORDER BY n.nspname, t.typname, e.enumsortorder
            """) where wantedSchema(row[0] ?? "") {
            if let last = enums.last, last.schema == row[0], last.name == row[1] {
                enums[enums.count - 1].labels.append(row[2] ?? "")
            } else {
                enums.append(EnumType(schema: row[0] ?? "", name: row[1] ?? "", labels: [row[2] ?? ""], comment: row[3]))
            }
        }
        self.enums = enums

        var tableRows = try connection.query("""
            SELECT c.oid, n.nspname, c.relname, pg_catalog.obj_description(c.oid, 'pg_class'), \
            pg_catalog.array_to_string(c.reloptions, E'\\n') \
            FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
            WHERE c.relkind = 'r' AND \(Self.userNamespace) ORDER BY n.nspname, c.relname
            """).filter { wantedSchema($0[1] ?? "") }
        if !tables.isEmpty {
            for name in tables where !tableRows.contains(where: { Self.matches($0, name) }) {
                throw PGError(code: .unknownTable, message: "no such table", connection: connection.info.redacted,
                              table: name)
            }
            tableRows = tableRows.filter { row in tables.contains { Self.matches(row, $0) } }
        }
        self.tables = try Self.readTables(tableRows, connection: connection)
        let included = Set(self.tables.map(\.qualifiedName))
        self.sequences = try Self.readSequences(connection: connection).filter { sequence in
            guard wantedSchema(sequence.schema) else { return false }
            if let owner = sequence.ownedBy { return included.contains("\(owner.schema).\(owner.table)") }
            return tables.isEmpty
        }
        self.views = tables.isEmpty ? try connection.query("""
            SELECT n.nspname, c.relname, pg_catalog.pg_get_viewdef(c.oid), pg_catalog.obj_description(c.oid, 'pg_class') \
            FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
            WHERE c.relkind = 'v' AND \(Self.userNamespace) ORDER BY c.oid
            """).filter { wantedSchema($0[0] ?? "") }
            .map { View(schema: $0[0] ?? "", name: $0[1] ?? "", definition: $0[2] ?? "", comment: $0[3]) } : []
    }

    /// Whether a `(oid, schema, name, …)` row is the table `name` names.
    private static func matches(_ row: [String?], _ name: String) -> Bool {
        name == "\(row[1] ?? "").\(row[2] ?? "")" || name == row[2]
    }

    /// Columns, primary keys, constraints and indexes of the tables in `rows`.
    private static func readTables(_ rows: [[String?]], connection: PGConnection) throws(PGError) -> [Table] {
        let oids = rows.map { $0[0] ?? "0" }
        guard !oids.isEmpty else { return [] }
        let list = "ARRAY[\(oids.joined(separator: ","))]::pg_catalog.oid[]"
        var columns = [String: [Column]]()
        for row in try connection.query("""
            SELECT a.attrelid, a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), a.atttypid, a.attnotnull, \
            pg_catalog.pg_get_expr(d.adbin, d.adrelid), a.attidentity, a.attgenerated, \
            pg_catalog.col_description(a.attrelid, a.attnum) \
            FROM pg_catalog.pg_attribute a LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum \
            WHERE a.attnum > 0 AND NOT a.attisdropped AND a.attrelid = ANY(\(list)) ORDER BY a.attrelid, a.attnum
            """) {
            let oid = UInt32(row[3] ?? "") ?? 0
            let generated = row[7] == "s"
            let identity: String? = switch row[6] { case "a": "always"; case "d": "by default"; default: nil }
            columns[row[0] ?? "", default: []].append(Column(
                name: row[1] ?? "", type: row[2] ?? "", typeOID: oid < 16384 ? oid : nil, notNull: row[4] == "t",
                defaultValue: generated ? nil : row[5], identity: identity, generated: generated ? row[5] : nil,
                comment: row[8]))
        }
        var keys = [String: [String]]()
        for row in try connection.query("""
            SELECT i.indrelid, a.attname FROM pg_catalog.pg_index i \
            CROSS JOIN LATERAL pg_catalog.unnest(i.indkey::pg_catalog.int2[]) WITH ORDINALITY AS k(attnum, position) \
            JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum \
            WHERE i.indisprimary AND i.indrelid = ANY(\(list)) ORDER BY i.indrelid, k.position
            """) {
            keys[row[0] ?? "", default: []].append(row[1] ?? "")
        }
        var constraints = [String: [Constraint]]()
        for row in try connection.query("""
            SELECT conrelid, contype, conname, pg_catalog.pg_get_constraintdef(oid) FROM pg_catalog.pg_constraint \
            WHERE conrelid = ANY(\(list)) AND contype IN ('p', 'u', 'c', 'f', 'x') ORDER BY conrelid, conname
            """) {
            constraints[row[0] ?? "", default: []].append(Constraint(kind: row[1] ?? "", name: row[2] ?? "",
                                                                     definition: row[3] ?? ""))
        }
        var indexes = [String: [Index]]()
        for row in try connection.query("""
            SELECT i.indrelid, c.relname, pg_catalog.pg_get_indexdef(i.indexrelid) FROM pg_catalog.pg_index i \
            JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = ANY(\(list)) AND NOT EXISTS \
            (SELECT 1 FROM pg_catalog.pg_constraint k WHERE k.conindid = i.indexrelid AND k.conrelid = i.indrelid \
            AND k.contype IN ('p', 'u', 'x')) ORDER BY i.indrelid, c.relname
            """) {
            indexes[row[0] ?? "", default: []].append(Index(name: row[1] ?? "", definition: row[2] ?? ""))
        }
        return rows.map { row in
            let oid = row[0] ?? ""
            return Table(schema: row[1] ?? "", name: row[2] ?? "", columns: columns[oid] ?? [], primaryKey: keys[oid] ?? [],
                         constraints: constraints[oid] ?? [], indexes: indexes[oid] ?? [], comment: row[3],
                         storageParameters: row[4].map { $0.split(separator: "\n").map(String.init) })
        }
    }

    /// Every user sequence with its options, owner and current value.
    private static func readSequences(connection: PGConnection) throws(PGError) -> [Sequence] {
        var sequences = [Sequence]()
        for row in try connection.query("""
            SELECT n.nspname, c.relname, pg_catalog.format_type(s.seqtypid, NULL), s.seqstart, s.seqincrement, s.seqmin, \
            s.seqmax, s.seqcache, s.seqcycle, dn.nspname, dc.relname, da.attname, d.deptype \
            FROM pg_catalog.pg_sequence s JOIN pg_catalog.pg_class c ON c.oid = s.seqrelid \
            JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
            LEFT JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.objid = c.oid \
            AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.deptype IN ('a', 'i') \
            LEFT JOIN pg_catalog.pg_class dc ON dc.oid = d.refobjid \
            LEFT JOIN pg_catalog.pg_namespace dn ON dn.oid = dc.relnamespace \
            LEFT JOIN pg_catalog.pg_attribute da ON da.attrelid = d.refobjid AND da.attnum = d.refobjsubid \
            WHERE \(Self.userNamespace) ORDER BY n.nspname, c.relname
            """) {
            let schema = row[0] ?? "", name = row[1] ?? ""
            let state = try connection.query("SELECT last_value, is_called FROM \(SQL.quote(schema)).\(SQL.quote(name))")
            let owner = row[10].map { Sequence.OwnedBy(schema: row[9] ?? "", table: $0, column: row[11] ?? "") }
            sequences.append(Sequence(
                schema: schema, name: name, dataType: row[2] ?? "bigint", start: Int64(row[3] ?? "") ?? 1,
                increment: Int64(row[4] ?? "") ?? 1, minimum: Int64(row[5] ?? "") ?? 1, maximum: Int64(row[6] ?? "") ?? 1,
                cache: Int64(row[7] ?? "") ?? 1, cycle: row[8] == "t", lastValue: Int64(state.first?[0] ?? "") ?? 1,
                isCalled: state.first?[1] == "t", ownedBy: owner, identity: row[12] == "i"))
        }
        return sequences
    }
}

/// SQL text helpers.
enum SQL {
    /// `name` as a quoted identifier: `"a""b"`.
    static func quote(_ name: String) -> String {
        "\"" + name.replacing("\"", with: "\"\"") + "\""
    }

    /// `schema.name`, both quoted.
    static func qualified(_ schema: String, _ name: String) -> String { "\(quote(schema)).\(quote(name))" }

    /// A comma-separated list of quoted identifiers.
    static func list(_ names: [String]) -> String { names.map(quote).joined(separator: ", ") }

    /// `text` as a string literal: `'it''s'` (standard_conforming_strings is on by default).
    static func literal(_ text: String) -> String { "'" + text.replacing("'", with: "''") + "'" }
}
