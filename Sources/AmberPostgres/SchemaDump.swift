import Foundation

/// A database's whole structure as `pg_dump` writes it, taken in the backup's own snapshot:
/// `pg_dump -Fc -Z0 --section=pre-data --section=post-data --snapshot=…`, an archive holding
/// every object `pg_dump` knows (types and domains, functions, tables with partitions and
/// inheritance, views, materialized views and their refresh, triggers, policies, extensions,
/// collations, comments, owners and privileges) and no rows, which the backup stores itself.
///
/// A restore into PostgreSQL turns it back into SQL with `pg_restore` (``sql(section:options:)``)
/// and runs the pre-data section before the rows and the post-data section after them, in the
/// order `pg_restore` itself uses.
public struct SchemaDump: Codable, Sendable, Hashable {
    /// ``customArchive``.
    public var format: String
    /// The major version of the `pg_dump` that wrote it (the server's, or newer).
    public var programVersion: Int
    /// The server's version number (`server_version_num`: 150018 for 15.18).
    public var serverVersion: Int
    /// The archive, base64 (RFC 4648, padded). Its creation time is set to
    /// ``normalizedCreationTime`` (``normalizingCreationTime(_:)``), so an unchanged database
    /// gives the same bytes every day.
    public var archive: String
    /// What the archive holds, in its order (`pg_restore --list`): what a restore into another
    /// engine names when it cannot carry it over.
    public var objects: [Object]

    /// One entry of the archive's table of contents.
    public struct Object: Codable, Sendable, Hashable {
        /// `pg_dump`'s kind: `TABLE`, `FUNCTION`, `MATERIALIZED VIEW`, `FK CONSTRAINT`, …
        public var kind: String
        /// The object's schema; nil for objects outside schemas (a schema, an extension).
        public var schema: String?
        /// Its name as `pg_dump` tags it (`twice(integer)` for a function, `items items_pkey`
        /// for a constraint: table and name).
        public var name: String

        public init(kind: String, schema: String?, name: String) {
            self.kind = kind
            self.schema = schema
            self.name = name
        }
    }

    /// The only ``format``: a `pg_dump` custom-format archive.
    public static let customArchive = "pg_dump custom"

    public init(archive: Data, programVersion: Int, serverVersion: Int, objects: [Object]) {
        format = Self.customArchive
        self.programVersion = programVersion
        self.serverVersion = serverVersion
        self.archive = Self.normalizingCreationTime(archive).base64EncodedString()
        self.objects = objects
    }

    /// The archive's bytes, or nil when ``archive`` is not base64.
    public var archiveBytes: Data? { Data(base64Encoded: archive) }

    /// `pg_dump`'s arguments for the archive of the snapshot `snapshot` (`pg_export_snapshot()`;
    /// nil for the database as it is now), limited to `schemas` when there are any.
    static func dumpArguments(snapshot: String?, schemas: [String]) -> [String] {
        ["--format=custom", "--compress=0", "--section=pre-data", "--section=post-data"]
            + (snapshot.map { ["--snapshot=\($0)"] } ?? []) + schemas.map { "--schema=\($0)" }
    }

    /// `pg_restore`'s arguments for the whole archive as SQL on standard output.
    static func scriptArguments(_ options: Options) -> [String] {
        var arguments = ["--file=-"]
        if options.noOwner { arguments.append("--no-owner") }
        if options.noACL { arguments.append("--no-acl") }
        if options.clean { arguments += ["--clean", "--if-exists"] }
        return arguments
    }

    // MARK: Table of contents

    /// Every kind `pg_dump` writes that is more than one word, longest first, so that a listing
    /// line's kind is told from the schema and name after it.
    static let compoundKinds = [
        "PUBLICATION TABLES IN SCHEMA", "TEXT SEARCH CONFIGURATION", "TEXT SEARCH DICTIONARY", "MATERIALIZED VIEW DATA",
        "TEXT SEARCH TEMPLATE", "FOREIGN DATA WRAPPER", "TEXT SEARCH PARSER", "PROCEDURAL LANGUAGE", "DATABASE PROPERTIES",
        "SEQUENCE OWNED BY", "PUBLICATION TABLE", "MATERIALIZED VIEW", "OPERATOR FAMILY", "CHECK CONSTRAINT", "OPERATOR CLASS",
        "SECURITY LABEL", "FOREIGN SERVER", "EVENT TRIGGER", "FK CONSTRAINT", "ACCESS METHOD", "FOREIGN TABLE",
        "INDEX ATTACH", "LARGE OBJECT", "SEQUENCE SET", "ROW SECURITY", "TABLE ATTACH", "USER MAPPING", "DEFAULT ACL",
        "SHELL TYPE", "TABLE DATA",
    ]

