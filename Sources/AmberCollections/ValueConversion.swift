import AmberDocuments

/// How the values of one column cross from one engine to the other (see docs/cross-engine.md).
///
/// SQLite → PostgreSQL conversions yield PostgreSQL's text form of the value (what `COPY`
/// receives, and what ``AmberPostgres/PostgresSource`` reads back); PostgreSQL → SQLite
/// conversions parse PostgreSQL's text output into SQLite's storage classes. A value that does
/// not fit is never coerced: ``convert(_:)`` throws.
public enum ValueConversion: String, Sendable, Hashable {
    /// SQLite INTEGER → `bigint`: integers only.
    case toBigint
    /// SQLite REAL → `double precision`: reals, and integers a double holds exactly.
    case toDouble
    /// SQLite NUMERIC → `numeric`: integers and finite reals.
    case toNumeric
    /// SQLite TEXT → `text`: UTF-8 text without NUL bytes.
    case toText
    /// SQLite BLOB (or no type) → `bytea`: blobs only.
    case toBytea
    /// SQLite `DATE` whose every value is `YYYY-MM-DD` text → `date`.
    case toDate
    /// SQLite `DATETIME`/`TIMESTAMP` whose every value is `YYYY-MM-DD HH:MM:SS[.ffffff]` text
    /// (as `CURRENT_TIMESTAMP` writes it) → `timestamp`.
    case toTimestamp
    /// `smallint`, `integer`, `bigint` → INTEGER.
    case fromInteger
    /// `real`, `double precision` → REAL (NaN does not fit: SQLite stores it as NULL; nor does -0,
    /// which SQLite stores as 0).
    case fromReal
    /// `boolean` → INTEGER 0 or 1.
    case fromBool
    /// `bytea` → BLOB.
    case fromBytea
    /// Every other type → TEXT, PostgreSQL's text output unchanged.
    case fromText

    /// Why a value does not fit its column.
    public struct Unfit: Error, Sendable {
        public let reason: String
    }

    /// The value in the target engine's form. NULL stays NULL.
    public func convert(_ value: DatabaseValue) throws(Unfit) -> DatabaseValue {
        if value == .null { return .null }
        switch (self, value) {
        case (.toBigint, .integer(let n)): return .text(Array(String(n).utf8))
        case (.toDouble, .real(let d)): return .text(Array(Self.realText(d).utf8))
        case (.toDouble, .integer(let n)):
            guard let d = Double(exactly: n) else { throw Unfit(reason: "the integer \(n) has no exact double precision value") }
            return .text(Array(Self.realText(d).utf8))
        case (.toNumeric, .integer(let n)): return .text(Array(String(n).utf8))
        case (.toNumeric, .real(let d)) where d.isFinite: return .text(Array(Self.realText(d).utf8))
        case (.toText, .text(let bytes)):
            guard !bytes.contains(0) else { throw Unfit(reason: "text with a NUL byte (PostgreSQL text cannot hold one)") }
            guard String(validating: bytes, as: UTF8.self) != nil else { throw Unfit(reason: "text that is not valid UTF-8") }
            return value
        case (.toBytea, .blob(let bytes)): return .text(Array(("\\x" + Self.hex(bytes)).utf8))
        case (.toDate, .text(let bytes)):
            guard TemporalText.isDate(bytes) else { throw Unfit(reason: "not a date written YYYY-MM-DD") }
            return value
        case (.toTimestamp, .text(let bytes)):
            guard TemporalText.isTimestamp(bytes) else { throw Unfit(reason: "not a timestamp written YYYY-MM-DD HH:MM:SS[.ffffff]") }
            return value
        case (.fromInteger, .text(let bytes)):
            guard let n = Int64(String(decoding: bytes, as: UTF8.self)) else { throw Unfit(reason: "not an integer") }
            return .integer(n)
        case (.fromReal, .text(let bytes)):
            let text = String(decoding: bytes, as: UTF8.self)
            guard text != "NaN" else { throw Unfit(reason: "NaN (SQLite stores NaN as NULL)") }
            guard let d = Self.parseReal(text) else { throw Unfit(reason: "not a floating-point number") }
            guard !(d == 0 && d.sign == .minus) else { throw Unfit(reason: "-0 (SQLite stores a REAL -0.0 as 0)") }
            return .real(d)
        case (.fromBool, .text(let bytes)):
            switch bytes {
            case [UInt8(ascii: "t")]: return .integer(1)
            case [UInt8(ascii: "f")]: return .integer(0)
            default: throw Unfit(reason: "not a boolean")
            }
        case (.fromBytea, .text(let bytes)):
            guard let blob = Self.unhex(bytes) else { throw Unfit(reason: "not bytea hex output") }
            return .blob(blob)
        case (.fromText, .text): return value
        default:
            throw Unfit(reason: "\(Self.describe(value)) does not fit a \(targetType) column")
        }
    }

    /// The form in which a target value is compared by `--verify`: PostgreSQL prints floating
    /// point and numeric values in its own notation (`1` for `1.0`, `100000000000000000000` for
    /// `1e+20`), so those are parsed and printed again; everything else is compared as is.
    public func normalize(_ value: DatabaseValue) -> DatabaseValue {
        guard case .text(let bytes) = value else { return value }
        let text = String(decoding: bytes, as: UTF8.self)
        switch self {
        case .toDouble:
            return Self.parseReal(text).map { .text(Array(Self.realText($0).utf8)) } ?? value
        case .toNumeric:
            if let n = Int64(text) { return .text(Array(String(n).utf8)) }
            return Self.parseReal(text).map { .text(Array(Self.realText($0).utf8)) } ?? value
        default:
            return value
        }
    }

    /// The column type in the target engine.
    public var targetType: String {
        switch self {
        case .toBigint: "bigint"
        case .toDouble: "double precision"
        case .toNumeric: "numeric"
        case .toText: "text"
        case .toBytea: "bytea"
        case .toDate: "date"
        case .toTimestamp: "timestamp without time zone"
        case .fromInteger, .fromBool: "INTEGER"
        case .fromReal: "REAL"
        case .fromBytea: "BLOB"
        case .fromText: "TEXT"
        }
    }

    /// A double in PostgreSQL's float8 input syntax, shortest round-trip form.
    static func realText(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Infinity" : "Infinity" }
        return "\(value)"
    }

    /// PostgreSQL's float output (`1.5`, `1e+20`, `Infinity`, `-Infinity`, `NaN`) as a double.
    static func parseReal(_ text: String) -> Double? {
        switch text {
        case "Infinity": .infinity
        case "-Infinity": -.infinity
        case "NaN": .nan
        default: Double(text)
        }
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `\x` followed by pairs of hex digits (`bytea_output = hex`), decoded.
    static func unhex(_ text: [UInt8]) -> [UInt8]? {
        guard text.count >= 2, text.count % 2 == 0, text[0] == 0x5C, text[1] == UInt8(ascii: "x") else { return nil }
        func digit(_ byte: UInt8) -> UInt8? {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
            default: nil
            }
        }
        var out = [UInt8]()
        out.reserveCapacity(text.count / 2 - 1)
        var index = 2
        while index < text.count {
            guard let high = digit(text[index]), let low = digit(text[index + 1]) else { return nil }
            out.append(high << 4 | low)
            index += 2
        }
        return out
    }

    static func describe(_ value: DatabaseValue) -> String {
        switch value {
        case .null: "NULL"
        case .integer(let n): "the integer \(n)"
        case .real(let d): "the real \(d)"
        case .text(let bytes): "text (\(bytes.count) bytes)"
        case .blob(let bytes): "a blob (\(bytes.count) bytes)"
        }
    }
}
