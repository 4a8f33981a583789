import AmberDocuments
@testable import AmberPostgres
import Testing

/// Rows of a table without a primary key are keyed by their values (by a hash when long).
@Suite("Content keys")
struct ContentKeyTests {
    private func row(_ values: [DatabaseValue]) -> DatabaseRow {
        DatabaseRow(values.enumerated().map { DatabaseRow.Column(name: Array("c\($0.offset)".utf8), value: $0.element) })
    }

    @Test func keysAreTheValuesNumberedAmongDuplicates() {
        let long = DatabaseValue.text(Array(repeating: UInt8(ascii: "x"), count: 2000))
        let rows = [row([.text("b"), .null]), row([.text("a"), .text("1")]), row([.text("b"), .null]), row([long]), row([long])]
        let keys = PostgresSchema.Table.contentKeys(rows)
        #expect(keys.count == rows.count)
        #expect(Set(keys.map(\.position)) == Set(rows.indices))
        let encoded = keys.map(\.key.encoded)
        #expect(zip(encoded, encoded.dropFirst()).allSatisfy { $0.lexicographicallyPrecedes($1) }, "strictly increasing")
        let byPosition = Dictionary(uniqueKeysWithValues: keys.map { ($0.position, $0.key) })
        #expect(byPosition[1] == .composite([.text("a"), .text("1"), .integer(0)]))
        #expect(Set([byPosition[0], byPosition[2]]) == [.composite([.text("b"), .null, .integer(0)]), .composite([.text("b"), .null, .integer(1)])])
        for position in [3, 4] {
            guard case .composite(let parts) = byPosition[position], case .blob(let hash) = parts.first else {
                Issue.record("a long row is keyed by hash")
                continue
            }
            #expect(hash.count == 16)
            #expect(byPosition[position]!.encoded.count <= PostgresSchema.Table.contentKeyLimit)
        }
    }
}
