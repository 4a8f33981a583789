@testable import AmberCollections
import Foundation
import Testing

/// Rows read ahead on a thread of their own (``RowReadAhead``): the same rows in the same order,
/// a bounded lead, errors in their place, and a cancel that ends a blocked reader.
struct RowReadAheadTests {
    /// A counter both threads touch.
    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var value = 0
        func add(_ n: Int = 1) { lock.lock(); value += n; lock.unlock() }
        var current: Int { lock.lock(); defer { lock.unlock() }; return value }
    }

    static func row(_ table: Int, _ i: Int, padding: Int = 0) -> (key: [UInt8], value: [UInt8]) {
        (Array("\(table):\(i)".utf8), Array(String(repeating: "v", count: padding + i % 7).utf8))
    }

    @Test func rowsArriveTableByTableAsRead() throws {
        let counts = ["a": 0, "b": 2_500, "c": 10]
        let tables = ["a", "b", "c"]
        let ahead = RowReadAhead(tables: tables, interrupt: {}) { table, emit in
            let t = tables.firstIndex(of: table)!
            for i in 0..<counts[table]! { try emit(Self.row(t, i)) }
        }
        for (t, table) in tables.enumerated() {
            var rows = [RowReadAhead.Row]()
            try ahead.forEachRow(of: table) { rows.append($0) }
            let expected = (0..<counts[table]!).map { Self.row(t, $0) }
            #expect(rows.map(\.key) == expected.map(\.key) && rows.map(\.value) == expected.map(\.value))
        }
        ahead.cancel()
    }

    /// The reader is never more than the buffer (one chunk, as the limit is below a chunk's
    /// bytes), the chunk it fills and the chunk the consumer is taking ahead of the consumer.
    @Test func theReaderStaysABoundedDistanceAhead() throws {
        let emitted = Counter()
        let ahead = RowReadAhead(tables: ["t"], limit: 10_000, interrupt: {}) { _, emit in
            for i in 0..<200_000 {
                try emit(Self.row(0, i, padding: 100))
                emitted.add()
            }
        }
        var consumed = 0, largestLead = 0
        var checksum: UInt64 = 0
        try ahead.forEachRow(of: "t") { row in
            consumed += 1
            largestLead = max(largestLead, emitted.current - consumed)
            for byte in row.value { checksum = checksum &* 31 &+ UInt64(byte) }
        }
        #expect(consumed == 200_000 && checksum != 0)
        #expect(largestLead <= 3 * 1024, "the reader ran \(largestLead) rows ahead")
        ahead.cancel()
    }

    /// Rows of 100 KB: chunks are cut by bytes too, so the lead stays near the limit in bytes,
    /// not 1,024 rows (100 MB).
    @Test func largeRowsStayWithinTheLimitInBytes() throws {
        let emitted = Counter()
        let ahead = RowReadAhead(tables: ["t"], limit: 1 << 20, interrupt: {}) { _, emit in
            for i in 0..<300 {
                try emit(Self.row(0, i, padding: 100_000))
                emitted.add()
            }
        }
        var consumed = 0, largestLead = 0
        try ahead.forEachRow(of: "t") { _ in
            consumed += 1
            largestLead = max(largestLead, emitted.current - consumed)
            usleep(200)
        }
        #expect(consumed == 300)
        #expect(largestLead <= 24, "the reader ran \(largestLead) rows of 100 KB ahead")
        ahead.cancel()
    }

    @Test func aReadersErrorComesAfterTheRowsReadBeforeIt() throws {
        let ahead = RowReadAhead(tables: ["a", "b", "c"], interrupt: {}) { table, emit in
            for i in 0..<(table == "b" ? 1_500 : 3_000) { try emit(Self.row(0, i)) }
            if table == "b" { throw SourceError(file: "b", line: 1_501, message: "bad row") }
        }
        var rows = 0
        try ahead.forEachRow(of: "a") { _ in rows += 1 }
        #expect(rows == 3_000)
        rows = 0
        #expect(throws: SourceError.self) { try ahead.forEachRow(of: "b") { _ in rows += 1 } }
        #expect(rows == 1_500)
        ahead.cancel()
    }

    @Test func tablesAskedOutOfOrderAreAnError() throws {
        let ahead = RowReadAhead(tables: ["a", "b"], interrupt: {}) { _, emit in try emit(Self.row(0, 0)) }
        #expect(throws: SourceError.self) { try ahead.forEachRow(of: "b") { _ in } }
        ahead.cancel()
    }

    /// A reader waiting on a full buffer, and one blocked inside a read that only `interrupt`
    /// ends, both stop when cancelled.
    @Test func cancelEndsAWaitingReaderAndABlockedOne() throws {
        let full = RowReadAhead(tables: ["t"], limit: 1_000, interrupt: {}) { _, emit in
            while true { try emit(Self.row(0, 1, padding: 100)) }
        }
        full.cancel()

        let blocked = DispatchSemaphore(value: 0), started = DispatchSemaphore(value: 0)
        let interrupts = Counter()
        let reader = RowReadAhead(tables: ["t"], interrupt: { interrupts.add(); blocked.signal() }) { _, emit in
            try emit(Self.row(0, 0))
            started.signal()
            blocked.wait()
            throw SourceError(file: "t", message: "canceling statement due to user request")
        }
        started.wait()
        reader.cancel()
        #expect(interrupts.current == 1)
        #expect(throws: SourceError.self) { try reader.forEachRow(of: "t") { _ in } }
    }
}
