@testable import AmberCollections
import AmberKit
import Testing

/// Generated columns' expressions between SQLite and PostgreSQL (docs/cross-engine.md,
/// "Generated columns"), without a server: the engines' own results are compared in
/// `CrossEngineTests`.
struct GeneratedExpressionTests {
    static let pgTable = PostgresSchema.Table(schema: "public", name: "t", columns: [
        PostgresSchema.Column(name: "a", type: "integer", typeOID: 23, notNull: false),
        PostgresSchema.Column(name: "b", type: "bigint", typeOID: 20, notNull: false),
        PostgresSchema.Column(name: "s", type: "text", typeOID: 25, notNull: false),
        PostgresSchema.Column(name: "V s", type: "character varying(9)", typeOID: 1043, notNull: false),
        PostgresSchema.Column(name: "f", type: "double precision", typeOID: 701, notNull: false),
        PostgresSchema.Column(name: "n", type: "numeric", typeOID: 1700, notNull: false),
        PostgresSchema.Column(name: "g", type: "bigint", typeOID: 20, notNull: false, generated: "(a * 2)"),
    ], primaryKey: [])

    private func sqlite(_ expression: String, type: String = "bigint", oid: UInt32 = 20) throws -> String {
        let column = PostgresSchema.Column(name: "x", type: type, typeOID: oid, notNull: false, generated: expression)
        return try GeneratedColumns.sqliteExpression(of: column, in: Self.pgTable)
    }

