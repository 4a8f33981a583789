// Fuzz target: columnar leaves (manifest format §N.7: RowColumns, with PackedIntegers and
// TextColumn) decoded from untrusted bytes. The first byte gives the entry count (1–256), the
// rest is the leaf's body. Decoding may refuse but never crash nor outgrow its budget; what
// decodes must survive a round trip: encoding the entries again (when they fit the form) and
// decoding that gives the same entries. The split's fast paths agree with its general parse.
//
// Seeds: run the built target once on any input file with AMBER_FUZZ_WRITE_SEEDS=DIR; it writes a few encoded
// leaves there (Benchmarks/faults/fuzz/corpus/row-columns holds them) and exits.
import AmberCore
@testable import AmberDocuments

#if canImport(Glibc)
import Glibc
#endif

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRowColumns(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    writeSeedsIfAsked()
    let bytes = Array(UnsafeBufferPointer(start: data, count: count))
    guard let first = bytes.first else { return 0 }
    let entries = Int(first) + 1
    guard let decoded = decode(Array(bytes.dropFirst()), entries) else { return 0 }
    // The fast paths of the split (plain rows, integer keys) agree with the general parse: on
    // the decoded entries, and on the same rows each with one byte replaced by one of the input.
    var altered = decoded
    for i in altered.indices {
        guard var row = altered[i].row, !row.isEmpty else { continue }
        row[(i * 7 + Int(first)) % row.count] = bytes[i % bytes.count]
        altered[i].row = row
    }
    for leaf in [decoded, altered] where RowColumns.split(leaf).map(RowColumns.write) != RowColumns.split(leaf, fastPaths: false).map(RowColumns.write) {
        fatalError("the split's fast paths and the general parse disagree")
    }
    guard let again = RowColumns.encode(decoded) else { return 0 }
    guard decode(again, entries) == decoded else { fatalError("a columnar leaf does not survive encoding again") }
    return 0
}

private func decode(_ body: [UInt8], _ count: Int) -> [RowColumns.Entry]? {
    var reader = ByteReader(body, context: "fuzz")
    var budget = ExpansionBudget(bytes: 1 << 22)
    guard let entries = try? RowColumns.decode(count, from: &reader, budget: &budget), reader.remaining == 0 else { return nil }
    return entries
}

/// Writes encoded leaves of typical rows to `$AMBER_FUZZ_WRITE_SEEDS` and exits.
private func writeSeedsIfAsked() {
    guard let directory = getenv("AMBER_FUZZ_WRITE_SEEDS").map({ String(cString: $0) }) else { return }
    let shapes: [(String, (Int) -> [DatabaseRow.Column])] = [
        ("pgbench", { i in [.init("aid", .text(Array(String(i).utf8))), .init("bid", .text(Array("1".utf8))),
                            .init("abalance", .text(Array(String(i % 7 - 3).utf8))), .init("filler", .text(Array(repeating: 32, count: 84)))] }),
        ("typed", { i in [.init("n", .integer(Int64(i * 1000))), .init("x", .real(Double(i) / 3)), .init("t", i % 3 == 0 ? .null : .text(Array("name \(i)".utf8))),
                          .init("b", .blob([UInt8(i & 0xFF), 0, 7]))] }),
        ("dates", { i in [.init("at", .text(Array("2026-12-0\(1 + i % 9) 10:\(10 + i % 50):00+00".utf8))), .init("amount", .text(Array("\(i).\(i % 100)".utf8)))] }),
    ]
    for (name, columns) in shapes {
        let entries = (0..<40).map { i in
            RowColumns.Entry(key: DocumentKey.composite([.integer(Int64(i))]).encoded, row: i == 17 ? nil : DatabaseRow(columns(i)).encoded)
        }
        guard let body = RowColumns.encode(entries) else { fatalError("seed \(name) does not fit the columnar form") }
        let file = fopen(directory + "/" + name, "wb")
        _ = ([UInt8(entries.count - 1)] + body).withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
        fclose(file)
    }
    exit(0)
}
