import AmberPostgres
import AmberSQLite

extension PostgresToSQLite {
    /// Kinds of ``SchemaDump`` objects that the mapping of the captured catalog members already
    /// carries over or names (tables, constraints, indexes, sequences, defaults, views, enum
    /// types, comments) or that belong to another object named in their place.
    static let kindsMappedFromCatalog: Set<String> = [
        "TABLE", "CONSTRAINT", "CHECK CONSTRAINT", "FK CONSTRAINT", "INDEX", "SEQUENCE", "SEQUENCE OWNED BY", "SEQUENCE SET",
        "DEFAULT", "VIEW", "COMMENT", "SCHEMA", "TYPE", "MATERIALIZED VIEW DATA", "INDEX ATTACH", "TABLE ATTACH", "ACL", "DEFAULT ACL",
        "ENCODING", "STDSTRINGS", "SEARCHPATH", "DATABASE", "DATABASE PROPERTIES",
    ]

    /// Names what the schema's ``SchemaDump`` holds beyond the captured catalog members — functions,
    /// procedures, triggers, domains, composite types, materialized views, partitioning, policies,
    /// extensions, … — none of which SQLite can hold: one structure issue each, so a restore into
    /// SQLite lists them before writing anything. Privileges are a note.
    static func mapDumpObjects(_ schema: PostgresSchema, into result: inout EngineMapping<SQLiteSchema>) {
        guard let dump = schema.dump else { return }
        let tables = Set(schema.tables.map(\.qualifiedName))
        let enums = Set(schema.enums.map { "\($0.schema).\($0.name)" })
        for object in dump.objects {
            let qualified = object.schema.map { "\($0).\(object.name)" } ?? object.name
            let reason: String
            switch object.kind {
            case "TABLE" where !tables.contains(qualified):
                reason = "partitioned table (or one without rows of its own): SQLite has no partitioning; its partitions are "
                    + "restored as separate tables"
            case "TYPE" where !enums.contains(qualified):
                reason = "type: SQLite has no composite, range or base types; its columns hold the values' text"
            case "ACL", "DEFAULT ACL":
                if !result.notes.contains(privilegesNote) { result.notes.append(privilegesNote) }
                continue
            case let kind where kindsMappedFromCatalog.contains(kind):
                continue
            default:
                reason = "\(object.kind.lowercased()): SQLite has no equivalent"
            }
            result.issues.append(CrossEngineIssue(.structure, table: qualified, reason))
        }
    }

    static let privilegesNote = "privileges (GRANT/REVOKE) have no SQLite equivalent and are not carried"
}
