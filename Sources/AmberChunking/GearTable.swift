/// The 256 random 64-bit values of the Gear rolling hash, one per byte value.
///
/// The repository derives them from its secret, so that cut points (and the chunk sizes an observer
/// of the storage might see) depend on the key; the chunker does not care how they were made.
public struct GearTable: Sendable {
    /// The number of entries: one per byte value.
    public static let count = 256

    /// The table, indexed by byte value.
    public let values: [UInt64]

    /// Creates a table from exactly 256 values; `nil` for any other count.
    public init?(_ values: [UInt64]) {
        guard values.count == Self.count else { return nil }
        self.values = values
    }
}
