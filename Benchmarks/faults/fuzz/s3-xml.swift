// Fuzz target: S3 response bodies (ListObjectsV2, errors, multipart uploads) read from untrusted
// bytes with the backend's minimal XML reader. Reading may find nothing but never crash; every
// element found lies inside the text; unescaping inverts escaping: what we send (escaped)
// reads back as what we meant. Each input reads one element name, chosen by its length (so the
// seeds, whole XML bodies, reach every name as mutations change their length): eight names an
// input made ~830 executions a second, too few for issue 15's ten million.
//
// fuzz-modules: AmberCore AmberStorage AmberCrypto AmberStorageS3
import AmberCore
@testable import AmberStorageS3

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzS3XML(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let body = Array(UnsafeBufferPointer(start: data, count: count))
    let text = Substring(String(decoding: body, as: UTF8.self))
    let names = ["Contents", "Key", "Size", "IsTruncated", "NextContinuationToken", "Code", "Message", "UploadId"]
    let name = names[count % names.count]
    for element in S3XML.elements(name, in: text) {
        guard element.startIndex >= text.startIndex, element.endIndex <= text.endIndex else {
            fatalError("an element lies outside the text")
        }
        let value = S3XML.unescape(element)
        guard S3XML.unescape(Substring(S3XML.escape(value))) == value else { fatalError("unescape does not invert escape") }
    }
    _ = S3XML.value(name, in: body)
    let whole = S3XML.unescape(text)
    guard S3XML.unescape(Substring(S3XML.escape(whole))) == whole else { fatalError("unescape does not invert escape") }
    return 0
}
