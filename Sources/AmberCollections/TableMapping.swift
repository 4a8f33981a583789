import AmberDocuments
import AmberPostgres

/// How the rows of one table of a snapshot become rows of a table in another engine.
public struct TableMapping: Sendable, Hashable {
    /// One column: its name (the same in both engines) and how its values convert.
    public struct Column: Sendable, Hashable {
        public let name: String
        public let conversion: ValueConversion
    }

    /// The snapshot's collection name for the table.
    public let source: String
    /// The table's name in the target (`schema.table` for PostgreSQL).
    public let target: String
    /// The columns rows carry, in order, in both engines.
    public let columns: [Column]
    /// The positions of the target's primary-key columns in ``columns``; empty when the target
    /// table has none (its rows are then compared by content).
    public let keyOffsets: [Int]

    /// The row in the target's form, or the issues (one per column that does not fit), each
    /// naming the table, the snapshot key and the column.
    public func convert(_ row: DatabaseRow, key: DocumentKey) -> Result<DatabaseRow, IssueList> {
        guard row.columns.count == columns.count,
              zip(row.columns, columns).allSatisfy({ $0.name == Array($1.name.utf8) }) else {
            let names = row.columns.map { String(decoding: $0.name, as: UTF8.self) }
            return .failure(IssueList([CrossEngineIssue(.value, table: source, key: key.display,
                                                        "the row's columns \(names) are not the table's \(columns.map(\.name))")]))
        }
        var out = [DatabaseRow.Column]()
        out.reserveCapacity(columns.count)
        var issues = [CrossEngineIssue]()
        for (offset, (value, column)) in zip(row.columns.map(\.value), columns).enumerated() {
            if value == .null, keyOffsets.contains(offset) {
                issues.append(CrossEngineIssue(.value, table: source, key: key.display, column: column.name,
                                               "NULL in a primary-key column"))
                continue
            }
            do {
                out.append(DatabaseRow.Column(column.name, try column.conversion.convert(value)))
            } catch {
                issues.append(CrossEngineIssue(.value, table: source, key: key.display, column: column.name, error.reason))
            }
        }
        return issues.isEmpty ? .success(DatabaseRow(out)) : .failure(IssueList(issues))
    }

    /// A target row in the form `--verify` compares (see ``ValueConversion/normalize(_:)``).
    public func normalize(_ row: DatabaseRow) -> DatabaseRow {
        guard row.columns.count == columns.count else { return row }
        return DatabaseRow(zip(row.columns, columns).map { DatabaseRow.Column(name: $0.name, value: $1.conversion.normalize($0.value)) })
    }

    /// The target's primary key of a target row; `nil` when the table has none.
    public func targetKey(_ row: DatabaseRow) -> DocumentKey? {
        guard !keyOffsets.isEmpty, keyOffsets.allSatisfy({ $0 < row.columns.count }) else { return nil }
        return .composite(keyOffsets.map { row.columns[$0].value })
    }

    /// Target rows keyed for comparison, in key order: by primary key, or by content
    /// (``PostgresSchema/Table/contentKeys(_:)``) when the table has none.
    public func keyed(_ rows: [DatabaseRow]) -> [(key: DocumentKey, row: DatabaseRow)] {
        let normalized = rows.map(normalize)
        if keyOffsets.isEmpty {
            return PostgresSchema.Table.contentKeys(normalized).map { ($0.key, normalized[$0.position]) }
        }
        return normalized.compactMap { row in targetKey(row).map { ($0, row) } }.sorted { $0.key < $1.key }
    }
}

/// Issues found in one row, as an error.
public struct IssueList: Error, Sendable, Hashable {
    public let issues: [CrossEngineIssue]
    public init(_ issues: [CrossEngineIssue]) { self.issues = issues }
}

/// A snapshot's schema mapped to another engine: the target schema, how each table's rows
/// convert, what cannot be mapped, and what the mapping documents as not carried.
public struct EngineMapping<Schema: Sendable>: Sendable {
    /// The target schema, without what ``issues`` names.
    public var schema: Schema
    /// One per table, in the snapshot's collection order.
    public var tables: [TableMapping]
    /// Structure and names that cannot be mapped.
    public var issues: [CrossEngineIssue] = []
    /// What the target does not keep by design (rowids, comments, sequence counters), one line each.
    public var notes: [String] = []

    /// The mapping of the collection named `name`.
    public func table(source name: String) -> TableMapping? { tables.first { $0.source == name } }

    /// Throws ``CrossEngineError`` if there are issues, unless `skipUnmappable` and all of them
    /// are structure; returns the warnings to print (skipped structure, then notes).
    public func check(skipUnmappable: Bool, from: String, to: String) throws(CrossEngineError) -> [String] {
        let fatal = issues.filter { !skipUnmappable || $0.kind != .structure }
        guard fatal.isEmpty else { throw CrossEngineError(from: from, to: to, issues: fatal) }
        return issues.map { "left out: \($0)" } + notes
    }
}
