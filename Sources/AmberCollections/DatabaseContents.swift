import AmberPostgres
import AmberSQLite
import AmberSnapshot

/// What a collection source of a snapshot holds, as `amber ls SNAPSHOT /ENTRY` shows it: each
/// collection with its documents and bytes, and for a database each table's columns, key and
/// indexes, then its other objects (views, triggers, and for PostgreSQL everything the backup's
/// `pg_dump` listed: functions, domains, materialized views, policies, …).
public struct DatabaseContents: Sendable {
    /// One collection (a table, or an NDJSON file's documents).
    public struct Table: Sendable {
        public var name: String
        public var documents: UInt64
        public var bytes: UInt64
        /// `name type` for each column, in order (empty for JSON collections).
        public var columns: [String]
        /// The key columns (empty when the table has none).
        public var primaryKey: [String]
        /// Index names.
        public var indexes: [String]
    }

    /// `postgresql`, `sqlite`, `ndjson` or `json`.
    public var engine: String
    public var tables: [Table]
    /// The other objects, `KIND name` each (`VIEW v`, `FUNCTION app.twice(x integer)`).
    public var objects: [String]

    /// The contents of `set`.
    public init(_ set: CollectionSet) throws {
        engine = "\(set.engine)"
        tables = set.collections.map { Table(name: $0.displayName, documents: $0.manifest.count, bytes: $0.manifest.valueBytes,
                                             columns: [], primaryKey: [], indexes: []) }
        objects = []
        switch set.engine {
        case .postgresql: try describe(try PostgresSchema(json: set.schema))
        case .sqlite: try describe(try SQLiteSchema(json: set.schema))
        default: break
        }
    }

    private mutating func describe(_ schema: PostgresSchema) throws {
        for i in tables.indices {
            guard let table = schema.tables.first(where: { $0.qualifiedName == tables[i].name }) else { continue }
            tables[i].columns = table.columns.map { "\($0.name) \($0.type)" }
            tables[i].primaryKey = table.primaryKey
            tables[i].indexes = table.constraints.filter { $0.kind == "p" || $0.kind == "u" || $0.kind == "x" }.map(\.name)
                + table.indexes.map(\.name)
        }
        // Shown with their tables (or part of another object) rather than on their own.
        let shown: Set<String> = ["TABLE", "CONSTRAINT", "FK CONSTRAINT", "CHECK CONSTRAINT", "INDEX", "SEQUENCE OWNED BY",
                                  "DEFAULT", "COMMENT", "ACL", "MATERIALIZED VIEW DATA", "INDEX ATTACH", "TABLE ATTACH"]
        if let dump = schema.dump {
            let tableNames = Set(tables.map(\.name))
            objects = dump.objects.filter { !shown.contains($0.kind) || ($0.kind == "TABLE" && !tableNames.contains("\($0.schema ?? "").\($0.name)")) }
                .map(\.display)
        } else {
            objects = schema.views.map { "VIEW \($0.schema).\($0.name)" } + schema.sequences.map { "SEQUENCE \($0.schema).\($0.name)" }
                + schema.enums.map { "TYPE \($0.schema).\($0.name)" }
        }
    }

    private mutating func describe(_ schema: SQLiteSchema) throws {
        for i in tables.indices {
            guard let table = schema.tables.first(where: { $0.name == tables[i].name }) else { continue }
            tables[i].columns = table.columns.map { $0.declaredType.isEmpty ? $0.name : "\($0.name) \($0.declaredType)" }
            tables[i].primaryKey = table.columns.filter { $0.primaryKeyPosition > 0 }
                .sorted { $0.primaryKeyPosition < $1.primaryKeyPosition }.map(\.name)
            tables[i].indexes = schema.indexes.filter { $0.table == table.name }.map(\.name)
        }
        objects = schema.views.map { "VIEW \($0.name)" } + schema.triggers.map { "TRIGGER \($0.name) ON \($0.table)" }
    }
}
