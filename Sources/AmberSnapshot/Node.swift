import AmberCore

/// One entry of a ``Tree``: a file, directory, symlink or special file, with its metadata.
/// Names and symlink targets are raw bytes, because file names need not be valid UTF-8.
public struct Node: Sendable, Equatable {
    /// The kind of a node; the raw values are the kind bytes of `docs/format.md` §Trees.
    public enum Kind: UInt8, Sendable {
        case file = 1
        case directory = 2
        case symlink = 3
        case fifo = 4
        case characterDevice = 5
        case blockDevice = 6
        case socket = 7
        /// A database or collection source: ``subtree`` is the id of its ``CollectionSet``.
        case database = 8
    }

    public var name: [UInt8]
    public var kind: Kind
    /// Permission bits and set-id/sticky bits (`st_mode & 0o7777`).
    public var mode: UInt32
    public var uid: UInt32
    public var gid: UInt32
    public var mtimeSeconds: Int64
    public var mtimeNanoseconds: UInt32
    /// File size in bytes (0 for other kinds).
    public var size: UInt64
    /// A file's content: its data blobs in order.
    public var content: [BlobID] = []
    /// A directory's tree.
    public var subtree: BlobID?
    /// A symlink's target.
    public var linkTarget: [UInt8] = []
    /// A device's `st_rdev`.
    public var device: UInt64 = 0

    public init(name: [UInt8], kind: Kind, mode: UInt32, uid: UInt32, gid: UInt32, mtimeSeconds: Int64,
                mtimeNanoseconds: UInt32, size: UInt64) {
        self.name = name
        self.kind = kind
        self.mode = mode
        self.uid = uid
        self.gid = gid
        self.mtimeSeconds = mtimeSeconds
        self.mtimeNanoseconds = mtimeNanoseconds
        self.size = size
    }

    /// The name for display (invalid UTF-8 repaired).
    public var displayName: String { String(decoding: name, as: UTF8.self) }

    func encode(into w: inout ByteWriter) {
        w.string16(name)
        w.u8(kind.rawValue)
        w.u32(mode)
        w.u32(uid)
        w.u32(gid)
        w.i64(mtimeSeconds)
        w.u32(mtimeNanoseconds)
        w.u64(size)
        switch kind {
        case .file:
            w.u32(UInt32(content.count))
            for id in content { w.id(id) }
        case .directory, .database:
            w.id(subtree ?? BlobID(bytes: [UInt8](repeating: 0, count: 32))!)
        case .symlink:
            w.string16(linkTarget)
        case .fifo, .characterDevice, .blockDevice, .socket:
            w.u64(device)
        }
    }

    init(from r: inout ByteReader) throws(FormatError) {
        let name = try r.string16()
        guard !name.isEmpty, !name.contains(UInt8(ascii: "/")), name != [46], name != [46, 46], !name.contains(0) else {
            throw FormatError(context: "tree", reason: "invalid entry name")
        }
        let rawKind = try r.u8()
        guard let kind = Kind(rawValue: rawKind) else { throw FormatError(context: "tree", reason: "unknown node kind \(rawKind)") }
        self.init(name: name, kind: kind, mode: try r.u32(), uid: try r.u32(), gid: try r.u32(),
                  mtimeSeconds: try r.i64(), mtimeNanoseconds: try r.u32(), size: try r.u64())
        switch kind {
        case .file:
            let count = Int(try r.u32())
            guard count <= r.remaining / BlobID.byteCount else { throw FormatError(context: "tree", reason: "content list exceeds tree") }
            content.reserveCapacity(count)
            for _ in 0..<count { content.append(try r.id()) }
        case .directory, .database:
            subtree = try r.id()
        case .symlink:
            linkTarget = try r.string16()
        case .fifo, .characterDevice, .blockDevice, .socket:
            device = try r.u64()
        }
    }
}
