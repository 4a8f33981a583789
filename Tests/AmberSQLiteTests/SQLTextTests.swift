import Testing
@testable import AmberSQLite

@Suite("SQL text")
struct SQLTextTests {
    @Test(arguments: [
        ("CREATE INDEX i ON t(a) WHERE a > 0", "a > 0"),
        ("CREATE INDEX \"where\" ON t(a)  where  b = 'WHERE x' ;", "b = 'WHERE x'"),
        ("CREATE INDEX i ON t(a, (CASE WHEN 1 THEN 2 END)) /* WHERE */ -- WHERE\n WHERE [where] IS NOT NULL", "[where] IS NOT NULL"),
        ("CREATE INDEX i ON t(a)", nil),
    ] as [(String, String?)])
    func partialWhere(sql: String, condition: String?) {
        #expect(SQLText.partialWhere(of: sql) == condition)
    }
}
