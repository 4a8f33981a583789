import AmberCore
import AmberRepository
import AmberSnapshot
import Testing

@Suite("Tree and Node encoding")
struct TreeTests {
    static let someID = BlobID(bytes: [UInt8](repeating: 0xab, count: 32))!
    static let otherID = BlobID(bytes: (0..<32).map { UInt8($0) })!

    static func node(_ name: [UInt8], _ kind: Node.Kind) -> Node {
        Node(name: name, kind: kind, mode: 0o4755, uid: 4_000_000_000, gid: 7, mtimeSeconds: -1_234_567_890,
             mtimeNanoseconds: 999_999_999, size: kind == .file ? 1 << 40 : 0)
    }

    static func allKinds() -> [Node] {
        var file = node(Array("file.txt".utf8), .file)
        file.content = [someID, otherID, someID]
        let empty = node(Array("empty".utf8), .file)
        var dir = node(Array("dir".utf8), .directory)
        dir.subtree = otherID
        var link = node([0xff, 0xfe, 0x41], .symlink)  // not UTF-8
        link.linkTarget = [0x2f, 0x74, 0x6d, 0x70, 0x2f, 0xc3, 0x28]
        var fifo = node(Array("fifo".utf8), .fifo)
        fifo.device = 0
        var chr = node(Array("null".utf8), .characterDevice)
        chr.device = 0x0103
        var blk = node(Array("sda".utf8), .blockDevice)
        blk.device = UInt64.max
        let sock = node(Array("ü-socket".utf8), .socket)
        return [sock, blk, chr, fifo, link, dir, empty, file]
    }

    @Test func roundTripWithEveryKindAndNonUTF8Names() throws {
        let tree = Tree(nodes: Self.allKinds())
        #expect(tree.nodes.map(\.name) == tree.nodes.map(\.name).sorted { $0.lexicographicallyPrecedes($1) })
        #expect(tree.nodes.last?.name == [0xff, 0xfe, 0x41])
        let decoded = try Tree(decoding: tree.encoded())
        #expect(decoded == tree)
        #expect(decoded.node(named: [0xff, 0xfe, 0x41])?.linkTarget == [0x2f, 0x74, 0x6d, 0x70, 0x2f, 0xc3, 0x28])
        #expect(decoded.node(named: Array("file.txt".utf8))?.content == [Self.someID, Self.otherID, Self.someID])
        #expect(decoded.node(named: Array("sda".utf8))?.device == UInt64.max)
        #expect(decoded.node(named: Array("missing".utf8)) == nil)
        #expect(try Tree(decoding: Tree(nodes: []).encoded()).nodes.isEmpty)
    }

    /// The smallest node is 38 bytes (1-byte name, symlink with an empty target); the decoder's
    /// count bound must not reject trees made of such nodes.
    @Test(arguments: [1, 2, 10])
    func smallestNodesRoundTrip(count: Int) throws {
        let nodes = (0..<count).map { i in Self.node([UInt8(ascii: "a") + UInt8(i)], .symlink) }
        let tree = Tree(nodes: nodes)
        #expect(tree.encoded().count == 5 + 38 * count)
        #expect(try Tree(decoding: tree.encoded()) == tree)
    }

    static func encode(_ nodes: [Node]) -> [UInt8] {
        var tree = Tree(nodes: [])
        tree.nodes = nodes  // bypass the sorting initializer
        return tree.encoded()
    }

    @Test func rejectsUnsortedEntries() {
        let a = Self.node(Array("a".utf8), .fifo), b = Self.node(Array("b".utf8), .fifo)
        #expect(throws: FormatError.self) { try Tree(decoding: Self.encode([b, a])) }
        #expect(throws: Never.self) { try Tree(decoding: Self.encode([a, b])) }
        // Byte order, not string order: "B" (0x42) sorts before "a" (0x61).
        let upper = Self.node(Array("B".utf8), .fifo)
        #expect(throws: FormatError.self) { try Tree(decoding: Self.encode([a, upper])) }
    }

    @Test func rejectsDuplicateNames() {
        let a = Self.node(Array("same".utf8), .fifo)
        var dir = Self.node(Array("same".utf8), .directory)
        dir.subtree = Self.someID
        #expect(throws: FormatError.self) { try Tree(decoding: Self.encode([a, a])) }
        #expect(throws: FormatError.self) { try Tree(decoding: Self.encode([dir, a])) }
    }

    @Test(arguments: ["a/b", "/", "x/", ".", "..", "", "nul\u{0}byte"])
    func rejectsInvalidNames(name: String) {
        let bytes = Self.encode([Self.node(Array(name.utf8), .fifo)])
        #expect(throws: FormatError.self) { try Tree(decoding: bytes) }
    }

    @Test func rejectsEveryTruncationAndTrailingBytes() {
        let bytes = Tree(nodes: Self.allKinds()).encoded()
        for length in 0..<bytes.count {
            #expect(throws: FormatError.self, "truncated to \(length)") { try Tree(decoding: Array(bytes.prefix(length))) }
        }
        #expect(throws: FormatError.self) { try Tree(decoding: bytes + [0]) }
    }

    @Test func rejectsBadVersionKindAndCounts() {
        var bytes = Tree(nodes: [Self.node(Array("x".utf8), .fifo)]).encoded()
        var v = bytes; v[0] = 2
        #expect(throws: FormatError.self) { try Tree(decoding: v) }
        var k = bytes; k[5 + 2 + 1] = 9  // the kind byte after the 1-byte name
        #expect(throws: FormatError.self) { try Tree(decoding: k) }
        bytes[1] = 0xff  // node count far beyond the bytes present
        #expect(throws: FormatError.self) { try Tree(decoding: bytes) }
        var file = Self.node(Array("f".utf8), .file)
        file.content = [Self.someID]
        var huge = Tree(nodes: [file]).encoded()
        huge[5 + 3 + 1 + 32] = 0xff  // content count
        #expect(throws: FormatError.self) { try Tree(decoding: huge) }
    }

    @Test(arguments: BackendKind.allCases)
    func treesStoredInTheRepositoryLoadAndWalk(kind: BackendKind) throws {
        let store = try TestStore(kind)
        let repository = try initRepository(store.backend)
        let leaf = Tree(nodes: [fileNode("inner.txt", content: [])]).encoded()
        let leafID = blobID(repository, leaf, .tree)
        let root = Tree(nodes: [directoryNode("sub", subtree: leafID), fileNode("top", content: [])]).encoded()
        let rootID = blobID(repository, root, .tree)
        try storeBlobs(repository, [(.tree, leaf), (.tree, root)])
        let fresh = try reopen(store.backend)
        var paths = [String]()
        try fresh.walk(rootID) { path, _ in paths.append(path); return true }
        #expect(paths == ["/sub", "/sub/inner.txt", "/top"])
        #expect(try fresh.node(at: "/sub/inner.txt", root: rootID)?.kind == .file)
        #expect(try fresh.node(at: "/nope", root: rootID) == nil)
        #expect(try fresh.node(at: "/top/below", root: rootID) == nil)
    }
}
