import AmberPostgres
import AmberSQLite

/// Maps a SQLite schema to a PostgreSQL one (all tables in schema `public`), following
/// docs/cross-engine.md. Column types come from SQLite's affinity rules applied to the declared
/// type; rows keep their column names and order.
public enum SQLiteToPostgres {
    /// PostgreSQL truncates longer identifiers (NAMEDATALEN − 1).
    static let maxIdentifier = 63

    /// - Parameter temporal: the columns (``temporalCandidates(_:)``) whose every value is a date
    ///   or timestamp written as PostgreSQL prints one: they become `date` or `timestamp`
    ///   columns instead of `numeric`.
    public static func map(_ schema: SQLiteSchema, temporal: Set<ColumnName> = []) -> EngineMapping<PostgresSchema> {
        var result = EngineMapping(schema: PostgresSchema(), tables: [])
        for table in schema.tables.sorted(by: { Array($0.name.utf8).lexicographicallyPrecedes(Array($1.name.utf8)) }) {
            let (pgTable, mapping) = self.table(table, temporal: temporal, into: &result)
            result.schema.tables.append(pgTable)
            result.tables.append(mapping)
        }
        for index in schema.indexes {
            guard let position = result.schema.tables.firstIndex(where: { $0.name == index.table }) else { continue }
            if let definition = self.index(index) {
                result.schema.tables[position].indexes.append(PostgresSchema.Index(name: index.name, definition: definition))
            } else {
                result.issues.append(CrossEngineIssue(.structure, table: index.table, "index \(index.name): only indexes of "
                    + "plain columns with the BINARY collation and no WHERE clause map to PostgreSQL"))
            }
        }
        for view in schema.views {
            result.issues.append(CrossEngineIssue(.structure, table: view.name, "view: its SQL is in SQLite's dialect"))
        }
        for trigger in schema.triggers {
            result.issues.append(CrossEngineIssue(.structure, table: trigger.table, "trigger \(trigger.name): its SQL is in SQLite's dialect"))
        }
        if !schema.sequences.isEmpty {
            result.notes.append("AUTOINCREMENT counters (sqlite_sequence) are not carried; integer keys keep their values")
        }
        if schema.settings.userVersion != 0 || schema.settings.applicationID != 0 {
            result.notes.append("PRAGMA user_version (\(schema.settings.userVersion)) and application_id "
                                + "(\(schema.settings.applicationID)) have no PostgreSQL equivalent and are not carried")
        }
        return result
    }

    /// A column of a table.
    public struct ColumnName: Hashable, Sendable {
        public var table: String
        public var column: String
    }

    /// The columns declared `DATE`, `DATETIME` or `TIMESTAMP` (NUMERIC affinity), with the
    /// conversion they take when every value fits it (``ValueConversion/toDate``,
    /// ``ValueConversion/toTimestamp``).
    public static func temporalCandidates(_ schema: SQLiteSchema) -> [ColumnName: ValueConversion] {
        var candidates = [ColumnName: ValueConversion]()
        for table in schema.tables {
            for column in table.columns {
                if let conversion = temporalConversion(column) { candidates[ColumnName(table: table.name, column: column.name)] = conversion }
            }
        }
        return candidates
    }

    /// ``ValueConversion/toDate`` for a column declared `DATE`, ``ValueConversion/toTimestamp``
    /// for `DATETIME` or `TIMESTAMP`, nil for others and generated columns.
    static func temporalConversion(_ column: SQLiteSchema.Column) -> ValueConversion? {
        guard column.generated == nil else { return nil }
        switch column.declaredType.filter({ !$0.isWhitespace }).uppercased() {
        case "DATE": return .toDate
        case "DATETIME", "TIMESTAMP": return .toTimestamp
        default: return nil
        }
    }

