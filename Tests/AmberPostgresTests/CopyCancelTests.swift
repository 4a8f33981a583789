import AmberPostgres
import Foundation
import Testing

/// Stopping a `COPY … TO STDOUT` midway: read to its end and usable afterwards by default; left
/// at once with `abandonsCopyOnError`; ended by the server on a cancel request from another thread.
@Suite("COPY stopped midway", .enabled(if: TestServer.isAvailable))
struct CopyCancelTests {
    struct Stop: Error {}

    static let rows = "COPY (SELECT i, md5(i::text) FROM generate_series(1, 2000000) i) TO STDOUT"

    /// What the server says the backend `pid` is doing.
    static func state(of pid: String) throws -> String? {
        let admin = try PGConnection(uri: TestServer.uri ?? "")
        defer { admin.close() }
        return try admin.query("SELECT state FROM pg_stat_activity WHERE pid = $1", [pid]).first?.first ?? nil
    }

    @Test func anErrorOfTheBodyDrainsTheCopyByDefault() throws {
        let connection = try PGConnection(uri: try #require(TestServer.uri))
        defer { connection.close() }
        let pid = try #require(try connection.query("SELECT pg_backend_pid()").first?.first ?? nil)
        var calls = 0
        #expect(throws: Stop.self) { try connection.copyOut(Self.rows) { _ in calls += 1; throw Stop() } }
        #expect(calls == 1)
        #expect(try Self.state(of: pid) == "idle")
        #expect(try connection.query("SELECT 41 + 1").first?.first == "42")
    }

    /// Abandoned at the first line: the server is still sending the 2,000,000 rows (80 MB, more
    /// than the socket buffers hold) when copyOut returns; closing the connection ends it.
    @Test func anAbandonedCopyReturnsAtOnce() throws {
        let connection = try PGConnection(uri: try #require(TestServer.uri))
        let pid = try #require(try connection.query("SELECT pg_backend_pid()").first?.first ?? nil)
        connection.abandonsCopyOnError = true
        #expect(throws: Stop.self) { try connection.copyOut(Self.rows) { _ in throw Stop() } }
        #expect(try Self.state(of: pid) == "active")
        connection.close()
    }

    @Test func aCancelFromAnotherThreadEndsTheCopy() throws {
        let connection = try PGConnection(uri: try #require(TestServer.uri))
        defer { connection.close() }
        let canceller = try connection.makeCanceller()
        var lines = 0
        let error = try #require(throws: PGError.self) {
            try connection.copyOut("COPY (SELECT i FROM generate_series(1, 5000000) i) TO STDOUT") { _ in
                lines += 1
                if lines == 1_000 { canceller.cancel() }
            }
        }
        #expect(error.description.contains("cancel"), "\(error)")
        #expect(lines < 5_000_000)
        #expect(try connection.query("SELECT 1").first?.first == "1")
    }
}
