import AmberCore

/// A column of byte strings (texts or blobs) in ``RowColumns`` (`manifest-format.md` §N.7,
/// "Texts"), coded by what its values have in common so that numbers written as text — which is
/// how PostgreSQL rows hold every value — are stored as numbers:
///
/// ```
/// Texts = 0x00 ‖ lengths Integers ‖ bytes                       (plain)
///       | 0x01 ‖ values Integers                                (decimal integers)
///       | 0x02 ‖ tokenCount varint ‖ Token × tokenCount ‖ Slot × (digit tokens)   (shaped)
///       | 0x03 ‖ signs Integers ‖ tokenCount varint ‖ Token × tokenCount ‖ Slot × (digit tokens)
///                                                                 (shaped, signed)
///       | 0x04 / 0x05: as 0x02 / 0x03 with decimal slots, each slot followed by its
///         width u8 ‖ [fractions Integers]                        (optional fractions)
/// Token = 0x00 ‖ length varint ‖ bytes                           (literal: no ASCII digit)
///       | 0x01                                                    (a digit run: a slot)
/// Slot  = 0x00 ‖ values Integers                                  (no leading zeros)
///       | 0x01 ‖ widths Integers ‖ values Integers                (zero-padded to its width)
///       | 0x02 ‖ width u8 ‖ values Integers                       (fraction digits)
/// ```
///
/// - **Decimal integers**: every value is the canonical decimal text of an `Int64`
///   (`0|-?[1-9][0-9]*`), as `integer`/`bigint` columns and balances are.
/// - **Shaped**: split into maximal runs of ASCII digits and of other bytes, every value has the
///   same **shape** — the same literal runs at the same places, each digit run at most 18 digits —
///   so only the digit runs (**slots**) vary: timestamps, dates, decimals of one sign. A slot
///   whose runs have no leading zeros (or are `0`) stores their values; one whose runs end in
///   a digit other than `0` (fraction digits, trailing zeros dropped) stores them padded on the
///   right with zeros to the longest, as integers; any other slot stores widths and values.
///   A column with one value repeated is a shape with no slot.
/// - **Shaped, signed**: the same after taking a leading `-` (before a digit) off the values
///   that have one, when the shape starts with a slot: decimals of both signs. The signs (0 or
///   1) are stored first.
/// - **Decimal slots** (modes 4 and 5): the same, but a digit run, `.` and a digit run are one
///   slot whose fraction may be absent, stored padded on the right as fraction digits (0 for
///   none): timestamps with a zero fraction left out, numerics of varying scale without trailing
///   zeros.
/// - **Plain**: anything else.
///
/// A writer uses the first of decimal, shaped, signed shaped, decimal slots, signed decimal
/// slots, plain that fits; the count comes from the
/// enclosing structure, and an empty column is no bytes.
public enum TextColumn {
    /// Runs of more digits than this are not slots (10¹⁸ − 1 fits an `Int64`).
    static let maximumSlotDigits = 18

    public static func append(_ values: [[UInt8]], to out: inout [UInt8]) {
        var column = Values(capacity: values.count, bytes: values.reduce(0) { $0 + $1.count })
        for value in values { column.append(value) }
        append(column, to: &out)
    }

    /// Appends the column of `values`.
    static func append(_ values: Values, to out: inout [UInt8]) {
        guard values.count > 0 else { return }
        values.bytes.withUnsafeBufferPointer { bytes in
            append(Spans(bytes: bytes, ends: values.ends), to: &out)
        }
    }

    /// Appends the column of the values `spans` delimits.
    private static func append(_ values: Spans, to out: inout [UInt8]) {
        if let integers = decimalIntegers(values) {
            out.append(1)
            PackedIntegers.append(integers, to: &out)
        } else if let shape = Shape(values) {
            out.append(2)
            shape.append(values.bytes, to: &out)
        } else if let (signs, shape) = signedShape(values) {
            out.append(3)
            PackedIntegers.append(signs, to: &out)
            shape.append(values.bytes, to: &out)
        } else if let shape = Shape(values, decimals: true) {
            out.append(4)
            shape.append(values.bytes, to: &out)
        } else if let (signs, shape) = signedShape(values, decimals: true) {
            out.append(5)
            PackedIntegers.append(signs, to: &out)
            shape.append(values.bytes, to: &out)
        } else {
            out.append(0)
            PackedIntegers.append(values.ranges.map { Int64($0.count) }, to: &out)
            for i in values.ranges.indices { out.append(contentsOf: values[i]) }
        }
    }

    /// The values of a column being written, as ranges of one buffer: the writer looks at them
    /// through pointers (no retain, no bounds check, no array for each value).
    struct Spans {
        let bytes: UnsafeBufferPointer<UInt8>
        var ranges: [Range<Int>]

        init(bytes: UnsafeBufferPointer<UInt8>, ends: [Int]) {
            self.bytes = bytes
            ranges = []
            ranges.reserveCapacity(ends.count)
            var start = 0
            for end in ends {
                ranges.append(start..<end)
                start = end
            }
        }

