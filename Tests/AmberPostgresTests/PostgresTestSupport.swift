import AmberDocuments
import AmberPostgres
import Foundation

/// The test server (`eval "$(scripts/postgres-server)"`): tests run only when
/// `AMBER_TEST_PG_URI` is set, and each works in databases of its own.
enum TestServer {
    static let uri = ProcessInfo.processInfo.environment["AMBER_TEST_PG_URI"]
    static var isAvailable: Bool { uri != nil }

    /// `uri` with its database replaced by `name`.
    static func uri(database name: String) -> String {
        let base = uri ?? ""
        let (main, query) = base.firstIndex(of: "?").map { (String(base[..<$0]), String(base[$0...])) } ?? (base, "")
        let prefixEnd = main.range(of: "://").map { main[$0.upperBound...].firstIndex(of: "/") } ?? nil
        let server = prefixEnd.map { String(main[..<$0]) } ?? main
        return "\(server)/\(name)\(query)"
    }

    /// Creates a database with a random name, runs `body` with its URI, and drops it.
    static func withDatabase<T>(_ body: (String) throws -> T) throws -> T {
        let name = "amber_test_\(UInt64.random(in: 0...UInt64.max) % 1_000_000_000_000)"
        let admin = try PGConnection(uri: uri ?? "")
        defer { admin.close() }
        try admin.execute("CREATE DATABASE \(name)")
        defer { try? admin.execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)") }
        return try body(uri(database: name))
    }

    /// Runs SQL in the database at `uri`.
    static func execute(_ uri: String, _ sql: String) throws {
        let connection = try PGConnection(uri: uri)
        defer { connection.close() }
        try connection.execute(sql)
    }

    /// The schema and every row of every table, read from one snapshot.
    static func snapshot(_ uri: String) throws -> (PostgresSchema, [String: [(DocumentKey, DatabaseRow)]]) {
        let source = try PostgresSource(uri: uri)
        defer { source.close() }
        let schema = source.readSchema()
        var tables = [String: [(DocumentKey, DatabaseRow)]]()
        for table in schema.tables {
            var rows = [(DocumentKey, DatabaseRow)]()
            try source.forEachRow(table: table.qualifiedName) { rows.append(($0, $1)) }
            tables[table.qualifiedName] = rows
        }
        return (schema, tables)
    }

    /// Restores `source` into `target` with ``PostgresTarget``.
    static func copy(from source: String, to target: String, force: Bool = false) throws {
        let reader = try PostgresSource(uri: source)
        defer { reader.close() }
        let writer = try PostgresTarget(uri: target, force: force)
        try writer.write(schema: reader.readSchema()) { table in
            var rows = [(DocumentKey, DatabaseRow)]()
            try reader.forEachRow(table: table.qualifiedName) { rows.append(($0, $1)) }
            return rows
        }
    }

    /// Whether two snapshots have equal schemas and equal keyed rows in every table.
    static func equal(_ a: (PostgresSchema, [String: [(DocumentKey, DatabaseRow)]]),
                      _ b: (PostgresSchema, [String: [(DocumentKey, DatabaseRow)]])) -> Bool {
        guard a.0 == b.0, a.1.keys.sorted() == b.1.keys.sorted() else { return false }
        return a.1.allSatisfy { name, rows in
            let other = b.1[name] ?? []
            return rows.count == other.count && zip(rows, other).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        }
    }
}
