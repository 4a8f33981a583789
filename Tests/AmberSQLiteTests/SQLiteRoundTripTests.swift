import AmberDocuments
import AmberSQLite
import Testing

@Suite("SQLite round trip")
struct SQLiteRoundTripTests {
    @Test(arguments: ["delete", "wal"])
    func roundTripIsExact(journalMode: String) throws {
        let scratch = try ScratchDirectory()
        let sourcePath = scratch.file("source.db")
        try Fixture.create(at: sourcePath, journalMode: journalMode)
        let capture = try Capture(path: sourcePath)
        let stored = try capture.throughStoredForms()
        #expect(stored.schema == capture.schema)

        let targetPath = scratch.file("restored.db")
        try stored.restore(to: targetPath)

        let source = try DatabaseDump(path: sourcePath)
        let restored = try DatabaseDump(path: targetPath)
        #expect(restored.master == source.master)
        #expect(restored.tables == source.tables)
        #expect(restored.pragmas == source.pragmas)
        #expect(restored.pragmas["user_version"] == .integer(42))
        #expect(restored.tables["sqlite_sequence"] == [[.integer(1), .text("events"), .text("text"), .integer(3), .text("integer")]])
        #expect(try Capture(path: targetPath).schema == capture.schema)
        #expect(!scratch.contents.contains { $0.hasSuffix(".tmp") })
    }

    @Test func keysFollowDocumentKeyOrder() throws {
        let scratch = try ScratchDirectory()
        let path = scratch.file("source.db")
        try Fixture.create(at: path)
        let capture = try Capture(path: path)
        for (table, rows) in capture.rows {
            let keys = rows.map(\.0)
            #expect(zip(keys, keys.dropFirst()).allSatisfy { $0 < $1 }, "\(table) keys not ascending")
        }
        // SQLite orders 2.5 between 1 and 3; document keys put integers before reals.
        #expect(capture.rows["mixedkey"]?.map(\.0) == [
            .composite([.integer(1)]), .composite([.integer(3)]), .composite([.real(-1.5)]), .composite([.real(2.5)]),
            .composite([.text("a")]), .composite([.blob([0])]),
        ])
        // Composite key in declared key order (course, student), not column order.
        #expect(capture.rows["enrollment"]?.first?.0 == .composite([.text("art"), .integer(1)]))
    }

    @Test func rowIDKeysKeepGapsAndExactStorageClasses() throws {
        let scratch = try ScratchDirectory()
        let path = scratch.file("source.db")
        try Fixture.create(at: path)
        let capture = try Capture(path: path)
        let mixed = try #require(capture.rows["mixed"])
        #expect(mixed.map(\.0) == [1, 5, 6, 100, 101, 102].map { DocumentKey.composite([.integer($0)]) })
        #expect(mixed.map { $0.1.columns[1].value } == [.integer(7), .text("abc"), .real(2.5), .null, .blob([0xCA, 0xFE]), .text("")])
        #expect(mixed[0].1.columns.map { String(decoding: $0.name, as: UTF8.self) } == ["k", "v"])
        // Generated columns are not part of rows.
        #expect(capture.rows["odd \"name\""]?.first?.1.columns.count == 1)
    }

    @Test func schemaDescribesStructure() throws {
        let scratch = try ScratchDirectory()
        let path = scratch.file("source.db")
        try Fixture.create(at: path)
        let schema = try Capture(path: path).schema
        #expect(schema.tables.map(\.name) == ["people", "enrollment", "mixed", "settings", "events", "audit", "odd \"name\"", "mixedkey"])
        let enrollment = try #require(schema.table(named: "enrollment"))
        #expect(enrollment.keyColumns == ["course", "student"])
        #expect(enrollment.columns.map(\.declaredType) == ["INTEGER", "TEXT", ""])
        #expect(enrollment.columns.map(\.notNull) == [true, true, false])
        #expect(schema.table(named: "settings")?.withoutRowID == true)
        #expect(schema.table(named: "mixed")?.isKeyedByRowID == true)
        #expect(schema.table(named: "people")?.columns[2].defaultValue == "0")
        #expect(schema.table(named: "events")?.columns[2].defaultValue == "julianday('now')")
        #expect(schema.table(named: "odd \"name\"")?.columns[1].generated == .virtual)
        #expect(schema.indexes.map(\.name) == ["people_name", "enrollment_grade", "people_adults"])
        #expect(schema.indexes[0].unique && !schema.indexes[1].unique)
        #expect(schema.indexes[1].columns == [.init(column: "grade", descending: false, collation: "BINARY"),
                                              .init(column: "student", descending: true, collation: "BINARY")])
        #expect(schema.indexes[2].partialWhere == "age >= 18")
        #expect(schema.views.map(\.name) == ["adults"])
        #expect(schema.triggers.map(\.name) == ["people_audit"])
        #expect(schema.sequences == [.init(table: "events", value: 3)])
        #expect(schema.settings.userVersion == 42 && schema.settings.applicationID == 1096041794)
        #expect(schema.canonicalJSON == (try SQLiteSchema(json: schema.canonicalJSON)).canonicalJSON)
    }

    @Test func errorsNameFileAndTable() throws {
        let scratch = try ScratchDirectory()
        let path = scratch.file("source.db")
        try Fixture.create(at: path)
        let source = try SQLiteSource(path: path)
        let error = try #require(throws: SQLiteError.self) { try source.forEachRow(table: "nope") { _, _ in } }
        #expect(error.code == .unknownTable && error.path == path && error.table == "nope")
        #expect(throws: SQLiteError.self) { try SQLiteSource(path: scratch.file("missing.db")) }
    }
}
