// Fuzz target: database rows and values decoded from untrusted repository bytes (the stored
// form of SQLite and PostgreSQL rows). Decoding may refuse but never crash, nor expand a few
// bytes into unbounded memory.
import AmberDocuments

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDatabaseRow(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: count))
    if let row = try? DatabaseRow(encoded: bytes) {
        _ = row.json
    }
    _ = try? DatabaseValue(encoded: bytes)
    return 0
}
