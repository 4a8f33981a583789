/// A strict parser for I-JSON (RFC 7493 on RFC 8259 grammar).
///
/// Refuses, with a ``JSONError`` naming offset, line and column: invalid UTF-8 anywhere, lone
/// surrogates (raw or escaped), raw control characters in strings, duplicate object keys (compared
/// as UTF-8 bytes after unescaping), `NaN`/`Infinity`, numbers beyond the double range, leading
/// zeros, nesting deeper than ``maximumDepth``, and anything but whitespace after the value.
/// A leading byte-order mark is not JSON either and is refused.
public enum JSONParser {
    /// The deepest nesting of arrays and objects accepted; the top-level value counts as depth 1.
    public static let maximumDepth = 512

    /// Parses one JSON text.
    public static func parse(_ bytes: [UInt8]) throws(JSONError) -> JSONValue {
        try bytes.withUnsafeBufferPointer { buffer throws(JSONError) in
            var reader = JSONReader(buffer)
            return try reader.parseDocument()
        }
    }

    /// Parses one JSON text held in part of a buffer (a line of an NDJSON file). Offsets in errors
    /// count from the slice's start.
    public static func parse(_ bytes: ArraySlice<UInt8>) throws(JSONError) -> JSONValue {
        try bytes.withUnsafeBufferPointer { buffer throws(JSONError) in
            var reader = JSONReader(buffer)
            return try reader.parseDocument()
        }
    }

    /// Parses UTF-8 text.
    public static func parse(_ text: String) throws(JSONError) -> JSONValue {
        try parse(Array(text.utf8))
    }
}
