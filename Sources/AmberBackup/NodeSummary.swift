import AmberCore
import AmberRepository
import AmberSnapshot
import Foundation

/// One node as `ls --json` and the web UI's tree listing show it.
public struct NodeSummary: Encodable, Sendable {
    public let path: String
    public let type: String
    public let mode: UInt32
    public let uid: UInt32
    public let gid: UInt32
    public let size: UInt64
    public let mtime: String
    public let linkTarget: String?

    public init(path: String, node: Node) {
        self.path = path
        type = Self.typeName(node.kind)
        mode = node.mode
        uid = node.uid
        gid = node.gid
        size = node.size
        mtime = RFC3339.format(Date(timeIntervalSince1970: Double(node.mtimeSeconds) + Double(node.mtimeNanoseconds) / 1e9))
        linkTarget = node.kind == .symlink ? String(decoding: node.linkTarget, as: UTF8.self) : nil
    }

    /// The name every JSON output gives a node's kind (`ls`, `find`, the web UI): restic's where
    /// it has one (`file`, `dir`, `symlink`, …).
    public static func typeName(_ kind: Node.Kind) -> String {
        switch kind {
        case .file: "file"
        case .directory: "dir"
        case .symlink: "symlink"
        case .fifo: "fifo"
        case .characterDevice: "chardev"
        case .blockDevice: "blockdev"
        case .socket: "socket"
        case .database: "database"
        }
    }

    enum CodingKeys: String, CodingKey { case path, type, mode, uid, gid, size, mtime, linkTarget = "link_target" }
}
