/// What a blob holds. The raw values are the type bytes of `docs/format.md`; never reuse one.
public enum BlobType: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    /// A chunk of file or document content.
    case data = 1
    /// A tree: the metadata of one directory (or, later, a manifest node).
    case tree = 2

    public var description: String { self == .data ? "data" : "tree" }
}
