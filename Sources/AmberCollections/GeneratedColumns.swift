import AmberPostgres
import AmberSQLite

/// Generated columns across engines (docs/cross-engine.md, "Generated columns"): the expression
/// is read in the source's dialect and written in the target's when it lies in the part both
/// evaluate alike (``GeneratedExpression``) and its kind is the column's; otherwise the column
/// is an issue, named before anything is written. Rows never carry generated columns: the
/// target computes them.
enum GeneratedColumns {
    typealias Kind = GeneratedExpression.Kind

    /// The kind of a SQLite column of this declared type, as it maps to PostgreSQL.
    static func kind(sqliteDeclaredType declared: String) -> Kind? {
        switch SQLiteToPostgres.conversion(forDeclaredType: declared) {
        case .toBigint: .integer
        case .toDouble: .real
        case .toText: .text
        default: nil
        }
    }

    /// The kind of a PostgreSQL column of this type: smallint, integer, bigint; double precision;
    /// text, varchar (not float4, whose arithmetic is single precision, nor char(n), padded).
    static func kind(postgresTypeOID oid: UInt32?) -> Kind? {
        switch oid {
        case 20, 21, 23: .integer
        case 701: .real
        case 25, 1043: .text
        default: nil
        }
    }

    /// The PostgreSQL expression of a SQLite generated column, or why there is none.
    static func postgresExpression(of column: SQLiteSchema.Column, in table: SQLiteSchema.Table) throws(GeneratedExpression.Unmappable) -> String {
        guard let tokens = sqliteExpressions(table.sql)[column.name.lowercased()] else {
            throw GeneratedExpression.Unmappable("its expression was not found in the CREATE TABLE")
        }
        let columns = table.columns.map { (name: $0.name, kind: $0.generated == nil ? kind(sqliteDeclaredType: $0.declaredType) : nil) }
        let (expression, valueKind) = try GeneratedExpression.parse(tokens, dialect: .sqlite, columns: columns)
        try check(valueKind, against: kind(sqliteDeclaredType: column.declaredType))
        return expression.sql(.postgres)
    }

    /// The SQLite expression of a PostgreSQL generated column, or why there is none.
    static func sqliteExpression(of column: PostgresSchema.Column, in table: PostgresSchema.Table) throws(GeneratedExpression.Unmappable) -> String {
        guard !table.primaryKey.contains(column.name) else {
            throw GeneratedExpression.Unmappable("it is part of the primary key, which SQLite does not allow")
        }
        let columns = table.columns.map { (name: $0.name, kind: $0.generated == nil ? kind(postgresTypeOID: $0.typeOID) : nil) }
        let (expression, valueKind) = try GeneratedExpression.parse(column.generated ?? "", dialect: .postgres, columns: columns)
        try check(valueKind, against: kind(postgresTypeOID: column.typeOID))
        return expression.sql(.sqlite)
    }

    /// The expression's kind must be the column's: each engine would convert it otherwise, and
    /// not alike (SQLite by affinity, PostgreSQL by assignment casts or not at all).
    private static func check(_ kind: Kind, against column: Kind?) throws(GeneratedExpression.Unmappable) {
        guard let column else { throw GeneratedExpression.Unmappable("the column's type is outside integer, real and text") }
        guard kind == column else { throw GeneratedExpression.Unmappable("its value is \(kind) but the column is \(column)") }
    }

    /// The tokens of each generated column's expression in a `CREATE TABLE`, by lowercased
    /// column name: what lies between the parentheses after `AS` in the column's definition.
    static func sqliteExpressions(_ sql: String) -> [String: [SQLToken]] {
        guard let tokens = SQLToken.tokens(sql), let open = tokens.firstIndex(of: .symbol("(")) else { return [:] }
        var result = [String: [SQLToken]]()
        var definition = [SQLToken]()
        var depth = 0
        for token in tokens[(open + 1)...] {
            if token == .symbol("(") { depth += 1 }
            if token == .symbol(")") { depth -= 1 }
            if depth < 0 || (depth == 0 && token == .symbol(",")) {
                if let (name, expression) = generatedExpression(definition) { result[name.lowercased()] = expression }
                definition = []
                if depth < 0 { break }
                continue
            }
            definition.append(token)
        }
        return result
    }

    /// The column name and expression tokens of one column definition, if it is generated.
    private static func generatedExpression(_ definition: [SQLToken]) -> (String, [SQLToken])? {
        guard let name = definition.first?.identifier else { return nil }
        var depth = 0
        for (i, token) in definition.enumerated() {
            if token == .symbol("(") { depth += 1 }
            if token == .symbol(")") { depth -= 1 }
            guard depth == 0, case .word(let word) = token, word.uppercased() == "AS",
                  i + 1 < definition.count, definition[i + 1] == .symbol("(") else { continue }
            var inner = [SQLToken]()
            var level = 0
            for token in definition[(i + 1)...] {
                if token == .symbol("(") { level += 1; if level == 1 { continue } }
                if token == .symbol(")") { level -= 1; if level == 0 { return (name, inner) } }
                inner.append(token)
            }
            return nil
        }
        return nil
    }
}
