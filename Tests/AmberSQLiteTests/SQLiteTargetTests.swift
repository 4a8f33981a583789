import AmberDocuments
import AmberSQLite
import Foundation
import Testing

@Suite("SQLite target")
struct SQLiteTargetTests {
    @Test func refusesAnExistingFileWithoutForce() throws {
        let scratch = try ScratchDirectory()
        let sourcePath = scratch.file("source.db")
        try Fixture.create(at: sourcePath)
        let capture = try Capture(path: sourcePath)
        let targetPath = scratch.file("target.db")
        try Data("precious".utf8).write(to: URL(fileURLWithPath: targetPath))

        let error = try #require(throws: SQLiteError.self) { try capture.restore(to: targetPath) }
        #expect(error.code == .targetExists && error.path == targetPath)
        #expect(try Data(contentsOf: URL(fileURLWithPath: targetPath)) == Data("precious".utf8))

        // With force the file is replaced, and a stale side file of the old one is removed.
        try Data("stale".utf8).write(to: URL(fileURLWithPath: targetPath + "-journal"))
        try capture.restore(to: targetPath, force: true)
        #expect(try DatabaseDump(path: targetPath).tables == (try DatabaseDump(path: sourcePath)).tables)
        #expect(scratch.contents == ["source.db", "target.db"])
    }

    @Test func aFailedWriteLeavesNothing() throws {
        let scratch = try ScratchDirectory()
        let sourcePath = scratch.file("source.db")
        try Fixture.create(at: sourcePath)
        let capture = try Capture(path: sourcePath)
        let targetPath = scratch.file("target.db")
        let target = try SQLiteTarget(path: targetPath, force: false)
        let error = try #require(throws: SQLiteError.self) {
            try target.write(schema: capture.schema) { table in
                // A row that is not the table's: the people row offered to every table.
                capture.rows["people"] ?? []
            }
        }
        #expect(error.code == .rowMismatch && error.table == "enrollment" && error.path == targetPath)
        #expect(scratch.contents == ["source.db"])
    }

    @Test func rejectsAKeyThatIsNotTheRowsPrimaryKey() throws {
        let scratch = try ScratchDirectory()
        let schema = SQLiteSchema(tables: [SQLiteSchema.Table(
            name: "t", sql: "CREATE TABLE t (a TEXT PRIMARY KEY, b)", withoutRowID: false, strict: false,
            columns: [.init(name: "a", declaredType: "TEXT", notNull: false, defaultValue: nil, primaryKeyPosition: 1),
                      .init(name: "b", declaredType: "", notNull: false, defaultValue: nil, primaryKeyPosition: 0)])])
        let target = try SQLiteTarget(path: scratch.file("t.db"), force: false)
        try target.begin(schema: schema)
        let row = DatabaseRow([.init("a", .text("x")), .init("b", .integer(1))])
        #expect(throws: SQLiteError.self) { try target.insert(table: "t", key: .composite([.text("y")]), row: row) }
        try target.insert(table: "t", key: .composite([.text("x")]), row: row)
        try target.finish()
        #expect(try DatabaseDump(path: scratch.file("t.db")).tables["t"] == [[.text("x"), .text("text"), .integer(1), .text("integer")]])
    }
}
