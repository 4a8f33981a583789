import AmberKit
import Testing

@Suite struct SourceRedactionTests {
    @Test(arguments: [
        ("postgresql://ann:s3cr%40t@db.example:5432/app?sslmode=require", "postgresql://ann@db.example:5432/app?sslmode=require"),
        ("postgres://ann@db/app", "postgres://ann@db/app"),
        ("postgresql://db/app", "postgresql://db/app"),
        ("/home/ann/docs", "/home/ann/docs"),
        ("ndjson:users.ndjson", "ndjson:users.ndjson"),
    ])
    func passwordsAreRemoved(source: String, recorded: String) {
        #expect(SourceRedaction.redacted(source) == recorded)
    }
}
