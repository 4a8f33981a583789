import AmberDocuments
import AmberSQLite
import Testing

@Suite("SQLite source under concurrent writes")
struct SQLiteConcurrencyTests {
    private func makeDatabase(_ path: String, journalMode: String) throws {
        let database = try SQLiteDatabase(path: path, mode: .create)
        _ = try database.rows("PRAGMA journal_mode = \(journalMode)")
        try database.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT); CREATE TABLE u (x)")
        let insert = try database.prepare("INSERT INTO t VALUES (?, ?)")
        for id in 1...200 { try insert.execute([.integer(Int64(id)), .text("v\(id)")]) }
        insert.finalize()
        try database.close()
    }

    private func rows(_ path: String, table: String = "t") throws -> [DatabaseRow] {
        let source = try SQLiteSource(path: path)
        defer { try? source.close() }
        var rows = [DatabaseRow]()
        try source.forEachRow(table: table) { rows.append($1) }
        return rows
    }

    private static let changes = "UPDATE t SET v = 'changed'; DELETE FROM t WHERE id > 150; INSERT INTO t VALUES (500, 'new'); INSERT INTO u VALUES (1)"

    /// In WAL mode the writer commits during the read; the read still sees its snapshot.
    @Test func walWriterDoesNotDisturbTheSnapshot() throws {
        let scratch = try ScratchDirectory()
        let path = scratch.file("wal.db")
        try makeDatabase(path, journalMode: "wal")
        let before = try rows(path)

        let source = try SQLiteSource(path: path)
        let writer = try SQLiteDatabase(path: path, mode: .readWrite, busyTimeout: .zero)
        var read = [DatabaseRow]()
        try source.forEachRow(table: "t") { _, row in
            if read.isEmpty { try writer.execute("BEGIN; \(Self.changes); COMMIT") }
            read.append(row)
        }
        var otherTable = [DatabaseRow]()
        try source.forEachRow(table: "u") { otherTable.append($1) }
        try source.close()
        try writer.close()

        #expect(read == before)
        #expect(otherTable.isEmpty)
        #expect(try rows(path).count == 151)
    }

    /// In rollback-journal mode the source's SHARED lock keeps a writer from committing until the
    /// read ends; the read sees the state at its start, and the writer commits afterwards.
    @Test func rollbackWriterWaitsForTheRead() throws {
        let scratch = try ScratchDirectory()
        let path = scratch.file("rollback.db")
        try makeDatabase(path, journalMode: "delete")
        let before = try rows(path)

        let source = try SQLiteSource(path: path)
        let writer = try SQLiteDatabase(path: path, mode: .readWrite, busyTimeout: .zero)
        var read = [DatabaseRow]()
        var blocked = false
        try source.forEachRow(table: "t") { _, row in
            if read.isEmpty {
                try writer.execute("BEGIN; \(Self.changes)")
                do {
                    try writer.execute("COMMIT")
                } catch SQLiteResultCode.busy {
                    blocked = true
                }
            }
            read.append(row)
        }
        try source.close()
        #expect(blocked)
        #expect(read == before)

        try writer.execute("COMMIT")
        try writer.close()
        #expect(try rows(path).count == 151)
    }
}
