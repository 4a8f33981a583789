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
    /// Extended attributes (`user.*`, `security.*`, `trusted.*`, and POSIX ACLs as
    /// `system.posix_acl_*`), sorted by name; stored in tree version 2 only.
    public var extendedAttributes: [ExtendedAttribute] = []
    /// For a file with several names (`st_nlink > 1`): its device and inode at backup time, the
    /// same for every name of it, so a restore links them again; stored in tree version 2 only.
    public var hardLink: HardLink?
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

    /// One extended attribute: its name and value, raw bytes.
    public struct ExtendedAttribute: Sendable, Hashable {
        public var name: [UInt8]
        public var value: [UInt8]

        public init(name: [UInt8], value: [UInt8]) {
            self.name = name
            self.value = value
        }
    }

    /// What the names of one file share.
    public struct HardLink: Sendable, Hashable {
        public var device: UInt64
        public var inode: UInt64

        public init(device: UInt64, inode: UInt64) {
            self.device = device
            self.inode = inode
        }
    }

    /// Whether the node has what only tree version 2 holds.
    var hasExtras: Bool { !extendedAttributes.isEmpty || hardLink != nil }

    /// Appends tree version 2's `extras`: `flags u8` (bit 0 attributes, bit 1 hard link) ‖
    /// [`count u16 ‖ (name string16 ‖ value string32) × count`] ‖ [`device u64 ‖ inode u64`].
    func encodeExtras(into w: inout ByteWriter) {
        w.u8((extendedAttributes.isEmpty ? 0 : 1) | (hardLink == nil ? 0 : 2))
        if !extendedAttributes.isEmpty {
            w.u16(UInt16(extendedAttributes.count))
            for attribute in extendedAttributes {
                w.string16(attribute.name)
                w.string32(attribute.value)
            }
        }
        if let hardLink {
            w.u64(hardLink.device)
            w.u64(hardLink.inode)
        }
    }

    /// Reads tree version 2's `extras` (``encodeExtras(into:)``).
    mutating func decodeExtras(from r: inout ByteReader) throws(FormatError) {
        let flags = try r.u8()
        guard flags & ~3 == 0 else { throw FormatError(context: "tree", reason: "unknown node flags \(flags)") }
        if flags & 1 != 0 {
            let count = Int(try r.u16())
            guard count > 0 else { throw FormatError(context: "tree", reason: "an empty attribute list") }
            for _ in 0..<count {
                let attribute = ExtendedAttribute(name: try r.string16(), value: try r.string32())
                guard !attribute.name.isEmpty, !attribute.name.contains(0) else { throw FormatError(context: "tree", reason: "invalid attribute name") }
                if let last = extendedAttributes.last, !last.name.lexicographicallyPrecedes(attribute.name) {
                    throw FormatError(context: "tree", reason: "attributes not sorted or not unique")
                }
                extendedAttributes.append(attribute)
            }
        }
        if flags & 2 != 0 {
            guard kind == .file else { throw FormatError(context: "tree", reason: "a hard link that is not a file") }
            hardLink = HardLink(device: try r.u64(), inode: try r.u64())
        }
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