        /// Value `i`.
        subscript(i: Int) -> UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(rebasing: bytes[ranges[i]]) }
    }

    /// Reads `count` values, spending what it builds from `budget` (``ExpansionBudget``).
    public static func read(_ count: Int, from reader: inout ByteReader, budget: inout ExpansionBudget) throws(FormatError) -> [[UInt8]] {
        let values = try readValues(count, from: &reader, budget: &budget)
        return (0..<values.count).map { Array(values[$0]) }
    }

    /// The values of a column, read: their bytes one after another in one array (no array for
    /// each value).
    struct Values: Equatable {
        var bytes = [UInt8]()
        /// Where each value ends in ``bytes``.
        private(set) var ends = [Int]()

        init(capacity: Int, bytes byteCapacity: Int) {
            ends.reserveCapacity(capacity)
            bytes.reserveCapacity(byteCapacity)
        }

        var count: Int { ends.count }

        /// Value `i`.
        subscript(i: Int) -> ArraySlice<UInt8> { bytes[(i == 0 ? 0 : ends[i - 1])..<ends[i]] }

        /// Calls `body` with value `i`'s bytes (no slice made: for a loop over every value).
        @inline(__always)
        func withValue<R>(_ i: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
            let start = i == 0 ? 0 : ends[i - 1]
            return bytes.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[start..<ends[i]])) }
        }

        /// Ends the value being appended to ``bytes``.
        mutating func endValue() { ends.append(bytes.count) }

        /// Equal values, the same bytes and ends (compared as memory: this checks every column
        /// a writer reads back).
        static func == (a: Values, b: Values) -> Bool {
            a.ends.hasSameBytes(as: b.ends) && a.bytes.hasSameBytes(as: b.bytes)
        }

        /// Appends a value.
        mutating func append(_ value: some Collection<UInt8>) {
            bytes.append(contentsOf: value)
            endValue()
        }

        /// Appends the next `count` bytes of `reader` as a value.
        mutating func append(_ count: Int, from reader: inout ByteReader) throws(FormatError) {
            try reader.raw(count, appendingTo: &bytes)
            endValue()
        }
    }

    /// Reads `count` values as ``read(_:from:budget:)`` does, with the same checks and budget.
    static func readValues(_ count: Int, from reader: inout ByteReader, budget: inout ExpansionBudget) throws(FormatError) -> Values {
        guard count > 0 else { return Values(capacity: 0, bytes: 0) }
        let mode = try reader.u8()
        switch mode {
        case 0:
            let lengths = try PackedIntegers.read(count, from: &reader, budget: &budget)
            var values = Values(capacity: count, bytes: 0)
            for length in lengths {
                guard length >= 0, length <= reader.remaining else { throw PackedIntegers.failure("text length \(length) beyond the end", reader) }
                try budget.spend(Int(length) + 32, reader)
                try values.append(Int(length), from: &reader)
            }
            return values
        case 1:
            let integers = try PackedIntegers.read(count, from: &reader, budget: &budget)
            try budget.spend(count * 52, reader)
            var values = Values(capacity: count, bytes: count * 8)
            for v in integers {
                appendDecimal(v, to: &values.bytes)
                values.endValue()
            }
            return values
        case 2, 4:
            return try Shape.read(count, from: &reader, budget: &budget, decimals: mode == 4)
        case 3, 5:
            let signs = try PackedIntegers.read(count, from: &reader, budget: &budget)
            guard signs.allSatisfy({ $0 == 0 || $0 == 1 }) else { throw PackedIntegers.failure("bad sign", reader) }
            return try Shape.read(count, from: &reader, budget: &budget, startsWithSlot: true, decimals: mode == 5, signs: signs)
        default:
            throw PackedIntegers.failure("bad text column mode \(mode)", reader)
        }
    }

    /// The signs (1 for a value that starts with `-` and a digit) and the shape of the values
    /// without them, when some value has a sign, they share a shape and it starts with a slot:
    /// decimals of both signs.
    private static func signedShape(_ values: Spans, decimals: Bool = false) -> (signs: [Int64], shape: Shape)? {
        var signs = [Int64]()
        var unsigned = values
        signs.reserveCapacity(values.ranges.count)
        for (i, range) in values.ranges.enumerated() {
            let signed = range.count >= 2 && values.bytes[range.lowerBound] == UInt8(ascii: "-") && isDigit(values.bytes[range.lowerBound + 1])
            signs.append(signed ? 1 : 0)
            if signed { unsigned.ranges[i] = range.dropFirst() }
        }
        guard signs.contains(1), let shape = Shape(unsigned, decimals: decimals), shape.tokens.first == .slot else { return nil }
        return (signs, shape)
    }

    /// The values as integers when every one is the canonical decimal text of an `Int64`.
    private static func decimalIntegers(_ values: Spans) -> [Int64]? {
        var integers = [Int64]()
        integers.reserveCapacity(values.ranges.count)
        for i in values.ranges.indices {
            guard let v = canonicalInteger(values[i]) else { return nil }
            integers.append(v)
        }
        return integers
    }

    /// The integer `value` is the canonical decimal text of (`0|-?[1-9][0-9]*`, in range), or nil.
    static func canonicalInteger(_ value: some Collection<UInt8>) -> Int64? {
        let negative = value.first == UInt8(ascii: "-")
        let digits = value.dropFirst(negative ? 1 : 0)
        guard let first = digits.first, isDigit(first), digits.count <= 19,
              first != UInt8(ascii: "0") || (digits.count == 1 && !negative) else { return nil }
        var magnitude: UInt64 = 0
        for d in digits {
            guard isDigit(d) else { return nil }
            magnitude = magnitude * 10 + UInt64(d - UInt8(ascii: "0"))
        }
        if negative {
            guard magnitude <= UInt64(Int64.max) + 1 else { return nil }
            return Int64(truncatingIfNeeded: 0 &- magnitude)
        }
        guard magnitude <= UInt64(Int64.max) else { return nil }
        return Int64(magnitude)
    }

    /// The canonical decimal text of `v`.
    static func decimal(_ v: Int64) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(20)
        appendDecimal(v, to: &out)
        return out
    }

    /// Appends the canonical decimal text of `v`.
    static func appendDecimal(_ v: Int64, to out: inout [UInt8]) {
        if v < 0 { out.append(UInt8(ascii: "-")) }
        appendDigits(v.magnitude, width: digitCount(v.magnitude), to: &out)
    }

    static func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }
}
