import AmberCore

/// How many bytes a decoder of ``RowColumns`` may still build. Columnar streams expand: an
/// integer column of width 0 or a literal repeated in every value costs no input, so a reader of
/// untrusted bytes bounds what it materializes, not only what it reads. Integers count 8 bytes
/// each, rebuilt texts, keys and rows their lengths (plus 32 bytes for each array made).
public struct ExpansionBudget: Sendable {
    /// Bytes left.
    public private(set) var remaining: Int

    public init(bytes: Int) {
        remaining = bytes
    }

    /// Takes `count` bytes from the budget, or throws when it has fewer.
    public mutating func spend(_ count: Int, _ reader: ByteReader) throws(FormatError) {
        guard count >= 0, count <= remaining else {
            throw FormatError(context: reader.context, reason: "decoding expands beyond its limit at offset \(reader.offset)")
        }
        remaining -= count
    }
}
