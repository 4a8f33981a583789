// Fuzz target: the JSON parser and the one-pass transcoder on any bytes. Neither may crash; where
// the transcoder answers, it answers what the parser and CanonicalJSON (numbers as written) give;
// a canonical text parses back to a value with the same canonical text (a fixed point; member
// order is the one thing serializing changes).
import AmberDocuments

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSON(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: count))
    let parsed = try? JSONParser.parse(bytes)
    let fast = bytes.withUnsafeBufferPointer { CanonicalTranscoder.transcode($0, idField: "id") }
    if let fast {
        guard let parsed else { fatalError("the transcoder accepted what the parser refuses") }
        guard fast.bytes == CanonicalJSON.serialize(parsed, numbers: .asWritten) else { fatalError("the transcoder and the parser disagree") }
    }
    if let parsed {
        for form in [CanonicalJSON.NumberForm.canonical, .asWritten] {
            let text = CanonicalJSON.serialize(parsed, numbers: form)
            guard let again = try? JSONParser.parse(text) else { fatalError("canonical text does not parse") }
            guard CanonicalJSON.serialize(again, numbers: form) == text else { fatalError("canonical text is not a fixed point") }
            guard again.canonicalBytes == parsed.canonicalBytes else { fatalError("canonical text changed the value") }
        }
    }
    return 0
}
