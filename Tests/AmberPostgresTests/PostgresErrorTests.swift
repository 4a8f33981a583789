import AmberPostgres
import Testing

@Suite("PostgreSQL errors", .enabled(if: TestServer.isAvailable))
struct PostgresErrorTests {
    @Test("a wrong password is a connection error that shows no password")
    func wrongPassword() throws {
        let uri = try #require(TestServer.uri)
        let info = try PGConnectionInfo(uri)
        let wrong = uri.replacing(/:[^:@\/]+@/, with: ":secret-wrong-pw@")
        let error = try #require(throws: PGError.self) { try PostgresSource(uri: wrong) }
        #expect(error.code == .connection)
        #expect(error.description.contains("password authentication failed"))
        #expect(!error.description.contains("secret-wrong-pw"))
        #expect(!error.description.contains(uri))
        #expect(error.description.contains(info.redacted))
        #expect(!info.redacted.contains("secret-wrong-pw") && !"\(info)".contains(":"  + "@"))
    }

    @Test("an unreachable server is a connection error")
    func unreachable() throws {
        let error = try #require(throws: PGError.self) {
            try PostgresSource(uri: "postgresql://amber:hunter2@127.0.0.1:1/postgres?connect_timeout=5")
        }
        #expect(error.code == .connection)
        #expect(!error.description.contains("hunter2"))
        #expect(error.description.contains("postgresql://amber@127.0.0.1:1/postgres"))
    }

    @Test("a missing table is an unknown-table error")
    func missingTable() throws {
        try TestServer.withDatabase { uri in
            try TestServer.execute(uri, "CREATE TABLE present (id int PRIMARY KEY)")
            let error = try #require(throws: PGError.self) { try PostgresSource(uri: uri, tables: ["present", "absent"]) }
            #expect(error.code == .unknownTable)
            #expect(error.table == "absent")
            let source = try PostgresSource(uri: uri, tables: ["public.present"])
            defer { source.close() }
            #expect(source.readSchema().tables.map(\.name) == ["present"])
        }
    }

    @Test("a server error carries SQLSTATE and SQL")
    func serverError() throws {
        try TestServer.withDatabase { uri in
            let connection = try PGConnection(uri: uri)
            defer { connection.close() }
            let error = try #require(throws: PGError.self) { try connection.execute("SELECT * FROM nowhere") }
            #expect(error.sqlState == "42P01")
            #expect(error.sql == "SELECT * FROM nowhere")
        }
    }
}
