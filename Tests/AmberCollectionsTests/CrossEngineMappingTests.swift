@testable import AmberCollections
import AmberKit
import Testing

/// The SQLite ↔ PostgreSQL mapping of docs/cross-engine.md, without a server.
struct CrossEngineMappingTests {
    @Test(arguments: [
        ("INTEGER", ValueConversion.toBigint), ("BIGINT", .toBigint), ("unsigned big int", .toBigint), ("POINT", .toBigint),
        ("TEXT", .toText), ("varchar(20)", .toText), ("CLOB", .toText), ("CHARINT", .toBigint),
        ("BLOB", .toBytea), ("", .toBytea),
        ("REAL", .toDouble), ("DOUBLE PRECISION", .toDouble), ("float", .toDouble),
        ("NUMERIC", .toNumeric), ("DECIMAL(10,2)", .toNumeric), ("BOOLEAN", .toNumeric), ("DATETIME", .toNumeric), ("ANY", .toNumeric),
    ])
    func sqliteDeclaredTypesMapByAffinity(declared: String, expected: ValueConversion) {
        #expect(SQLiteToPostgres.conversion(forDeclaredType: declared) == expected)
    }

    @Test(arguments: [
        (UInt32?(20), ValueConversion.fromInteger), (21, .fromInteger), (23, .fromInteger), (700, .fromReal), (701, .fromReal),
        (16, .fromBool), (17, .fromBytea), (1700, .fromText), (25, .fromText), (1184, .fromText), (3802, .fromText), (nil, .fromText),
    ])
    func postgresTypesMapByOID(oid: UInt32?, expected: ValueConversion) {
        #expect(PostgresToSQLite.conversion(forTypeOID: oid) == expected)
    }

    static let fitting: [(ValueConversion, DatabaseValue, DatabaseValue)] = [
        (.toBigint, .integer(-42), .text(Array("-42".utf8))),
        (.toDouble, .real(1.5), .text(Array("1.5".utf8))),
        (.toDouble, .real(-.infinity), .text(Array("-Infinity".utf8))),
        (.toDouble, .integer(3), .text(Array("3.0".utf8))),
        (.toNumeric, .integer(12345678901234567), .text(Array("12345678901234567".utf8))),
        (.toNumeric, .real(0.1), .text(Array("0.1".utf8))),
        (.toText, .text(Array("héllo".utf8)), .text(Array("héllo".utf8))),
        (.toBytea, .blob([0x00, 0xFF, 0x10]), .text(Array("\\x00ff10".utf8))),
        (.toBytea, .blob([]), .text(Array("\\x".utf8))),
        (.toText, .null, .null),
        (.fromInteger, .text(Array("-7".utf8)), .integer(-7)),
        (.fromReal, .text(Array("1e+20".utf8)), .real(1e20)),
        (.fromReal, .text(Array("-Infinity".utf8)), .real(-.infinity)),
        (.fromBool, .text(Array("t".utf8)), .integer(1)),
        (.fromBool, .text(Array("f".utf8)), .integer(0)),
        (.fromBytea, .text(Array("\\x00FF".utf8)), .blob([0x00, 0xFF])),
        (.fromText, .text(Array("{\"a\": 1}".utf8)), .text(Array("{\"a\": 1}".utf8))),
        (.fromInteger, .null, .null),
    ]

    @Test(arguments: fitting)
    func valuesConvert(conversion: ValueConversion, value: DatabaseValue, expected: DatabaseValue) throws {
        #expect(try conversion.convert(value) == expected)
    }

