import Foundation
/// Comparing a stored structure with a database's (`restore --verify`).
extension SchemaDump {
    /// One way a database's structure differs from a stored one.
    public struct Difference: Sendable, Hashable, CustomStringConvertible {
        public enum Kind: String, Sendable {
            /// In the stored structure, not in the database.
            case missing
            /// In the database, not in the stored structure.
            case extra
            /// Both hold the objects, but `pg_restore` prints them differently: `object` is the
            /// first line that differs, as the stored structure has it.
            case different
        }

        public let kind: Kind
        /// `KIND schema.name` (`FUNCTION app.twice(x integer)`), or a line of SQL.
        public let object: String

        public var description: String { "\(object): \(kind.rawValue)" }
    }

    /// How the structure of the database at `connection` now differs from this one: the objects
    /// `pg_dump` lists on each side, and, when both come from the same major version of
    /// PostgreSQL and hold the same objects, the SQL `pg_restore` prints for each (with
    /// `options`, those the restore used), line by line up to the first difference.
    public func differences(from connection: PGConnection, options: Options) throws(PGError) -> [Difference] {
        let major = connection.serverMajor
        let program = try PGClientProgram.find("pg_dump", serverMajor: major)
        let current = try program.run(Self.dumpArguments(snapshot: nil, schemas: []), connection: connection.info)
        let currentObjects = try Self.listObjects(current, version: program.majorVersion)
        // Privileges left out by --no-acl are not differences.
        let compared = { (list: [Object]) in list.filter { !options.noACL || ($0.kind != "ACL" && $0.kind != "DEFAULT ACL") }.map(\.display) }
        let stored = Set(compared(objects)), present = Set(compared(currentObjects))
        var differences = compared(objects).filter { !present.contains($0) }.map { Difference(kind: .missing, object: $0) }
        differences += compared(currentObjects).filter { !stored.contains($0) }.map { Difference(kind: .extra, object: $0) }
        guard differences.isEmpty, serverVersion / 10000 == major, let bytes = archiveBytes else { return differences }
        var plain = options
        plain.clean = false
        let restorer = try PGClientProgram.find("pg_restore", serverMajor: max(major, programVersion))
        let script = { (archive: Data) throws(PGError) -> [String] in
            try Self.withArchiveFile(archive) { path throws(PGError) in
                Self.comparableLines(try restorer.run(Self.scriptArguments(plain) + [path], connection: nil))
            }
        }
        let before = try script(bytes), after = try script(current)
        var i = 0
        while i < before.count, i < after.count, before[i] == after[i] { i += 1 }
        if i < before.count || i < after.count {
            differences.append(Difference(kind: .different, object: i < before.count ? before[i] : after[i]))
        }
        return differences
    }

    /// The lines of a script that describe the structure: without the version comments and the
    /// psql `\restrict` lines.
    private static func comparableLines(_ script: some Sequence<UInt8>) -> [String] {
        String(decoding: Array(script), as: UTF8.self).split(separator: "\n")
            .filter { !$0.hasPrefix("\\") && !$0.hasPrefix("-- Dumped ") }.map(String.init)
    }
}

extension SchemaDump.Object {
    /// `KIND schema.name`, or `KIND name` outside schemas.
    public var display: String { "\(kind) \(schema.map { "\($0)." } ?? "")\(name)" }
}
