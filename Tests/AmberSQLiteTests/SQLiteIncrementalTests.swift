import AmberDocuments
import AmberSQLite
import Foundation
import Testing

@Suite("SQLite incremental restore")
struct SQLiteIncrementalTests {
    /// Per table, the keys to delete and the rows to upsert to go from `a` to `b`.
    private func diff(_ a: Capture, _ b: Capture) -> [String: (upserts: [(DocumentKey, DatabaseRow)], deletes: [DocumentKey])] {
        var result = [String: (upserts: [(DocumentKey, DatabaseRow)], deletes: [DocumentKey])]()
        for table in b.schema.tables {
            let old = Dictionary(uniqueKeysWithValues: (a.rows[table.name] ?? []).map { ($0.0, $0.1) })
            let new = Dictionary(uniqueKeysWithValues: (b.rows[table.name] ?? []).map { ($0.0, $0.1) })
            let upserts = (b.rows[table.name] ?? []).filter { old[$0.0] != $0.1 }
            let deletes = (a.rows[table.name] ?? []).map(\.0).filter { new[$0] == nil }
            result[table.name] = (upserts, deletes)
        }
        return result
    }

    @Test func applyingTheDiffGivesTheNewState() throws {
        let scratch = try ScratchDirectory()
        let pathA = scratch.file("a.db")
        let pathB = scratch.file("b.db")
        try Fixture.create(at: pathA)
        try FileManager.default.copyItem(atPath: pathA, toPath: pathB)
        let editor = try SQLiteDatabase(path: pathB, mode: .readWrite)
        try editor.execute("""
            UPDATE people SET age = 37, photo = x'01' WHERE id = 1;
            DELETE FROM people WHERE id = 2;
            INSERT INTO people (id, name, age) VALUES (20, 'Bob', 40);
            UPDATE enrollment SET grade = 'B' WHERE course = 'math' AND student = 1;
            DELETE FROM enrollment WHERE course = 'art' AND student = 7;
            UPDATE mixed SET v = 8.5 WHERE rowid = 5;
            DELETE FROM mixed WHERE rowid = 100;
            INSERT INTO mixed (rowid, k, v) VALUES (50, 9, 'mid');
            INSERT INTO settings VALUES ('lang', 'fr');
            DELETE FROM settings WHERE key = 'nul';
            INSERT INTO events (kind, at) VALUES ('d', 4.0);
            INSERT INTO mixedkey VALUES (2, 'two');
            PRAGMA user_version = 43;
            """)
        try editor.close()

        let a = try Capture(path: pathA)
        let b = try Capture(path: pathB)
        let targetPath = scratch.file("target.db")
        try a.restore(to: targetPath)

        let target = try SQLiteTarget.openExisting(path: targetPath)
        #expect(target.schema == a.schema)
        try target.transaction {
            for (table, changes) in diff(a, b) {
                try target.apply(table: table, upserts: changes.upserts, deletes: changes.deletes)
            }
        }
        try target.applySettings(of: b.schema)
        try target.close()

        let expected = try DatabaseDump(path: pathB)
        let restored = try DatabaseDump(path: targetPath)
        // The people trigger fired in B (audit row for the new Bob) but not during apply.
        #expect(restored.tables == expected.tables)
        #expect(restored.pragmas == expected.pragmas)
        #expect(try Capture(path: targetPath).schema == b.schema)
    }

    @Test func aFailedApplyChangesNothing() throws {
        let scratch = try ScratchDirectory()
        let path = scratch.file("a.db")
        try Fixture.create(at: path)
        let before = try DatabaseDump(path: path)
        let target = try SQLiteTarget.openExisting(path: path)
        let good = DatabaseRow([.init("key", .text("new")), .init("value", .integer(1))])
        let bad = DatabaseRow([.init("key", .text("x"))])
        #expect(throws: SQLiteError.self) {
            try target.apply(table: "settings", upserts: [(.composite([.text("new")]), good), (.composite([.text("x")]), bad)],
                             deletes: [.composite([.text("theme")])])
        }
        try target.close()
        #expect(try DatabaseDump(path: path) == before)
    }
}
