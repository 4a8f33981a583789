/// The key of a document in a collection: what a manifest is sorted by and `amber diff` reports.
///
/// - ``string(_:)`` and ``number(_:)``: the id field of a JSON document (`--id-field`).
/// - ``composite(_:)``: a database primary key, one value per key column (a rowid table's key is
///   `[rowid]`; a single-column key is a composite of one).
///
/// **Key order** (``Comparable``; the byte order of ``encoded`` is the same order):
/// 1. by kind: number < string < composite;
/// 2. numbers by numeric value; where an exact integer and a double are numerically equal (only
///    possible from 10^21 up, e.g. `1e+21` and `1000000000000000000000`) the double first;
/// 3. strings by their UTF-8 bytes, unsigned (= Unicode code point order; note this is *not* the
///    UTF-16 order RFC 8785 uses for object members), a prefix before its extensions;
/// 4. composites element by element, a prefix first; elements by storage class
///    null < integer < real < text < blob (not SQLite's mixed numeric order), integers by value,
///    reals by IEEE-754 totalOrder (−NaN < −∞ < … < −0 < +0 < … < +∞ < +NaN), text and blobs
///    by bytes.
public enum DocumentKey: Sendable, Hashable, Comparable, CustomStringConvertible {
    case number(JSONNumber)
    /// A string id's UTF-8 bytes.
    case string([UInt8])
    case composite([DatabaseValue])

    /// A string key from a Swift string.
    public static func string(_ text: String) -> DocumentKey { .string(Array(text.utf8)) }

    /// The key of a JSON document's id value: a string or a number; `nil` for anything else.
    public init?(json: JSONValue) {
        switch json {
        case .string(let bytes): self = .string(bytes)
        case .number(let number): self = .number(number)
        default: return nil
        }
    }

    /// The form `amber diff` shows: a string key as the string itself, a number as its canonical
    /// JSON text, a composite as the canonical JSON text of an array of its values' renderings
    /// (`[42,"x",{"$base64":"AAE="}]`).
    public var display: String {
        switch self {
        case .string(let bytes): String(decoding: bytes, as: UTF8.self)
        case .number(let number): number.description
        case .composite(let values): JSONValue.array(values.map(\.json)).canonicalText
        }
    }

    public var description: String { display }

    private var kind: Int {
        switch self {
        case .number: 1
        case .string: 2
        case .composite: 3
        }
    }

    public static func < (a: DocumentKey, b: DocumentKey) -> Bool {
        switch (a, b) {
        case (.number(let x), .number(let y)):
            let (dx, dy) = (DecimalDigits(x), DecimalDigits(y))
            if dx == dy { return !x.isExactInteger && y.isExactInteger }
            return DecimalDigits.numericallyPrecedes(dx, dy)
        case (.string(let x), .string(let y)):
            return x.lexicographicallyPrecedes(y)
        case (.composite(let x), .composite(let y)):
            for (u, v) in zip(x, y) where u != v { return precedes(u, v) }
            return x.count < y.count
        default:
            return a.kind < b.kind
        }
    }

    private static func precedes(_ a: DatabaseValue, _ b: DatabaseValue) -> Bool {
        switch (a, b) {
        case (.integer(let x), .integer(let y)): x < y
        case (.real(let x), .real(let y)): x.isTotallyOrdered(belowOrEqualTo: y) && x.bitPattern != y.bitPattern
        case (.text(let x), .text(let y)), (.blob(let x), .blob(let y)): x.lexicographicallyPrecedes(y)
        default: a.storageClass < b.storageClass
        }
    }
}

extension DecimalDigits {
    /// The exact decimal value of a JSON number: an exact integer's digits, or a double's shortest
    /// digits (which order exactly as the doubles do).
    init(_ number: JSONNumber) {
        if let text = number.exactIntegerText {
            let negative = text.first == UInt8(ascii: "-")
            let digits = Array(text.dropFirst(negative ? 1 : 0))
            self.init(negative: negative, rawDigits: digits, pointPosition: digits.count)
        } else {
            self.init(shortest: number.double)
        }
    }
}
