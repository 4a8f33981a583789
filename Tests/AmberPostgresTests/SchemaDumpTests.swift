import Foundation
@testable import AmberPostgres
import Testing

/// The parts of ``SchemaDump`` that do not need a server: the archive header's creation time,
/// the table-of-contents listing, and the psql lines around a script. (The whole path, from
/// `pg_dump` to a restored database judged by `pg_dump`, is `PostgresStructureTests`.)
@Suite struct SchemaDumpTests {
    /// A custom-format header as pg_dump 15 writes it (archive 1.14, 4-byte ints, compression an
    /// int), created 2026-12-06 02:50:32, followed by the database name.
    static let header114: [UInt8] = Array("PGDMP".utf8) + [1, 14, 0, 4, 8, 1] + [0, 0, 0, 0, 0]
        + [0, 32, 0, 0, 0] + [0, 50, 0, 0, 0] + [0, 2, 0, 0, 0] + [0, 6, 0, 0, 0] + [0, 11, 0, 0, 0] + [0, 126, 0, 0, 0]
        + [0, 0, 0, 0, 0] + [5, 0, 0, 0] + Array("bench".utf8)

    @Test func creationTimeIsSetToTheFixedDate() {
        let normalized = [UInt8](SchemaDump.normalizingCreationTime(Data(Self.header114)))
        let expected: [UInt8] = [0, 0, 0, 0, 0] + [0, 0, 0, 0, 0] + [0, 0, 0, 0, 0] + [0, 1, 0, 0, 0] + [0, 0, 0, 0, 0]
            + [0, 100, 0, 0, 0] + [0, 0, 0, 0, 0]
        #expect(Array(normalized[16..<51]) == expected)
        // Everything else is untouched.
        #expect(Array(normalized[..<16]) == Array(Self.header114[..<16]))
        #expect(Array(normalized[51...]) == Array(Self.header114[51...]))
    }

    /// From archive version 1.15 (pg_dump 16) the compression is one byte, so the time starts
    /// four bytes earlier; an unknown or short header is left as it is.
    @Test func headerVersionsAndForeignBytes() {
        let header115: [UInt8] = Array("PGDMP".utf8) + [1, 15, 0, 4, 8, 1] + [0] + Array(Self.header114[16...])
        let normalized = [UInt8](SchemaDump.normalizingCreationTime(Data(header115)))
        #expect(Array(normalized[12..<17]) == [0, 0, 0, 0, 0] && Array(normalized[27..<32]) == [0, 1, 0, 0, 0]
                && Array(normalized[37..<42]) == [0, 100, 0, 0, 0])
        for foreign in [Array("PGDMX".utf8) + Array(Self.header114[5...]), Array(Self.header114[..<30]),
                        Array("PGDMP".utf8) + [2, 0, 0, 4, 8, 1] + Array(Self.header114[11...])] {
            #expect(SchemaDump.normalizingCreationTime(Data(foreign)) == Data(foreign))
        }
    }

    @Test func listingGivesKindSchemaAndName() {
        let listing = """
            ;
            ; Archive created at 2000-01-01 00:00:00 UTC
            ;
            7; 2615 16433 SCHEMA - app amber
            2; 3079 16434 EXTENSION - citext 
            275; 1255 16554 FUNCTION app twice(x integer) amber
            227; 1259 16618 MATERIALIZED VIEW app totals amber
            3360; 2606 16607 FK CONSTRAINT app tree tree_up_fkey amber
            3340; 0 0 TABLE ATTACH app events_2025 amber
            218; 1259 16557 TABLE app items amber
            """
        #expect(SchemaDump.objects(listing: listing) == [
            .init(kind: "SCHEMA", schema: nil, name: "app"),
            .init(kind: "EXTENSION", schema: nil, name: "citext"),
            .init(kind: "FUNCTION", schema: "app", name: "twice(x integer)"),
            .init(kind: "MATERIALIZED VIEW", schema: "app", name: "totals"),
            .init(kind: "FK CONSTRAINT", schema: "app", name: "tree tree_up_fkey"),
            .init(kind: "TABLE ATTACH", schema: "app", name: "events_2025"),
            .init(kind: "TABLE", schema: "app", name: "items"),
        ])
    }

    @Test func psqlRestrictLinesAreRemovedAndNothingElse() {
        let script = "\\restrict abc\nSET x = 1;\nSELECT '\\restrict abc ';\n\\unrestrict abc\n"
        #expect(SchemaDump.withoutPsqlCommands(script) == "SET x = 1;\nSELECT '\\restrict abc ';\n")
        #expect(SchemaDump.withoutPsqlCommands("SET x = 1;\n") == "SET x = 1;\n")
    }

    /// The connection a client program gets on its command line has no password.
    @Test func clientProgramConnectionHasNoPassword() throws {
        let info = try PGConnectionInfo("postgresql://ann:s3cr%27et@db.example:5433/app?sslmode=require&application_name=a%20b")
        #expect(info.keywordsWithoutPassword == "user='ann' dbname='app' host='db.example' port='5433' application_name='a b' sslmode='require'",
                "\(info.keywordsWithoutPassword)")
        #expect(info.password == "s3cr'et")
    }
}
