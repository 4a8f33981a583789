// Fuzz target: a line of PostgreSQL's COPY text format (what the server sends a backup), parsed
// from untrusted bytes. Parsing may refuse but never crash; the two parsers (values, and the
// in-place encoding of a row) agree on what they accept and on each value; and what parses
// survives a round trip: written again as COPY text (as a restore sends it), it parses to the
// same values.
//
// fuzz-modules: AmberCore AmberDocuments AmberCrypto AmberPostgres
import AmberCore
import AmberDocuments
@testable import AmberPostgres

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCOPYText(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let line = Array(UnsafeBufferPointer(start: data, count: count))
    let values = try? COPYText.parse(line)
    // The in-place encoder, given as many columns as the line has values.
    let columns = values?.count ?? 1
    let layout = COPYText.RowLayout(names: (0..<columns).map { Array("c\($0)".utf8) })
    var fields: [Range<Int>?] = []
    let encoded = line.withUnsafeBytes { try? COPYText.encodeRow($0, layout: layout, fields: &fields) }
    guard let values else {
        if encoded != nil { fatalError("encodeRow accepts a line parse refuses") }
        return 0
    }
    guard let encoded else { fatalError("encodeRow refuses a line parse accepts") }
    for (value, field) in zip(values, fields) {
        switch (value, field) {
        case (.null, nil): continue
        case (.text(let text), let range?) where Array(encoded[range]) == text: continue
        default: fatalError("encodeRow and parse disagree on a value")
        }
    }
    var again = [UInt8]()
    COPYText.append(values, to: &again)
    guard (try? COPYText.parse(again)) == values else { fatalError("COPY text does not survive writing again") }
    return 0
}
