import AmberCore

/// The JSON rendering of database values, for NDJSON export and `amber dump`; it reads back to the
/// identical ``DatabaseValue`` (``init(json:)``).
///
/// | value                                   | JSON                                    |
/// |-----------------------------------------|-----------------------------------------|
/// | null                                    | `null`                                  |
/// | integer within ±(2^53 − 1)              | a number: `42`                          |
/// | integer beyond                          | `{"$int":"9007199254740993"}`           |
/// | real whose RFC 8785 text has `.` or `e` | a number: `4.5`, `1e+21`                |
/// | any other real (integral, −0, NaN, ±∞)  | `{"$real":"3"}`, `{"$real":"-0"}`, `{"$real":"NaN"}`, `{"$real":"Infinity"}`, `{"$real":"-Infinity"}` |
/// | text that is valid UTF-8                | a string                                |
/// | text that is not                        | `{"$textBytes":"<base64>"}`             |
/// | blob                                    | `{"$base64":"<base64>"}`                |
///
/// Base64 is RFC 4648 §4 with padding. A plain number without `.` or `e` is always an integer, so
/// integer and real never meet; strings are always text; tagged objects have exactly one member.
extension DatabaseValue {
    /// The largest integer every JSON reader holds exactly: 2^53 − 1.
    public static let maximumSafeInteger: Int64 = (1 << 53) - 1

    /// The JSON rendering.
    public var json: JSONValue {
        switch self {
        case .null: return .null
        case .integer(let v):
            if v.magnitude <= UInt64(Self.maximumSafeInteger) { return .number(JSONNumber(v)) }
            return Self.tagged("$int", Array(String(v).utf8))
        case .real(let v):
            if let number = JSONNumber(v), v.bitPattern != (-0.0 as Double).bitPattern {
                let text = number.canonicalText
                if text.contains(UInt8(ascii: ".")) || text.contains(UInt8(ascii: "e")) { return .number(number) }
                return Self.tagged("$real", text)
            }
            let text = v.isNaN ? "NaN" : v == 0 ? "-0" : v < 0 ? "-Infinity" : "Infinity"
            return Self.tagged("$real", Array(text.utf8))
        case .text(let bytes):
            if String(validating: bytes, as: UTF8.self) != nil { return .string(bytes) }
            return Self.tagged("$textBytes", Base64.encode(bytes))
        case .blob(let bytes):
            return Self.tagged("$base64", Base64.encode(bytes))
        }
    }

    /// Reads the rendering back; refuses JSON that ``json`` never produces for any value.
    public init(json: JSONValue) throws(FormatError) {
        func failure(_ reason: String) -> FormatError { FormatError(context: "database value JSON", reason: reason) }
        switch json {
        case .null: self = .null
        case .string(let bytes): self = .text(bytes)
        case .number(let number):
            let text = number.canonicalText
            if text.contains(UInt8(ascii: ".")) || text.contains(UInt8(ascii: "e")) {
                self = .real(number.double)
            } else if let v = number.int64, v.magnitude <= UInt64(Self.maximumSafeInteger) {
                self = .integer(v)
            } else {
                throw failure("integer \(number) beyond ±(2^53 − 1) must be written {\"$int\":\"…\"}")
            }
        case .object(let members):
            guard members.count == 1, case .string(let payload) = members[0].value else {
                throw failure("an object must be one tag such as {\"$base64\":\"…\"}")
            }
            let text = String(decoding: payload, as: UTF8.self)
            switch String(decoding: members[0].key, as: UTF8.self) {
            case "$int":
                guard let v = Int64(text), Array(String(v).utf8) == payload else { throw failure("bad $int \"\(text)\"") }
                self = .integer(v)
            case "$real":
                switch text {
                case "NaN": self = .real(.nan)
                case "Infinity": self = .real(.infinity)
                case "-Infinity": self = .real(-.infinity)
                case "-0": self = .real(-0.0)
                default:
                    guard let number = JSONNumber(text: text), !number.isExactInteger else { throw failure("bad $real \"\(text)\"") }
                    self = .real(number.double)
                }
            case "$base64":
                guard let bytes = Base64.decode(payload) else { throw failure("bad base64 in $base64") }
                self = .blob(bytes)
            case "$textBytes":
                guard let bytes = Base64.decode(payload) else { throw failure("bad base64 in $textBytes") }
                self = .text(bytes)
            case let tag:
                throw failure("unknown tag \"\(tag)\"")
            }
        case .bool, .array:
            throw failure("booleans and arrays are not database values")
        }
    }

    private static func tagged(_ tag: String, _ payload: [UInt8]) -> JSONValue {
        .object([JSONValue.Member(key: Array(tag.utf8), value: .string(payload))])
    }
}