    /// Expressions as `pg_get_expr` prints them, written for SQLite.
    @Test(arguments: [
        ("(a * b)", "bigint", UInt32(20), #"("a" * "b")"#),
        ("((a + 1) * (b - '-2'::integer))", "bigint", 20, #"(("a" + 1) * ("b" - (-2)))"#),
        ("((s || ' '::text) || (\"V s\")::text)", "text", 25, #"(("s" || ' ') || "V s")"#),
        ("((a)::text || s)", "text", 25, #"(CAST("a" AS TEXT) || "s")"#),
        ("(abs((a - 10)) % 3)", "integer", 23, #"(abs(("a" - 10)) % 3)"#),
        ("length(s)", "integer", 23, #"length("s")"#),
        ("COALESCE(s, 'none'::text)", "text", 25, #"coalesce("s", 'none')"#),
        ("(f * (a)::double precision)", "double precision", 701, #"("f" * CAST("a" AS REAL))"#),
        ("(a / 2)", "integer", 23, #"("a" / 2)"#),
    ])
    func postgresExpressionsBecomeSQLite(expression: String, type: String, oid: UInt32, expected: String) throws {
        #expect(try sqlite(expression, type: type, oid: oid) == expected)
    }

    /// What the engines compute differently stays out, with the reason.
    @Test(arguments: [
        ("lower(s)", "text", UInt32(25), "the function lower"),
        ("(a * 1.5)", "numeric", 1700, "only integers"),
        ("(f)::text", "text", 25, "a cast of real to text"),
        ("(n * 2)", "numeric", 1700, "the column n"),
        ("(g + 1)", "bigint", 20, "the column g is generated"),
        ("(a * 2)", "text", 25, "its value is integer but the column is text"),
        ("(f % 2)", "double precision", 701, "% of a real"),
        ("(s || a)", "text", 25, "|| of a number"),
        ("(a)::numeric", "numeric", 1700, "a cast to numeric"),
        ("(f)::integer", "integer", 23, "a cast of real to integer"),
    ])
    func postgresExpressionsOutsideTheCommonPartAreNamed(expression: String, type: String, oid: UInt32, reason: String) {
        #expect { try sqlite(expression, type: type, oid: oid) } throws: { error in
            (error as? GeneratedExpression.Unmappable)?.reason.contains(reason) == true
        }
    }

    @Test func aGeneratedPrimaryKeyStaysOut() {
        var table = Self.pgTable
        table.primaryKey = ["g"]
        #expect { try GeneratedColumns.sqliteExpression(of: table.columns[6], in: table) } throws: { error in
            (error as? GeneratedExpression.Unmappable)?.reason.contains("primary key") == true
        }
    }

    /// SQLite binds `||` tighter than `+`, PostgreSQL looser: the written expression is
    /// parenthesized so both read it the way the source did.
    @Test func precedenceIsKeptByParentheses() throws {
        let columns: [(name: String, kind: GeneratedExpression.Kind?)] = [("x", .integer), ("t", .text)]
        let (fromSQLite, _) = try GeneratedExpression.parse("X + x * 2 - 1", dialect: .sqlite, columns: columns)
        #expect(fromSQLite.sql(.postgres) == #"(("x" + ("x" * 2)) - 1)"#)
        let (concatenated, kind) = try GeneratedExpression.parse("t || 'a' || t", dialect: .sqlite, columns: columns)
        #expect(concatenated.sql(.postgres) == #"(("t" || 'a') || "t")"#)
        #expect(kind == .text)
        // In SQLite `t || x + 1` is `(t || x) + 1`: a number added to text, outside.
        #expect(throws: GeneratedExpression.Unmappable.self) { try GeneratedExpression.parse("t || x + 1", dialect: .sqlite, columns: columns) }
    }

    @Test func sqliteExpressionsAreFoundInTheCreateTable() throws {
        let sql = """
            CREATE TABLE "t"(id INTEGER PRIMARY KEY, price INTEGER DEFAULT (1 + 2), qty INTEGER CHECK (qty > 0),
              total INTEGER GENERATED ALWAYS AS (price * qty) VIRTUAL, "La bel" TEXT AS (CAST(qty AS TEXT) || 'x') STORED,
              CONSTRAINT c CHECK (price >= 0))
            """
        let found = GeneratedColumns.sqliteExpressions(sql)
        #expect(Set(found.keys) == ["total", "la bel"])
        let plain = """
            CREATE TABLE "t"(id INTEGER PRIMARY KEY, price INTEGER, qty INTEGER,
              total INTEGER GENERATED ALWAYS AS (price * qty) VIRTUAL, "La bel" TEXT AS (CAST(qty AS TEXT) || 'x') STORED)
            """
        let table = SQLiteSchema.Table(name: "t", sql: plain, withoutRowID: false, strict: false, columns: [
            SQLiteSchema.Column(name: "id", declaredType: "INTEGER", notNull: false, defaultValue: nil, primaryKeyPosition: 1),
            SQLiteSchema.Column(name: "price", declaredType: "INTEGER", notNull: false, defaultValue: nil, primaryKeyPosition: 0),
            SQLiteSchema.Column(name: "qty", declaredType: "INTEGER", notNull: false, defaultValue: nil, primaryKeyPosition: 0),
            SQLiteSchema.Column(name: "total", declaredType: "INTEGER", notNull: false, defaultValue: nil, primaryKeyPosition: 0, generated: .virtual),
            SQLiteSchema.Column(name: "La bel", declaredType: "TEXT", notNull: false, defaultValue: nil, primaryKeyPosition: 0, generated: .stored),
        ])
        #expect(try GeneratedColumns.postgresExpression(of: table.columns[3], in: table) == #"("price" * "qty")"#)
        #expect(try GeneratedColumns.postgresExpression(of: table.columns[4], in: table) == #"(CAST("qty" AS text) || 'x')"#)
        let mapping = SQLiteToPostgres.map(SQLiteSchema(tables: [table]))
        #expect(mapping.issues.isEmpty, "\(mapping.issues)")
        #expect(mapping.schema.tables[0].columns.map(\.generated) == [nil, nil, nil, #"("price" * "qty")"#, #"(CAST("qty" AS text) || 'x')"#])
        #expect(mapping.tables[0].columns.map(\.name) == ["id", "price", "qty"])
    }
}

/// How `backup --jobs` shares tables among readers.
struct TableGroupsTests {
    @Test func largestTablesGoToTheLeastLoadedReader() {
        let sizes: [String: Int64] = ["a": 100, "b": 60, "c": 50, "d": 10]
        #expect(TableGroups.share(["a", "b", "c", "d"], among: 2, sizes: sizes) == [["a", "d"], ["b", "c"]])
        #expect(TableGroups.share(["a", "b", "c", "d"], among: 1, sizes: sizes) == [["a", "b", "c", "d"]])
        // Unknown sizes: one table each in turn, schema order kept within a reader.
        #expect(TableGroups.share(["x", "y", "z"], among: 2, sizes: [:]) == [["x", "z"], ["y"]])
        #expect(TableGroups.share(["x", "y"], among: 2, sizes: [:]).count == 2)
    }
}
