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
    /// The archive, base64 (RFC 4648, padded). Its creation time is set to
    /// ``normalizedCreationTime`` (``normalizingCreationTime(_:)``), so an unchanged database
    /// gives the same bytes every day.
    public var archive: String

    /// The only ``format``: a `pg_dump` custom-format archive.
    public static let customArchive = "pg_dump custom"

    public init(archive: Data, programVersion: Int) {
        format = Self.customArchive
        self.programVersion = programVersion
        self.archive = Self.normalizingCreationTime(archive).base64EncodedString()
    }

    /// The archive's bytes, or nil when ``archive`` is not base64.
    public var archiveBytes: Data? { Data(base64Encoded: archive) }

    /// `pg_dump`'s arguments for the archive of the snapshot `snapshot` (`pg_export_snapshot()`),
    /// limited to `schemas` when there are any.
    static func dumpArguments(snapshot: String, schemas: [String]) -> [String] {
        ["--format=custom", "--compress=0", "--section=pre-data", "--section=post-data", "--snapshot=\(snapshot)"]
            + schemas.map { "--schema=\($0)" }
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
            for i in 0..<intSize { bytes[offset + 1 + i] = i < 8 ? UInt8(truncatingIfNeeded: value >> (8 * i)) : 0 }
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
        var arguments = ["--section=\(section.rawValue)", "--file=-"]
        if options.noOwner { arguments.append("--no-owner") }
        if options.noACL { arguments.append("--no-acl") }
        if options.clean { arguments += ["--clean", "--if-exists"] }
        let output = try program.run(arguments, connection: nil, input: bytes)
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
