// Fuzz target: document keys decoded from untrusted repository bytes. Decoding may refuse but
// never crash, and a key it accepts encodes back to exactly the bytes it came from.
import AmberDocuments

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDocumentKey(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: count))
    if let key = try? DocumentKey(encoded: bytes) {
        guard key.encoded == bytes else { fatalError("a decoded key encodes to other bytes") }
    }
    return 0
}
