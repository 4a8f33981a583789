import AmberKit

/// The PostgreSQL server the CLI tests use (`AMBER_TEST_PG_URI`, started by `scripts/test`).
enum TestPostgres {
    /// `server` (a URI) with its database replaced by `name`, query parameters kept.
    static func database(_ name: String, on server: String) -> String {
        let (main, query) = server.firstIndex(of: "?").map { (String(server[..<$0]), String(server[$0...])) } ?? (server, "")
        let start = main.range(of: "://")!.upperBound
        let slash = main[start...].firstIndex(of: "/") ?? main.endIndex
        return String(main[..<slash]) + "/" + name + query
    }

    /// Runs SQL (one or more statements) in the database at `uri`.
    static func execute(_ uri: String, _ text: String) throws {
        let connection = try PGConnection(uri: uri)
        defer { connection.close() }
        try connection.execute(text)
    }

    /// `pg_dump` output without the random `\restrict` key lines and, for data, sorted (rows
    /// come in no fixed order) without the comment lines.
    static func dump(_ uri: String, _ section: String) throws -> String {
        let lines = try runTool(["pg_dump", section, uri]).split(separator: "\n").filter { !$0.hasPrefix("\\") }
        return section == "--data-only" ? lines.filter { !$0.hasPrefix("--") }.sorted().joined(separator: "\n")
            : lines.joined(separator: "\n")
    }
}