    private static func table(_ table: SQLiteSchema.Table, temporal: Set<ColumnName>, into result: inout EngineMapping<PostgresSchema>)
        -> (PostgresSchema.Table, TableMapping) {
        for name in [table.name] + table.columns.map(\.name) where name.utf8.count > maxIdentifier {
            result.issues.append(CrossEngineIssue(.name, table: table.name, "the name \(name) is longer than PostgreSQL's 63 bytes"))
        }
        let words = SQLToken.keywords(table.sql)
        let untranslated = ["UNIQUE", "CHECK", "REFERENCES", "COLLATE"].filter(words.contains)
        if !untranslated.isEmpty {
            result.issues.append(CrossEngineIssue(.structure, table: table.name,
                "the CREATE TABLE declares \(untranslated.joined(separator: ", ")), which is not translated"))
        }
        if table.isKeyedByRowID {
            result.notes.append("table \(table.name) has no primary key: its rowids are not carried, and in PostgreSQL "
                                + "it has none either (verify compares its rows by content)")
        }
        var columns = [PostgresSchema.Column]()
        var mapped = [TableMapping.Column]()
        for column in table.columns {
            if column.generated != nil {
                do throws(GeneratedExpression.Unmappable) {
                    let expression = try GeneratedColumns.postgresExpression(of: column, in: table)
                    let conversion = conversion(forDeclaredType: column.declaredType)
                    columns.append(PostgresSchema.Column(name: column.name, type: conversion.targetType, typeOID: typeOID(conversion),
                                                         notNull: column.notNull, generated: expression))
                } catch {
                    result.issues.append(CrossEngineIssue(.structure, table: table.name, column: column.name,
                                                          "generated column: \(error.reason) (docs/cross-engine.md, Generated columns)"))
                }
                continue
            }
            let name = ColumnName(table: table.name, column: column.name)
            let conversion = (temporal.contains(name) ? temporalConversion(column) : nil) ?? conversion(forDeclaredType: column.declaredType)
            var pg = PostgresSchema.Column(name: column.name, type: conversion.targetType, typeOID: typeOID(conversion),
                                           notNull: column.notNull || column.primaryKeyPosition > 0)
            if let text = column.defaultValue {
                if let expression = defaultExpression(text, conversion) {
                    pg.defaultValue = expression
                } else {
                    result.issues.append(CrossEngineIssue(.structure, table: table.name, column: column.name,
                        "DEFAULT \(text) has no PostgreSQL \(conversion.targetType) equivalent"))
                }
            }
            columns.append(pg)
            mapped.append(TableMapping.Column(name: column.name, conversion: conversion))
        }
        let key = table.isKeyedByRowID ? [] : table.keyColumns
        var constraints = [PostgresSchema.Constraint]()
        if !key.isEmpty {
            let name = table.name.utf8.count + 5 <= maxIdentifier ? table.name + "_pkey" : "pkey_\(result.tables.count)"
            constraints.append(PostgresSchema.Constraint(kind: "p", name: name, definition: "PRIMARY KEY (\(CrossSQL.list(key)))"))
        }
        let pgTable = PostgresSchema.Table(schema: "public", name: table.name, columns: columns, primaryKey: key,
                                           constraints: constraints)
        let offsets = key.compactMap { name in mapped.firstIndex { $0.name == name } }
        return (pgTable, TableMapping(source: table.name, target: pgTable.qualifiedName, columns: mapped, keyOffsets: offsets))
    }

    /// The conversion for a declared type, by SQLite's affinity rules (section 3.1 of
    /// "Datatypes In SQLite"), in their order.
    public static func conversion(forDeclaredType declared: String) -> ValueConversion {
        let type = declared.uppercased()
        if type.contains("INT") { return .toBigint }
        if type.contains("CHAR") || type.contains("CLOB") || type.contains("TEXT") { return .toText }
        if type.contains("BLOB") || type.isEmpty { return .toBytea }
        if type.contains("REAL") || type.contains("FLOA") || type.contains("DOUB") { return .toDouble }
        return .toNumeric
    }

    static func typeOID(_ conversion: ValueConversion) -> UInt32? {
        switch conversion {
        case .toBigint: 20
        case .toDouble: 701
        case .toNumeric: 1700
        case .toText: 25
        case .toBytea: 17
        case .toDate: 1082
        case .toTimestamp: 1114
        default: nil
        }
    }

    /// A SQLite `DEFAULT` as a PostgreSQL expression for a column of `conversion`'s type, when
    /// it is a literal that means the same: NULL, a number, a string (text columns), a blob
    /// (bytea), or CURRENT_TIMESTAMP/DATE/TIME (text columns: UTC text as SQLite writes it).
    static func defaultExpression(_ text: String, _ conversion: ValueConversion) -> String? {
        guard var tokens = SQLToken.tokens(text) else { return nil }
        while tokens.first == .symbol("("), tokens.last == .symbol(")") { tokens = Array(tokens.dropFirst().dropLast()) }
        var sign = ""
        if let first = tokens.first, first == .symbol("-") || first == .symbol("+"), tokens.count == 2 {
            sign = first == .symbol("-") ? "-" : ""
            tokens.removeFirst()
        }
        guard tokens.count == 1 else { return nil }
        switch tokens[0] {
        case .word(let word):
            let upper = word.uppercased()
            if upper == "NULL", sign.isEmpty { return "NULL" }
            let (isNumber, isInteger) = CrossSQL.number(sign + word)
            if isNumber, conversion == .toBigint ? isInteger : (conversion == .toDouble || conversion == .toNumeric) {
                return sign + word
            }
            guard conversion == .toText, sign.isEmpty else { return nil }
            let formats = ["CURRENT_TIMESTAMP": "YYYY-MM-DD HH24:MI:SS", "CURRENT_DATE": "YYYY-MM-DD", "CURRENT_TIME": "HH24:MI:SS"]
            return formats[upper].map { "pg_catalog.to_char(CURRENT_TIMESTAMP AT TIME ZONE 'UTC', '\($0)')" }
        case .string(let string) where conversion == .toText && sign.isEmpty && !string.contains("\0"):
            return CrossSQL.literal(string)
        default:
            // x'0a0b' lexes as the word x followed by the string '0a0b'.
            return nil
        }
    }

    /// `CREATE [UNIQUE] INDEX` for an index of plain BINARY columns without a WHERE clause.
    static func index(_ index: SQLiteSchema.Index) -> String? {
        guard index.partialWhere == nil, !index.columns.isEmpty, index.name.utf8.count <= maxIdentifier else { return nil }
        var terms = [String]()
        for term in index.columns {
            guard let column = term.column, term.collation.uppercased() == "BINARY" else { return nil }
            terms.append(CrossSQL.quote(column) + (term.descending ? " DESC" : ""))
        }
        return "CREATE \(index.unique ? "UNIQUE " : "")INDEX \(CrossSQL.quote(index.name)) ON \"public\".\(CrossSQL.quote(index.table)) "
            + "USING btree (\(terms.joined(separator: ", ")))"
    }
}
