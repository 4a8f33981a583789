import AmberDocuments
import AmberPostgres
import AmberSQLite
import AmberSnapshot

/// What a full restore of database rows writes into, once its structure is begun: a new SQLite
/// file (``SQLiteTarget``) or an empty PostgreSQL database (``PostgresTarget``).
protocol RowTarget: AnyObject {
    func insert(table: String, key: DocumentKey, row: DatabaseRow) throws
    /// Makes the restore visible (indexes, constraints, commit or publish).
    func finish() throws
    /// Abandons the restore; nothing of it stays visible.
    func discard()
}

extension SQLiteTarget: RowTarget {}
extension PostgresTarget: RowTarget {}

extension CollectionRestorer {
    /// A row as a target receives it: its table there, its key and its values.
    typealias TargetRow = (table: String, key: DocumentKey, row: DatabaseRow)

    /// Begins `target` (`begin` creates its structure), writes every row of every collection of
    /// `set` into it, each passed through the converter `rows` makes for its collection, then
    /// finishes the target; on any error the target is discarded and the error rethrown.
    func fill<Target: RowTarget>(_ target: Target, begin: (Target) throws -> Void, from set: CollectionSet,
                                 report: inout CollectionRestoreReport,
                                 rows: (CollectionSet.Collection) throws -> (DocumentKey, DatabaseRow) throws -> TargetRow) throws {
        try fill(target, begin: begin, from: set, report: &report) { collection in
            let convert = try rows(collection)
            var documents: UInt64 = 0
            try forEachRow(of: collection) { key, row in
                let out = try convert(key, row)
                try target.insert(table: out.table, key: out.key, row: out.row)
                documents += 1
            }
            return documents
        }
    }

    /// Begins `target`, calls `copy` for every collection of `set` (it writes the collection's
    /// rows and returns how many), then finishes the target; on any error the target is
    /// discarded and the error rethrown.
    func fill<Target: RowTarget>(_ target: Target, begin: (Target) throws -> Void, from set: CollectionSet,
                                 report: inout CollectionRestoreReport,
                                 copy: (CollectionSet.Collection) throws -> UInt64) throws {
        do {
            try begin(target)
            for collection in set.collections {
                report.documents += try copy(collection)
                report.collections += 1
            }
            try target.finish()
        } catch {
            target.discard()
            throw error
        }
    }
}
