import Foundation

/// The objects of a stored structure with their SQL, to tell what changed between two snapshots.
extension SchemaDump {
    /// One entry of the archive as `pg_restore` prints it: the header comment
    /// `-- Name: NAME; Type: KIND; Schema: SCHEMA; Owner: OWNER` and the SQL below it.
    public struct Entry: Sendable, Hashable {
        /// `pg_dump`'s kind (`TABLE`, `INDEX`, `FK CONSTRAINT`, `COMMENT`, …).
        public var kind: String
        /// The schema, nil for objects outside schemas (`-` in the header).
        public var schema: String?
        /// The tag: `items`, `items items_pkey` (table and constraint), `COLUMN items.note`.
        public var name: String
        public var owner: String
        /// The statements, without the header and blank lines.
        public var sql: String

        /// The tablespace (`; Tablespace: …` in the header), if any.
        public var tablespace: String?

        /// `KIND schema.name`, as ``SchemaDump/Object/display`` writes it.
        public var display: String { "\(kind) \(schema.map { "\($0)." } ?? "")\(name)" }
        /// What identifies the entry in both archives: default privileges are tagged alike for
        /// every role, so their owner (the role) is part of it.
        var identity: String { "\(kind)\u{0}\(schema ?? "")\u{0}\(name)" + (kind == "DEFAULT ACL" ? "\u{0}\(owner)" : "") }
    }

    /// How an entry differs from one archive to the next.
    public struct EntryChange: Sendable, Hashable {
        public enum Kind: String, Sendable { case added, removed, changed }
        public var kind: Kind
        /// The newer entry (the older one for a removed entry).
        public var entry: Entry
        /// Whether the entry's owner changed.
        public var ownerChanged = false
        /// The older entry of a changed one.
        public var previous: Entry?
    }

    /// Every entry of the archive with its SQL, as `program` (a `pg_restore`) prints it.
    func entries(by program: PGClientProgram) throws(PGError) -> [Entry] {
        guard format == Self.customArchive, let bytes = archiveBytes else {
            throw PGError(code: .invalidSchema, message: "the stored schema dump is not a pg_dump custom archive")
        }
        let script = try Self.withArchiveFile(bytes) { path throws(PGError) in
            try program.run(Self.scriptArguments(Options()) + [path], connection: nil)
        }
        return Self.entries(script: Self.withoutPsqlCommands(String(decoding: script, as: UTF8.self)))
    }

    /// The entries of what `newer` holds that differ from this archive's, in `newer`'s order
    /// (removed entries last, in this archive's order).
    /// Both archives are printed by one `pg_restore`, for the newest of `serverMajor` and the
    /// versions that wrote them, so that formatting never counts as a change.
    public func changes(to newer: SchemaDump, serverMajor: Int) throws(PGError) -> [EntryChange] {
        guard archive != newer.archive else { return [] }
        let program = try PGClientProgram.find("pg_restore", serverMajor: max(serverMajor, programVersion, newer.programVersion))
        let before = try entries(by: program), after = try newer.entries(by: program)
        let old = Dictionary(before.map { ($0.identity, $0) }, uniquingKeysWith: { first, _ in first })
        let new = Set(after.map(\.identity))
        var changes = after.compactMap { entry -> EntryChange? in
            guard let previous = old[entry.identity] else { return EntryChange(kind: .added, entry: entry) }
            guard previous.sql != entry.sql || previous.owner != entry.owner || previous.tablespace != entry.tablespace else { return nil }
            return EntryChange(kind: .changed, entry: entry, ownerChanged: previous.owner != entry.owner || previous.tablespace != entry.tablespace,
                               previous: previous)
        }
        changes += before.filter { !new.contains($0.identity) }.map { EntryChange(kind: .removed, entry: $0) }
        return changes
    }

    /// The entries of a `pg_restore` script: each header comment and the SQL up to the next
    /// header; what comes before the first header (the session settings) is no entry. The
    /// `SET default_tablespace`/`SET default_table_access_method` lines `pg_restore` prints
    /// before a header belong to the entry after them.
    static func entries(script: String) -> [Entry] {
        var entries = [Entry]()
        var current: Entry?
        var lines = [Substring]()
        var carried = [Substring]()
        var afterHeader = false
        func close() {
            // The header's closing "--" and the next header's opening one are not SQL.
            while let last = lines.last, last.isEmpty || last == "--" || last.hasPrefix("SET default_") {
                if last.hasPrefix("SET default_") { carried.insert(last, at: 0) }
                lines.removeLast()
            }
            guard var entry = current else { return }
            entry.sql = lines.filter { !$0.isEmpty }.joined(separator: "\n")
            entries.append(entry)
        }
        for line in script.split(separator: "\n", omittingEmptySubsequences: false) {
            if let header = header(line) {
                close()
                current = header
                lines = carried
                carried = []
                afterHeader = true
            } else if afterHeader && line == "--" {
                afterHeader = false  // the header's closing line
            } else {
                afterHeader = false
                lines.append(line)
            }
        }
        close()
        return entries
    }

    /// The entry a header line `-- Name: N; Type: K; Schema: S; Owner: O` begins, or nil.
    /// The fields are read from the right, so a name holding `; ` stays whole.
    static func header(_ fullLine: Substring) -> Entry? {
        var line = fullLine
        var tablespace: String?
        if let range = line.range(of: "; Tablespace: ", options: .backwards), line[..<range.lowerBound].contains("; Owner: ") {
            tablespace = String(line[range.upperBound...])
            line = line[..<range.lowerBound]
        }
        guard line.hasPrefix("-- Name: "),
              let owner = line.range(of: "; Owner: ", options: .backwards),
              let schema = line[..<owner.lowerBound].range(of: "; Schema: ", options: .backwards),
              let kind = line[..<schema.lowerBound].range(of: "; Type: ", options: .backwards) else { return nil }
        let schemaName = String(line[schema.upperBound..<owner.lowerBound])
        return Entry(kind: String(line[kind.upperBound..<schema.lowerBound]), schema: schemaName == "-" ? nil : schemaName,
                     name: String(line[line.index(line.startIndex, offsetBy: 9)..<kind.lowerBound]),
                     owner: String(line[owner.upperBound...]), sql: "", tablespace: tablespace)
    }
}