    /// The objects of a `pg_restore --list` listing: lines `id; classOID objectOID KIND SCHEMA
    /// NAME OWNER` (`-` for no schema; comment lines start with `;`).
    static func objects(listing: String) -> [Object] {
        listing.split(separator: "\n").compactMap { line -> Object? in
            guard !line.hasPrefix(";"), let semicolon = line.firstIndex(of: ";") else { return nil }
            var words = line[line.index(after: semicolon)...].split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true)
            guard words.count == 3 else { return nil }
            let rest = words.removeLast()
            let kind = compoundKinds.first { rest.hasPrefix($0 + " ") } ?? String(rest.prefix { $0 != " " })
            var tail = rest.dropFirst(kind.count).drop { $0 == " " }
            let schema = tail.prefix { $0 != " " }
            tail = tail.dropFirst(schema.count).dropFirst()
            // The owner is the last word (empty for an extension's entries).
            let name = tail.hasSuffix(" ") ? tail.dropLast() : tail[..<(tail.lastIndex(of: " ") ?? tail.endIndex)]
            return Object(kind: kind, schema: schema == "-" ? nil : String(schema), name: String(name))
        }
    }

    /// `pg_restore --list` of `archive`, by the `pg_restore` for major version `version`.
    static func listObjects(_ archive: Data, version: Int) throws(PGError) -> [Object] {
        let program = try PGClientProgram.find("pg_restore", serverMajor: version)
        let listing = try withArchiveFile(archive) { path throws(PGError) in try program.run(["--list", path], connection: nil) }
        return objects(listing: String(decoding: listing, as: UTF8.self))
    }

    /// Runs `body` with the path of a file (mode 0600, in `$TMPDIR`) holding `archive`, removed
    /// afterwards: what `pg_restore` reads.
    static func withArchiveFile<T>(_ archive: Data, _ body: (String) throws(PGError) -> T) throws(PGError) -> T {
        let directory = ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array("\(directory)/amber-schema-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw PGError(code: .clientProgram, message: "cannot create a file in \(directory) for pg_restore") }
        let path = String(cString: template)
        defer { unlink(path) }
        let written = archive.withUnsafeBytes { write(fd, $0.baseAddress, archive.count) }
        close(fd)
        guard written == archive.count else { throw PGError(code: .clientProgram, message: "cannot write \(path) for pg_restore") }
        return try body(path)
    }

    // MARK: Creation time

    /// 2000-01-01 00:00:00 as the archive header's `struct tm` fields: `tm_sec`, `tm_min`,
    /// `tm_hour`, `tm_mday`, `tm_mon`, `tm_year`, `tm_isdst`.
    static let normalizedCreationTime: [Int] = [0, 0, 0, 1, 0, 100, 0]

    /// `archive` with the creation time in its header replaced by ``normalizedCreationTime``;
    /// unchanged when the header is not one this code knows (archive versions 1.4 to 1.16).
    ///
    /// The header (`pg_backup_archiver.c`, `WriteHead`) is `"PGDMP" ‖ major ‖ minor ‖ revision ‖
    /// intSize ‖ offSize ‖ format ‖ compression ‖ 7 × int ‖ …`, where an int is a sign byte and
    /// `intSize` little-endian bytes, and `compression` is one byte from version 1.15 on and an
    /// int before.
    static func normalizingCreationTime(_ archive: Data) -> Data {
        var bytes = [UInt8](archive)
        guard bytes.count > 11, bytes[0..<5].elementsEqual("PGDMP".utf8), bytes[5] == 1, (4...16).contains(bytes[6]),
              (1...8).contains(bytes[8]) else { return archive }
        let intSize = Int(bytes[8])
        var offset = 11 + (bytes[6] >= 15 ? 1 : 1 + intSize)
        guard bytes.count >= offset + 7 * (1 + intSize) else { return archive }
        for value in normalizedCreationTime {
            bytes[offset] = 0
            for i in 0..<intSize { bytes[offset + 1 + i] = UInt8(truncatingIfNeeded: value >> (8 * i)) }
            offset += 1 + intSize
        }
        return Data(bytes)
    }

    // MARK: SQL

    /// A part of the archive as SQL (`pg_restore --section`).
    public enum Section: String, Sendable {
        /// Schemas, types, functions, tables, views, sequences, comments: before the rows.
        case preData = "pre-data"
        /// Constraints, indexes, triggers, rules, policies, materialized view refreshes: after
        /// the rows.
        case postData = "post-data"
    }

    /// What `pg_restore` leaves out or adds, as its options of the same names.
    public struct Options: Sendable, Hashable {
        /// `--no-owner`: objects belong to the user who restores.
        public var noOwner: Bool
        /// `--no-acl`: no `GRANT`/`REVOKE`.
        public var noACL: Bool
        /// `--clean --if-exists`: drop each object before creating it (`restore --force`).
        public var clean: Bool

        public init(noOwner: Bool = false, noACL: Bool = false, clean: Bool = false) {
            self.noOwner = noOwner
            self.noACL = noACL
            self.clean = clean
        }
    }

    /// The SQL of `section`, as `pg_restore -f -` writes it for a server of major version
    /// `serverMajor`, without the `\restrict`/`\unrestrict` lines that newer `pg_restore`s put
    /// around a script for psql (they are psql commands, not SQL).
    public func sql(_ section: Section, options: Options, serverMajor: Int) throws(PGError) -> String {
        guard format == Self.customArchive, let bytes = archiveBytes else {
            throw PGError(code: .invalidSchema, message: "the stored schema dump is not a pg_dump custom archive")
        }
        let program = try PGClientProgram.find("pg_restore", serverMajor: max(serverMajor, programVersion))
        let output = try Self.withArchiveFile(bytes) { path throws(PGError) in
            try program.run(["--section=\(section.rawValue)"] + Self.scriptArguments(options) + [path], connection: nil)
        }
        return Self.withoutPsqlCommands(String(decoding: output, as: UTF8.self))
    }

    /// `script` without its `\restrict KEY` and `\unrestrict KEY` lines (the key is random,
    /// written by `pg_restore` at the top and bottom of every script since the 2025 releases).
    static func withoutPsqlCommands(_ script: String) -> String {
        var lines = script.split(separator: "\n", omittingEmptySubsequences: false)
        guard let first = lines.first(where: { $0.hasPrefix("\\restrict ") }) else { return script }
        let key = first.dropFirst("\\restrict ".count)
        lines.removeAll { $0 == "\\restrict \(key)" || $0 == "\\unrestrict \(key)" }
        return lines.joined(separator: "\n")
    }
}
