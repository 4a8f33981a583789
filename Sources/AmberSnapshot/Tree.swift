import AmberCore
import AmberRepository

/// The metadata of one directory: its entries sorted by name bytes. Stored as a tree blob,
/// so a directory whose entries are all unchanged has the same id in the next snapshot.
///
/// Encoding (`docs/format.md` §Trees): `version u8 = 1 ‖ count u32 ‖ Node × count`, or version 2
/// (`Node ‖ extras` each: extended attributes, hard links) when a node has any, so a tree
/// without them keeps its version 1 bytes and id.
public struct Tree: Sendable, Equatable {
    public var nodes: [Node]

    /// Creates a tree, sorting the nodes by name.
    public init(nodes: [Node]) {
        self.nodes = nodes.sorted { $0.name.lexicographicallyPrecedes($1.name) }
    }

    public func encoded() -> [UInt8] {
        let extended = nodes.contains { $0.hasExtras }
        var w = ByteWriter(capacity: 5 + nodes.count * 96)
        w.u8(extended ? 2 : 1)
        w.u32(UInt32(nodes.count))
        for node in nodes {
            node.encode(into: &w)
            if extended { node.encodeExtras(into: &w) }
        }
        return w.bytes
    }

    /// Parses a tree, checking that names are valid, sorted and unique.
    public init(decoding bytes: [UInt8]) throws(FormatError) {
        var r = ByteReader(bytes, context: "tree")
        let version = try r.u8()
        guard version == 1 || version == 2 else { throw FormatError(context: "tree", reason: "unsupported version \(version)") }
        let count = Int(try r.u32())
        guard count <= r.remaining / 38 else { throw FormatError(context: "tree", reason: "node count \(count) exceeds tree") }
        var nodes = [Node]()
        nodes.reserveCapacity(count)
        for _ in 0..<count {
            var node = try Node(from: &r)
            if version == 2 { try node.decodeExtras(from: &r) }
            if let last = nodes.last, !last.name.lexicographicallyPrecedes(node.name) {
                throw FormatError(context: "tree", reason: "entries not sorted or not unique")
            }
            nodes.append(node)
        }
        try r.expectEnd()
        self.nodes = nodes
    }

    /// The node named `name`, by binary search.
    public func node(named name: [UInt8]) -> Node? {
        var low = 0, high = nodes.count
        while low < high {
            let mid = (low + high) / 2
            if nodes[mid].name == name { return nodes[mid] }
            if nodes[mid].name.lexicographicallyPrecedes(name) { low = mid + 1 } else { high = mid }
        }
        return nil
    }
}

extension Repository {
    /// Loads and parses a tree blob.
    public func loadTree(_ id: BlobID) throws(RepositoryError) -> Tree {
        let bytes = try loadBlob(id, type: .tree)
        do {
            return try Tree(decoding: bytes)
        } catch {
            throw RepositoryError(.damaged, "tree \(id.shortHex) is damaged: \(error.reason)")
        }
    }
}
