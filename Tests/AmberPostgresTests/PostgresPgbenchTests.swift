import AmberDocuments
import AmberPostgres
import Foundation
import Testing

/// Databases made and changed by `pgbench`.
@Suite("PostgreSQL with pgbench", .enabled(if: TestServer.isAvailable), .serialized)
struct PostgresPgbenchTests {
    /// Runs `pgbench` with `arguments` against `uri` (not waiting if `wait` is false). (Not `-T`:
    /// its timer is a SIGALRM, which a child of this process may never get.)
    @discardableResult
    static func pgbench(_ uri: String, _ arguments: [String], wait: Bool = true) throws -> Process {
        let process = Process()
        let bin = ProcessInfo.processInfo.environment["PG_BIN"].map { "\($0)/pgbench" }
        process.executableURL = URL(fileURLWithPath: bin.flatMap { FileManager.default.isExecutableFile(atPath: $0) ? $0 : nil }
                                    ?? "/usr/bin/pgbench")
        process.arguments = ["-q"].filter { _ in arguments.first == "-i" } + arguments + [uri]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        if wait {
            process.waitUntilExit()
            #expect(process.terminationStatus == 0, "pgbench \(arguments)")
        }
        return process
    }

    @Test("a pgbench -i database round-trips; incremental apply of pgbench changes equals the source",
          .timeLimit(.minutes(5)))
    func roundTripAndIncremental() throws {
        try TestServer.withDatabase { source in
            try Self.pgbench(source, ["-i", "-s", "1"])
            try TestServer.withDatabase { target in
                try TestServer.copy(from: source, to: target)
                let first = try TestServer.snapshot(source)
                #expect(TestServer.equal(first, try TestServer.snapshot(target)))
                #expect(first.1["public.pgbench_accounts"]?.count == 100_000)

                try Self.pgbench(source, ["-t", "200", "-c", "1"])
                let second = try TestServer.snapshot(source)
                #expect(!TestServer.equal(first, second))
                let incremental = try PostgresTarget.openExisting(uri: target)
                defer { incremental.close() }
                try incremental.transaction {
                    for table in second.0.tables {
                        let (upserts, deletes) = Self.diff(first.1[table.qualifiedName] ?? [], second.1[table.qualifiedName] ?? [])
                        try incremental.apply(table: table.qualifiedName, upserts: upserts, deletes: deletes)
                    }
                    try incremental.applySequences(of: second.0)
                }
                #expect(TestServer.equal(second, try TestServer.snapshot(target)))
            }
        }
    }

    @Test("a read taken while pgbench writes is one moment", .timeLimit(.minutes(3)))
    func consistentWhileWriting() throws {
        try TestServer.withDatabase { uri in
            try Self.pgbench(uri, ["-i", "-s", "1"])
            let writer = try Self.pgbench(uri, ["-t", "1500", "-c", "2"], wait: false)
            defer { writer.waitUntilExit() }
            Thread.sleep(forTimeInterval: 1.5)
            for _ in 0..<2 {
                let (_, tables) = try TestServer.snapshot(uri)
                let history = Self.sum(tables["public.pgbench_history"] ?? [], "delta")
                #expect(history != 0 || (tables["public.pgbench_history"] ?? []).isEmpty)
                #expect(Self.sum(tables["public.pgbench_accounts"] ?? [], "abalance") == history)
                #expect(Self.sum(tables["public.pgbench_tellers"] ?? [], "tbalance") == history)
                #expect(Self.sum(tables["public.pgbench_branches"] ?? [], "bbalance") == history)
                Thread.sleep(forTimeInterval: 1)
            }
        }
    }

    /// Upserts (new or changed rows of `new`) and deletes (keys of `old` not in `new`).
    static func diff(_ old: [(DocumentKey, DatabaseRow)], _ new: [(DocumentKey, DatabaseRow)])
        -> ([(DocumentKey, DatabaseRow)], [DocumentKey]) {
        let before = Dictionary(old.map { ($0.0, $0.1) }, uniquingKeysWith: { a, _ in a })
        let after = Set(new.map(\.0))
        return (new.filter { before[$0.0] != $0.1 }, old.map(\.0).filter { !after.contains($0) })
    }

    /// The sum of an integer column.
    static func sum(_ rows: [(DocumentKey, DatabaseRow)], _ column: String) -> Int64 {
        rows.reduce(0) { total, entry in
            guard case .text(let bytes)? = entry.1.columns.first(where: { $0.name == Array(column.utf8) })?.value else { return total }
            return total + (Int64(String(decoding: bytes, as: UTF8.self)) ?? 0)
        }
    }
}
