/// A JSON number: a finite IEEE-754 double, or an exact integer that no double holds.
///
/// RFC 8785 reads every number as a double, so `9007199254740993` would silently become
/// `9007199254740992` and 2^60 would be written `1152921504606847000`. A backup must not change
/// a document's ids, so Amber departs from the RFC for **integer literals only**, following its
/// Appendix D advice to keep such values exact:
///
/// - A literal with a fraction or an exponent is a double (correctly rounded, as ECMAScript reads
///   it) and serializes per RFC 8785: `4.50` → `4.5`, `1E30` → `1e+30`, `-0.0` → `0`.
/// - An integer literal (`-?digits`) is a double too **unless** the RFC 8785 text of its nearest
///   double differs from the literal. Then it is kept as its exact decimal text and written back
///   verbatim. That happens only beyond ±(2^53 − 1) (`9007199254740993`, `1152921504606846976`);
///   inside that range the two forms coincide, so the output is byte-identical to RFC 8785.
/// - Magnitudes beyond `Double.greatestFiniteMagnitude` are errors, NaN and ±∞ do not exist.
///
/// The value is normalized: two numbers are `==` exactly when their canonical texts are equal.
/// ``double`` is always the nearest double, for consumers that want one. A number read from text
/// also keeps its ``spelling`` where that may differ from the canonical text (`1.0`, `-0.0`,
/// `1E2`, `3.14159265358979323846`): stored documents keep it (``CanonicalJSON/NumberForm``),
/// since an archive must give back the numbers it was given; keys and equality do not.
public struct JSONNumber: Sendable, Hashable, CustomStringConvertible {
    /// The nearest double; `+0.0` for zero. Never NaN or infinite.
    public let double: Double
    /// ASCII digits with an optional leading `-`, set only when the number is an exact integer
    /// whose RFC 8785 double text would differ.
    public let exactIntegerText: [UInt8]?
    /// The text the number was read from, when it has a fraction, an exponent or is `-0`: the
    /// spellings whose canonical text may differ. `nil` for other integer literals (their text is
    /// the canonical one) and for numbers made from values. Not part of `==`.
    public let spelling: [UInt8]?

    /// A double; `nil` for NaN and ±∞. `-0.0` becomes `0`.
    public init?(_ value: Double) {
        guard value.isFinite else { return nil }
        double = value == 0 ? 0 : value
        exactIntegerText = nil
        spelling = nil
    }

    /// An integer, exact whatever its magnitude.
    public init(_ value: Int64) {
        let number = JSONNumber(integerLiteral: Array(String(value).utf8), double: Double(value))
        self = number
    }

    /// Parses JSON number text (RFC 8259 grammar, nothing around it); `nil` if it is not one or
    /// is out of range.
    public init?(text: String) {
        guard case .number(let number)? = try? JSONParser.parse(Array(text.utf8)) else { return nil }
        self = number
    }

    /// An integer literal already known to be well-formed, and its correctly rounded double.
    init(integerLiteral text: [UInt8], double: Double) {
        self.double = double == 0 ? 0 : double
        let digitCount = text.first == UInt8(ascii: "-") ? text.count - 1 : text.count
        if digitCount <= 15 || CanonicalJSON.numberText(double) == text {
            exactIntegerText = nil
        } else {
            exactIntegerText = text
        }
        spelling = double == 0 && text.first == UInt8(ascii: "-") ? text : nil  // -0, canonically 0
    }

    /// A literal with a fraction or an exponent, already known to be well-formed, and its
    /// correctly rounded double (finite).
    init(literal text: [UInt8], double: Double) {
        self.double = double == 0 ? 0 : double
        exactIntegerText = nil
        spelling = text
    }

    public static func == (a: JSONNumber, b: JSONNumber) -> Bool {
        a.double == b.double && a.exactIntegerText == b.exactIntegerText
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(double)
        hasher.combine(exactIntegerText)
    }

    /// Whether the value is kept as exact integer text rather than as a double.
    public var isExactInteger: Bool { exactIntegerText != nil }

    /// The canonical text: RFC 8785 for doubles, the exact digits for exact integers.
    public var canonicalText: [UInt8] { exactIntegerText ?? CanonicalJSON.numberText(double) }

    public var description: String { String(decoding: canonicalText, as: UTF8.self) }

    /// The value as an `Int64` when it is an integer in range; `nil` otherwise.
    public var int64: Int64? {
        if let text = exactIntegerText { return Int64(String(decoding: text, as: UTF8.self)) }
        guard double.rounded(.towardZero) == double, double >= -0x1p63, double < 0x1p63 else { return nil }
        return Int64(double)
    }
}
