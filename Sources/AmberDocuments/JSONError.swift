/// JSON text that ``JSONParser`` refuses: not JSON, or JSON that is not I-JSON (RFC 7493).
///
/// Carries where the problem is, as a byte offset and as a 1-based line and column (the column
/// counts bytes, not characters), so that a source can report "file:line:column: reason".
public struct JSONError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem it is. Extensible: switch with a `default`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String, Hashable, Sendable {
            case unexpectedEnd = "unexpected end"
            case unexpectedCharacter = "unexpected character"
            case trailingData = "trailing data"
            case invalidUTF8 = "invalid UTF-8"
            case invalidEscape = "invalid escape"
            case loneSurrogate = "lone surrogate"
            case controlCharacter = "control character in string"
            case invalidNumber = "invalid number"
            case numberOutOfRange = "number out of range"
            case duplicateKey = "duplicate key"
            case tooDeep = "nesting too deep"
        }
        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// The text ends inside a value.
        public static let unexpectedEnd = Code(.unexpectedEnd)
        /// A byte that cannot start or continue the expected token.
        public static let unexpectedCharacter = Code(.unexpectedCharacter)
        /// Non-whitespace after the top-level value.
        public static let trailingData = Code(.trailingData)
        /// A string holds bytes that are not well-formed UTF-8 (including encoded surrogates).
        public static let invalidUTF8 = Code(.invalidUTF8)
        /// A backslash escape other than `\" \\ \/ \b \f \n \r \t \uXXXX`.
        public static let invalidEscape = Code(.invalidEscape)
        /// A `\uD800`–`\uDFFF` escape that is not half of a surrogate pair.
        public static let loneSurrogate = Code(.loneSurrogate)
        /// A raw byte below 0x20 inside a string.
        public static let controlCharacter = Code(.controlCharacter)
        /// Not JSON number syntax (leading zeros, `NaN`, `Infinity`, a missing digit).
        public static let invalidNumber = Code(.invalidNumber)
        /// A number whose magnitude exceeds the largest finite double.
        public static let numberOutOfRange = Code(.numberOutOfRange)
        /// An object names the same key twice (compared as UTF-8 bytes after unescaping).
        public static let duplicateKey = Code(.duplicateKey)
        /// Arrays and objects nested deeper than ``JSONParser/maximumDepth``.
        public static let tooDeep = Code(.tooDeep)

        public var description: String { value.rawValue }
    }

    /// The kind of problem.
    public let code: Code
    /// The offset of the offending byte from the start of the input.
    public let offset: Int
    /// The 1-based line of ``offset`` (lines end at `\n`).
    public let line: Int
    /// The 1-based column of ``offset``, in bytes from the start of its line.
    public let column: Int
    /// A short human-readable explanation.
    public let reason: String

    public init(code: Code, offset: Int, line: Int, column: Int, reason: String) {
        self.code = code
        self.offset = offset
        self.line = line
        self.column = column
        self.reason = reason
    }

    public var description: String { "line \(line), column \(column) (offset \(offset)): \(reason)" }
}
