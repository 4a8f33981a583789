import AmberPostgres
import AmberSQLite

/// Maps a PostgreSQL schema to a SQLite one (`STRICT` tables), following docs/cross-engine.md.
/// Tables of schema `public` keep their name, others become `schema.name`.
public enum PostgresToSQLite {
    public static func map(_ schema: PostgresSchema) -> EngineMapping<SQLiteSchema> {
        var result = EngineMapping(schema: SQLiteSchema(), tables: [])
        var taken = [String: String]()  // lowercased SQLite name → what took it
        func claim(_ name: String, by owner: String, table: String) {
            let folded = name.lowercased()
            if let other = taken[folded] {
                result.issues.append(CrossEngineIssue(.name, table: table, "\(owner) would be named \(name) in SQLite, "
                    + "as \(other) is (SQLite names ignore case)"))
            } else if folded.hasPrefix("sqlite_") {
                result.issues.append(CrossEngineIssue(.name, table: table, "\(owner): SQLite reserves names starting with sqlite_"))
            } else {
                taken[folded] = owner
            }
        }
        let tables = schema.tables.sorted { Array($0.qualifiedName.utf8).lexicographicallyPrecedes(Array($1.qualifiedName.utf8)) }
        for table in tables {
            let name = sqliteName(table.schema, table.name)
            claim(name, by: "table \(table.qualifiedName)", table: table.qualifiedName)
            let (sqliteTable, mapping, indexes) = self.table(table, named: name, in: schema, into: &result)
            result.schema.tables.append(sqliteTable)
            result.tables.append(mapping)
            for index in indexes {
                claim(index.name, by: "index \(index.name)", table: table.qualifiedName)
                result.schema.indexes.append(index)
            }
        }
        let autoNumbered = Set(tables.compactMap { table in autoKey(table).map { "\(table.schema).\(table.name).\($0)" } })
        for sequence in schema.sequences {
            if let owner = sequence.ownedBy, autoNumbered.contains("\(owner.schema).\(owner.table).\(owner.column)") { continue }
            result.issues.append(CrossEngineIssue(.structure, table: "\(sequence.schema).\(sequence.name)",
                                                  "sequence: SQLite has none (only auto-numbered INTEGER PRIMARY KEY columns)"))
        }
        if !autoNumbered.isEmpty {
            result.notes.append("serial/identity primary keys become INTEGER PRIMARY KEY, numbered by SQLite from the "
                                + "largest key; sequence values are not carried")
        }
        for view in schema.views {
            result.issues.append(CrossEngineIssue(.structure, table: "\(view.schema).\(view.name)", "view: its SQL is in PostgreSQL's dialect"))
        }
        mapDumpObjects(schema, into: &result)
        if schema.tables.contains(where: { $0.comment != nil || $0.columns.contains { $0.comment != nil } })
            || schema.views.contains(where: { $0.comment != nil }) || schema.enums.contains(where: { $0.comment != nil }) {
            result.notes.append("comments (COMMENT ON) have no SQLite equivalent and are not carried")
        }
        return result
    }

    /// The SQLite name of a PostgreSQL table: bare in `public`, else `schema.name`.
    public static func sqliteName(_ schema: String, _ name: String) -> String {
        schema == "public" ? name : "\(schema).\(name)"
    }

    /// The conversion for a column, by type OID (`nil` for enums and other user types: TEXT).
    public static func conversion(forTypeOID oid: UInt32?) -> ValueConversion {
        switch oid {
        case 20, 21, 23: .fromInteger
        case 700, 701: .fromReal
        case 16: .fromBool
        case 17: .fromBytea
        default: .fromText
        }
    }

    /// The single integer primary-key column numbered by a sequence (serial or identity), which
    /// maps to SQLite's auto-numbered INTEGER PRIMARY KEY.
    static func autoKey(_ table: PostgresSchema.Table) -> String? {
        guard table.primaryKey.count == 1, let column = table.columns.first(where: { $0.name == table.primaryKey[0] }),
              conversion(forTypeOID: column.typeOID) == .fromInteger,
              column.identity != nil || column.defaultValue?.hasPrefix("nextval(") == true else { return nil }
        return column.name
    }