    static let unfit: [(ValueConversion, DatabaseValue, String)] = [
        (.toBigint, .text(Array("seven".utf8)), "does not fit a bigint"),
        (.toBigint, .real(1.5), "does not fit a bigint"),
        (.toDouble, .text(Array("1.5".utf8)), "does not fit a double precision"),
        (.toDouble, .integer(Int64.max), "no exact double"),
        (.toNumeric, .text(Array("abc".utf8)), "does not fit a numeric"),
        (.toText, .text([0x61, 0x00]), "NUL"),
        (.toText, .text([0xFF, 0xFE]), "not valid UTF-8"),
        (.toText, .blob([1]), "does not fit a text"),
        (.toBytea, .text(Array("x".utf8)), "does not fit a bytea"),
        (.toBytea, .integer(1), "does not fit a bytea"),
        (.fromReal, .text(Array("NaN".utf8)), "NaN"),
        (.fromReal, .text(Array("-0".utf8)), "-0"),
        (.fromBool, .text(Array("maybe".utf8)), "not a boolean"),
        (.fromBytea, .text(Array("00ff".utf8)), "not bytea hex"),
    ]

    @Test(arguments: unfit)
    func valuesThatDoNotFitAreRefused(conversion: ValueConversion, value: DatabaseValue, reason: String) {
        #expect { try conversion.convert(value) } throws: { error in
            (error as? ValueConversion.Unfit)?.reason.contains(reason) == true
        }
    }

    @Test func postgresFloatAndNumericOutputIsNormalizedForVerify() {
        #expect(ValueConversion.toDouble.normalize(.text(Array("1".utf8))) == .text(Array("1.0".utf8)))
        #expect(ValueConversion.toDouble.normalize(.text(Array("Infinity".utf8))) == .text(Array("Infinity".utf8)))
        #expect(ValueConversion.toNumeric.normalize(.text(Array("100000000000000000000".utf8))) == .text(Array("1e+20".utf8)))
        #expect(ValueConversion.toNumeric.normalize(.text(Array("0.0000001".utf8))) == .text(Array("1e-07".utf8)))
        #expect(ValueConversion.toText.normalize(.text(Array("1".utf8))) == .text(Array("1".utf8)))
    }

    private func sqliteSchema() -> SQLiteSchema {
        let users = SQLiteSchema.Table(name: "users", sql: "CREATE TABLE users(id INTEGER PRIMARY KEY, n INTEGER, s TEXT DEFAULT 'a', x)",
                                       withoutRowID: false, strict: false, columns: [
            .init(name: "id", declaredType: "INTEGER", notNull: false, defaultValue: nil, primaryKeyPosition: 1),
            .init(name: "n", declaredType: "INTEGER", notNull: true, defaultValue: "(0)", primaryKeyPosition: 0),
            .init(name: "s", declaredType: "TEXT", notNull: false, defaultValue: "'a'", primaryKeyPosition: 0),
            .init(name: "x", declaredType: "", notNull: false, defaultValue: "random()", primaryKeyPosition: 0),
        ])
        let log = SQLiteSchema.Table(name: "log", sql: "CREATE TABLE log(m TEXT UNIQUE)", withoutRowID: false, strict: false,
                                     columns: [.init(name: "m", declaredType: "TEXT", notNull: false, defaultValue: nil, primaryKeyPosition: 0)])
        return SQLiteSchema(tables: [users, log], indexes: [
            .init(name: "users_s", table: "users", unique: true, columns: [.init(column: "s", descending: true, collation: "BINARY")],
                  partialWhere: nil, sql: "CREATE UNIQUE INDEX users_s ON users(s DESC)"),
            .init(name: "users_lower", table: "users", unique: false, columns: [.init(column: nil, descending: false, collation: "BINARY")],
                  partialWhere: nil, sql: "CREATE INDEX users_lower ON users(lower(s))"),
        ], views: [.init(name: "v", table: "v", sql: "CREATE VIEW v AS SELECT 1")],
           triggers: [.init(name: "tr", table: "users", sql: "CREATE TRIGGER tr …")])
    }

    @Test func sqliteSchemaMapsToPostgresAndListsWhatItCannot() throws {
        let mapping = SQLiteToPostgres.map(sqliteSchema())
        let users = try #require(mapping.schema.tables.first { $0.name == "users" })
        #expect(users.schema == "public" && users.primaryKey == ["id"])
        #expect(users.columns.map(\.type) == ["bigint", "bigint", "text", "bytea"])
        #expect(users.columns.map(\.defaultValue) == [nil, "0", "'a'", nil])
        #expect(users.columns[0].notNull)
        #expect(users.indexes.map(\.definition) == ["CREATE UNIQUE INDEX \"users_s\" ON \"public\".\"users\" USING btree (\"s\" DESC)"])
        let issues = mapping.issues.map(\.description)
        #expect(issues.contains { $0.contains("users column x") && $0.contains("random()") })
        #expect(issues.contains { $0.contains("users_lower") })
        #expect(issues.contains { $0.contains("table v: view") })
        #expect(issues.contains { $0.contains("trigger tr") })
        #expect(issues.contains { $0.contains("table log") && $0.contains("UNIQUE") })
        #expect(mapping.notes.contains { $0.contains("log has no primary key") })
        #expect(throws: CrossEngineError.self) { try mapping.check(skipUnmappable: false, from: "SQLite", to: "PostgreSQL") }
        let warnings = try mapping.check(skipUnmappable: true, from: "SQLite", to: "PostgreSQL")
        #expect(warnings.filter { $0.hasPrefix("left out:") }.count == mapping.issues.count)
    }

    @Test func aValueThatDoesNotFitNamesTableKeyAndColumn() throws {
        let table = try #require(SQLiteToPostgres.map(sqliteSchema()).table(source: "users"))
        let row = DatabaseRow([.init("id", .integer(2)), .init("n", .text(Array("seven".utf8))), .init("s", .text(Array("b".utf8))),
                               .init("x", .blob([1]))])
        guard case .failure(let list) = table.convert(row, key: .composite([.integer(2)])) else {
            Issue.record("converted")
            return
        }
        #expect(list.issues.count == 1)
        #expect(list.issues[0].kind == .value)
        #expect(list.issues[0].description == "table users key [2] column n: text (5 bytes) does not fit a bigint column")
        let good = DatabaseRow([.init("id", .integer(2)), .init("n", .integer(7)), .init("s", .null), .init("x", .blob([1]))])
        let converted = try table.convert(good, key: .composite([.integer(2)])).get()
        #expect(converted.columns.map(\.value) == [.text(Array("2".utf8)), .text(Array("7".utf8)), .null, .text(Array("\\x01".utf8))])
    }

    private func postgresSchema() throws -> PostgresSchema {
        let json = """
            {"enums":[{"labels":["sad","happy"],"name":"mood","schema":"public"}],"schemas":[],"sequences":[],"tables":[
             {"columns":[{"name":"id","notNull":true,"type":"bigint","typeOID":20,"defaultValue":"nextval('public.a_id_seq'::regclass)"},
                         {"name":"ok","notNull":false,"type":"boolean","typeOID":16,"defaultValue":"true"},
                         {"name":"n","notNull":false,"type":"integer","typeOID":23,"defaultValue":"'-1'::integer"},
                         {"name":"m","notNull":false,"type":"public.mood"},
                         {"name":"t","notNull":false,"type":"timestamp with time zone","typeOID":1184,"defaultValue":"now()"}],
              "constraints":[{"definition":"PRIMARY KEY (id)","kind":"p","name":"a_pkey"},
                             {"definition":"UNIQUE (n, \\"M\\")","kind":"u","name":"a_u"},
                             {"definition":"CHECK ((n > 0))","kind":"c","name":"a_check"}],
              "indexes":[{"definition":"CREATE INDEX a_t ON public.a USING btree (t DESC)","name":"a_t"},
                         {"definition":"CREATE INDEX a_lower ON public.a USING btree (lower(m::text))","name":"a_lower"}],
              "name":"a","primaryKey":["id"],"schema":"public"},
             {"columns":[{"name":"x","notNull":false,"type":"text","typeOID":25}],"constraints":[],"indexes":[],
              "name":"A","primaryKey":[],"schema":"public"}],
             "views":[]}
            """
        return try PostgresSchema(json: Array(json.utf8))
    }

    @Test func postgresSchemaMapsToSQLiteAndListsWhatItCannot() throws {
        let mapping = PostgresToSQLite.map(try postgresSchema())
        let a = try #require(mapping.schema.table(named: "a"))
        #expect(a.strict)
        #expect(a.sql == #"CREATE TABLE "a" ("id" INTEGER NOT NULL, "ok" INTEGER DEFAULT 1, "n" INTEGER DEFAULT -1, "m" TEXT, "t" TEXT, "#
                + #"PRIMARY KEY ("id"), UNIQUE ("n", "M"), CHECK ("ok" IN (0, 1)), CHECK ("m" IN ('sad', 'happy'))) STRICT"#)
        #expect(mapping.schema.indexes.map(\.sql) == [#"CREATE INDEX "a_t" ON "a" ("t" DESC)"#])
        let issues = mapping.issues.map(\.description)
        #expect(issues.contains { $0.contains("column t") && $0.contains("now()") })
        #expect(issues.contains { $0.contains("check constraint a_check") })
        #expect(issues.contains { $0.contains("index a_lower") })
        // "A" and "a" are one name in SQLite.
        #expect(mapping.issues.contains { $0.kind == .name && $0.table == "public.a" || $0.table == "public.A" })
        #expect(throws: CrossEngineError.self) { try mapping.check(skipUnmappable: true, from: "PostgreSQL", to: "SQLite") }
    }

    @Test func postgresDefinitionsParse() {
        #expect(PostgresToSQLite.uniqueColumns("UNIQUE (a, \"B c\")") == ["a", "B c"])
        #expect(PostgresToSQLite.uniqueColumns("UNIQUE NULLS NOT DISTINCT (a)") == nil)
        #expect(PostgresToSQLite.uniqueColumns("UNIQUE (a) DEFERRABLE") == nil)
        #expect(PostgresToSQLite.index("CREATE UNIQUE INDEX i ON ONLY s.\"T\" USING btree (a, b DESC)", name: "i", table: "s.T")?.sql
                == #"CREATE UNIQUE INDEX "i" ON "s.T" ("a", "b" DESC)"#)
        #expect(PostgresToSQLite.index("CREATE INDEX i ON public.t USING gin (a)", name: "i", table: "t") == nil)
        #expect(PostgresToSQLite.index("CREATE INDEX i ON public.t USING btree (a) WHERE (a > 0)", name: "i", table: "t") == nil)
        #expect(PostgresToSQLite.index("CREATE INDEX i ON public.t USING btree (a text_pattern_ops)", name: "i", table: "t") == nil)
    }

    /// A default is a literal only when a cast is all that follows it: an expression made of
    /// casted literals is unmappable, not shortened to its first literal.
    @Test func defaultsAreLiteralsOrNothing() {
        let text = PostgresSchema.Column(name: "c", type: "text", typeOID: 25, notNull: false)
        let varchar = PostgresSchema.Column(name: "c", type: "character varying(8)", typeOID: 1043, notNull: false)
        let integer = PostgresSchema.Column(name: "n", type: "integer", typeOID: 23, notNull: false)
        #expect(PostgresToSQLite.defaultExpression("'n/a'::text", text) == "'n/a'")
        #expect(PostgresToSQLite.defaultExpression("('n/a'::text || ' default'::text)", text) == nil)
        #expect(PostgresToSQLite.defaultExpression("'x'::character varying(8)", varchar) == "'x'")
        #expect(PostgresToSQLite.defaultExpression("NULL::integer", integer) == "NULL")
        #expect(PostgresToSQLite.defaultExpression("'-5'::integer", integer) == "-5")
        #expect(PostgresToSQLite.defaultExpression("(1 + 2)", integer) == nil)
    }
}
