import AmberCore

/// The root of a manifest: what a snapshot records for a collection.
public struct ManifestRoot: Sendable, Hashable, CustomStringConvertible {
    /// The id of the root node (a tree blob).
    public var id: BlobID
    /// The number of entries.
    public var count: UInt64
    /// The total length of the values, in bytes.
    public var valueBytes: UInt64
    /// The number of levels: 1 for a tree that is a single leaf.
    public var height: Int

    public init(id: BlobID, count: UInt64, valueBytes: UInt64, height: Int) {
        self.id = id
        self.count = count
        self.valueBytes = valueBytes
        self.height = height
    }

    /// The level of the root node.
    var level: UInt8 { UInt8(height - 1) }

    public var description: String { "\(id.shortHex) (\(count) entries, \(valueBytes) bytes, height \(height))" }
}
