import AmberDocuments
import AmberSQLite
import Foundation
import Testing

/// A scratch directory removed when the test ends.
final class ScratchDirectory {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "amber-sqlite-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> String { path + "/" + name }

    var contents: [String] { (try? FileManager.default.contentsOfDirectory(atPath: path))?.sorted() ?? [] }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// The fixture: several tables covering every kind of key, value and schema object.
enum Fixture {
    static let schemaSQL = #"""
        PRAGMA user_version = 42;
        PRAGMA application_id = 1096041794;
        CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT NOT NULL, age INTEGER DEFAULT 0, photo BLOB, score REAL);
        CREATE TABLE enrollment (student INTEGER NOT NULL, course TEXT NOT NULL, grade, PRIMARY KEY (course, student));
        CREATE TABLE mixed (k INTEGER NOT NULL, v INTEGER);
        CREATE TABLE settings (key TEXT PRIMARY KEY, value) WITHOUT ROWID;
        CREATE TABLE events (id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT, at REAL DEFAULT (julianday('now')));
        CREATE TABLE audit (id INTEGER PRIMARY KEY, note TEXT);
        CREATE TABLE "odd ""name""" ("a b" TEXT PRIMARY KEY, size INTEGER GENERATED ALWAYS AS (length("a b")) VIRTUAL);
        CREATE TABLE mixedkey (k PRIMARY KEY, v);
        CREATE UNIQUE INDEX people_name ON people(name);
        CREATE INDEX enrollment_grade ON enrollment(grade, student DESC);
        CREATE INDEX people_adults ON people(age) WHERE age >= 18;
        CREATE VIEW adults AS SELECT id, name FROM people WHERE age >= 18;
        CREATE TRIGGER people_audit AFTER INSERT ON people BEGIN INSERT INTO audit(note) VALUES ('added ' || NEW.name); END;
        """#

    static let rowsSQL = #"""
        INSERT INTO people VALUES (1, 'Ada', 36, x'00FF00', 9.5), (2, 'Bob', 12, NULL, -0.25), (7, 'Zoë', 18, x'', NULL);
        INSERT INTO people (id, name) VALUES (9, 'Émile');
        INSERT INTO enrollment VALUES (1, 'math', 'A'), (2, 'math', 3.5), (1, 'art', NULL), (7, 'art', x'01');
        INSERT INTO mixed (rowid, k, v) VALUES (1, 1, 7), (5, 2, 'abc'), (6, 3, 2.5), (100, 4, NULL), (101, 5, x'CAFE'), (102, 6, '');
        INSERT INTO settings VALUES ('theme', 'dark'), ('zoom', 1.25), ('count', 3), ('nul', NULL), ('', x'00');
        INSERT INTO events (kind, at) VALUES ('a', 1.0), ('b', 2.0), ('c', 3.0);
        DELETE FROM events WHERE id = 3;
        INSERT INTO "odd ""name""" ("a b") VALUES ('x'), ('yy');
        INSERT INTO mixedkey VALUES (1, 'int'), (2.5, 'real'), (3, 'int'), ('a', 'text'), (x'00', 'blob'), (-1.5, 'neg');
        """#

    /// Creates the fixture database at `path`.
    static func create(at path: String, journalMode: String = "delete") throws {
        let database = try SQLiteDatabase(path: path, mode: .create)
        _ = try database.rows("PRAGMA journal_mode = \(journalMode)")
        try database.execute(schemaSQL)
        try database.execute(rowsSQL)
        try database.close()
    }
}

/// Everything observable about a database, for comparing a restore with its source.
struct DatabaseDump: Equatable, CustomStringConvertible {
    /// `type, name, tbl_name, sql` of every `sqlite_master` entry, sorted.
    var master: [[DatabaseValue]] = []
    /// Per table: every row as `rowid` (rowid tables), then each column and its `typeof()`, sorted.
    var tables: [String: [[DatabaseValue]]] = [:]
    var pragmas: [String: DatabaseValue] = [:]

    init(path: String) throws {
        let database = try SQLiteDatabase(path: path, mode: .readOnly)
        defer { try? database.close() }
        master = try database.rows("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name")
        for row in master where row[0] == .text("table") {
            guard case .text(let bytes) = row[1] else { continue }
            let name = String(decoding: bytes, as: UTF8.self)
            let quoted = "\"" + name.replacing("\"", with: "\"\"") + "\""
            let columns = try database.column("SELECT name FROM pragma_table_xinfo(?)", [row[1]]).map {
                guard case .text(let c) = $0 else { return "" }
                let q = "\"" + String(decoding: c, as: UTF8.self).replacing("\"", with: "\"\"") + "\""
                return "\(q), typeof(\(q))"
            }
            // The rowid is part of a row's identity where it is the key: no primary key, or an
            // INTEGER PRIMARY KEY (elsewhere SQLite itself may renumber it, e.g. on VACUUM).
            let key = try database.rows("SELECT upper(type) FROM pragma_table_info(?) WHERE pk > 0", [row[1]])
            let withoutRowID = try database.column("SELECT wr FROM pragma_table_list WHERE name = ?", [row[1]]) == [.integer(1)]
            let rowIDIsKey = !withoutRowID && (key.isEmpty || key == [[.text("INTEGER")]])
            let select = (rowIDIsKey ? ["rowid"] : []) + columns
            let rows = try database.rows("SELECT \(select.joined(separator: ", ")) FROM \(quoted)")
            tables[name] = rows.sorted { DatabaseRow($0.map { .init("", $0) }).encoded.lexicographicallyPrecedes(DatabaseRow($1.map { .init("", $0) }).encoded) }
        }
        for pragma in ["user_version", "application_id", "encoding", "page_size", "auto_vacuum", "journal_mode"] {
            pragmas[pragma] = try database.column("PRAGMA \(pragma)").first
        }
    }

    var description: String { "master: \(master)\ntables: \(tables)\npragmas: \(pragmas)" }
}

/// A source read taken apart: the schema and, per table, the keyed rows in source order.
struct Capture {
    var schema: SQLiteSchema
    var rows: [String: [(DocumentKey, DatabaseRow)]]

    init(path: String) throws {
        let source = try SQLiteSource(path: path)
        schema = try source.readSchema()
        rows = [:]
        for table in schema.tables {
            var tableRows = [(DocumentKey, DatabaseRow)]()
            try source.forEachRow(table: table.name) { tableRows.append(($0, $1)) }
            rows[table.name] = tableRows
        }
        try source.close()
    }

    /// The same capture after a trip through the stored forms: canonical schema JSON, encoded
    /// keys and encoded rows.
    func throughStoredForms() throws -> Capture {
        var copy = self
        copy.schema = try SQLiteSchema(json: schema.canonicalJSON)
        copy.rows = try rows.mapValues { rows in
            try rows.map { (try DocumentKey(encoded: $0.0.encoded), try DatabaseRow(encoded: $0.1.encoded)) }
        }
        return copy
    }

    /// Writes the capture as a new database.
    func restore(to path: String, force: Bool = false) throws {
        let target = try SQLiteTarget(path: path, force: force)
        try target.write(schema: schema) { rows[$0.name] ?? [] }
    }
}
