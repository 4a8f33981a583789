/// A JSON value as Amber stores it: the I-JSON data model (RFC 7493) with nothing lost.
///
/// - Strings and keys are raw UTF-8 bytes, exactly as the source wrote them once escapes are
///   resolved: never Unicode-normalized. (`String` equality uses canonical equivalence, so
///   `"\u{E9}"` and `"e\u{301}"` would merge; JSON treats them as distinct.)
/// - An object is an ordered list of members, never a dictionary: the parser keeps the source's
///   order and refuses duplicate keys; ``CanonicalJSON`` sorts members when it serializes.
/// - A number is a ``JSONNumber``: an IEEE-754 double, or an exact integer where a double would
///   lose digits.
///
/// `==` compares structure, member order included. Two values mean the same document when their
/// ``canonicalBytes`` are equal.
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(JSONNumber)
    /// UTF-8 bytes, unescaped. Values from ``JSONParser`` are always well-formed UTF-8.
    case string([UInt8])
    case array([JSONValue])
    /// Members in source order; keys are unique.
    case object([Member])

    /// One `"key": value` pair of an object.
    public struct Member: Sendable, Hashable {
        /// The key's UTF-8 bytes, unescaped.
        public var key: [UInt8]
        public var value: JSONValue

        public init(key: [UInt8], value: JSONValue) {
            self.key = key
            self.value = value
        }

        public init(_ key: String, _ value: JSONValue) {
            self.init(key: Array(key.utf8), value: value)
        }
    }

    /// A string value from a Swift string (its UTF-8 bytes, unnormalized).
    public static func string(_ text: String) -> JSONValue { .string(Array(text.utf8)) }

    /// The value of the member named `key`, comparing UTF-8 bytes; `nil` if not an object or absent.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        let bytes = Array(key.utf8)
        return members.first { $0.key == bytes }?.value
    }

    /// The RFC 8785 canonical serialization (see ``CanonicalJSON``).
    public var canonicalBytes: [UInt8] { CanonicalJSON.serialize(self) }

    /// The canonical serialization as a `String`.
    public var canonicalText: String { String(decoding: canonicalBytes, as: UTF8.self) }
}