    private static func table(_ table: PostgresSchema.Table, named name: String, in schema: PostgresSchema,
                              into result: inout EngineMapping<SQLiteSchema>) -> (SQLiteSchema.Table, TableMapping, [SQLiteSchema.Index]) {
        let source = table.qualifiedName
        let auto = autoKey(table)
        var definitions = [String]()
        var checks = [String]()
        var columns = [SQLiteSchema.Column]()
        var mapped = [TableMapping.Column]()
        var folded = Set<String>()
        for column in table.columns {
            if column.generated != nil {
                do throws(GeneratedExpression.Unmappable) {
                    let expression = try GeneratedColumns.sqliteExpression(of: column, in: table)
                    let type = conversion(forTypeOID: column.typeOID).targetType
                    definitions.append("\(CrossSQL.quote(column.name)) \(type)\(column.notNull ? " NOT NULL" : "") "
                                       + "GENERATED ALWAYS AS (\(expression)) STORED")
                    columns.append(SQLiteSchema.Column(name: column.name, declaredType: type, notNull: column.notNull, defaultValue: nil,
                                                       primaryKeyPosition: 0, generated: .stored))
                } catch {
                    result.issues.append(CrossEngineIssue(.structure, table: source, column: column.name,
                                                          "generated column: \(error.reason) (docs/cross-engine.md, Generated columns)"))
                }
                continue
            }
            if !folded.insert(column.name.lowercased()).inserted {
                result.issues.append(CrossEngineIssue(.name, table: source, column: column.name,
                                                      "another column has the same name but for case (SQLite names ignore case)"))
            }
            let conversion = conversion(forTypeOID: column.typeOID)
            let position = table.primaryKey.firstIndex(of: column.name).map { $0 + 1 } ?? 0
            var text = "\(CrossSQL.quote(column.name)) \(conversion.targetType)"
            if column.notNull || position > 0 { text += " NOT NULL" }
            var defaultText: String?
            if column.name == auto {
                // Numbered by SQLite as the rowid.
            } else if column.identity != nil {
                result.issues.append(CrossEngineIssue(.structure, table: source, column: column.name,
                                                      "identity column that is not the single integer primary key"))
            } else if let expression = column.defaultValue {
                if let mappedDefault = defaultExpression(expression, column) {
                    defaultText = mappedDefault
                    text += " DEFAULT \(mappedDefault)"
                } else {
                    result.issues.append(CrossEngineIssue(.structure, table: source, column: column.name,
                                                          "DEFAULT \(expression) is PostgreSQL SQL"))
                }
            }
            if conversion == .fromBool { checks.append("CHECK (\(CrossSQL.quote(column.name)) IN (0, 1))") }
            if column.typeOID == nil, let type = schema.enums.first(where: { enumNames($0).contains(column.type) }) {
                checks.append("CHECK (\(CrossSQL.quote(column.name)) IN (\(type.labels.map(CrossSQL.literal).joined(separator: ", "))))")
            }
            definitions.append(text)
            columns.append(SQLiteSchema.Column(name: column.name, declaredType: conversion.targetType, notNull: column.notNull || position > 0,
                                               defaultValue: defaultText, primaryKeyPosition: position))
            mapped.append(TableMapping.Column(name: column.name, conversion: conversion))
        }
        if !table.primaryKey.isEmpty { definitions.append("PRIMARY KEY (\(CrossSQL.list(table.primaryKey)))") }
        definitions += uniqueConstraints(table, into: &result)
        let indexes = self.indexes(table, named: name, into: &result)
        let sql = "CREATE TABLE \(CrossSQL.quote(name)) (\((definitions + checks).joined(separator: ", "))) STRICT"
        if table.primaryKey.isEmpty {
            result.notes.append("table \(source) has no primary key: in SQLite its rows get new rowids (verify compares them by content)")
        }
        let offsets = table.primaryKey.compactMap { key in mapped.firstIndex { $0.name == key } }
        return (SQLiteSchema.Table(name: name, sql: sql, withoutRowID: false, strict: true, columns: columns),
                TableMapping(source: source, target: name, columns: mapped, keyOffsets: offsets), indexes)
    }

    /// The table's UNIQUE constraints on plain columns, as SQLite table constraints; any other
    /// constraint (but the primary key) is an issue.
    private static func uniqueConstraints(_ table: PostgresSchema.Table, into result: inout EngineMapping<SQLiteSchema>) -> [String] {
        var definitions = [String]()
        for constraint in table.constraints where constraint.kind != "p" {
            if constraint.kind == "u", let names = uniqueColumns(constraint.definition) {
                definitions.append("UNIQUE (\(CrossSQL.list(names)))")
                continue
            }
            let what = ["u": "unique constraint", "c": "check constraint", "f": "foreign key", "x": "exclusion constraint"][constraint.kind] ?? "constraint"
            result.issues.append(CrossEngineIssue(.structure, table: table.qualifiedName, "\(what) \(constraint.name): \(constraint.definition)"))
        }
        return definitions
    }

    /// The table's btree indexes of plain columns; any other index is an issue.
    private static func indexes(_ table: PostgresSchema.Table, named name: String,
                                into result: inout EngineMapping<SQLiteSchema>) -> [SQLiteSchema.Index] {
        var indexes = [SQLiteSchema.Index]()
        for index in table.indexes {
            if let parsed = self.index(index.definition, name: index.name, table: name) {
                indexes.append(parsed)
            } else {
                result.issues.append(CrossEngineIssue(.structure, table: table.qualifiedName, "index \(index.name): only btree indexes of plain "
                    + "columns map to SQLite (\(index.definition))"))
            }
        }
        return indexes
    }

    /// The ways `format_type` may print an enum's name.
    static func enumNames(_ type: PostgresSchema.EnumType) -> [String] {
        let schemas = [type.schema, CrossSQL.quote(type.schema)], names = [type.name, CrossSQL.quote(type.name)]
        return schemas.flatMap { s in names.map { "\(s).\($0)" } } + (type.schema == "public" ? names : [])
    }
}
