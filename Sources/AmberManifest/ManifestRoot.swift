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

    /// The binary form a collection map can embed: `id[32] ‖ count varint ‖ valueBytes varint ‖ height u8`.
    public func encoded() -> [UInt8] {
        var out = [UInt8]()
        id.append(to: &out)
        Varint.append(count, to: &out)
        Varint.append(valueBytes, to: &out)
        out.append(UInt8(height))
        return out
    }

    /// Parses ``encoded()``; the height must be 1…64.
    public init(from reader: inout ByteReader) throws(FormatError) {
        id = try reader.id()
        count = try reader.varint()
        valueBytes = try reader.varint()
        height = Int(try reader.u8())
        guard (1...Int(ManifestFormat.maximumLevel) + 1).contains(height) else {
            throw FormatError(context: reader.context, reason: "manifest height \(height) out of range")
        }
    }

    public var description: String { "\(id.shortHex) (\(count) entries, \(valueBytes) bytes, height \(height))" }
}
