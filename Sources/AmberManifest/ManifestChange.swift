/// One difference between two manifests.
public struct ManifestChange: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        case added, removed, changed
    }

    public var key: [UInt8]
    public var kind: Kind
    /// The value before (`nil` when added) and after (`nil` when removed), not resolved: pass them to
    /// ``ManifestNodeLoader/resolve(_:)`` to get the bytes.
    public var old: ManifestValue?
    public var new: ManifestValue?

    public init(key: [UInt8], kind: Kind, old: ManifestValue?, new: ManifestValue?) {
        self.key = key
        self.kind = kind
        self.old = old
        self.new = new
    }
}
