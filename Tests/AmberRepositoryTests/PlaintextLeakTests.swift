import AmberCore
import AmberRepository
import AmberSnapshot
import AmberStorage
import Testing

@Suite("No plaintext in the repository")
struct PlaintextLeakTests {
    @Test(arguments: BackendKind.allCases)
    func namesContentAndIDsNeverAppearInStoredBytes(kind: BackendKind) throws {
        let store = try TestStore(kind)
        let repository = try initRepository(store.backend)
        let secret = "SECRET-NAME-42.txt"
        let secretBytes = Array(secret.utf8)
        // Compressible content full of the name (zstd keeps literals, so only encryption hides it),
        // and incompressible content containing it once.
        let compressible = Array((0..<500).flatMap { _ in secretBytes })
        let random = randomBytes(3000) + secretBytes + randomBytes(3000)
        let writer = BlobWriter(repository: repository)
        var ids = [BlobID]()
        for blob in [compressible, random, secretBytes] {
            let id = blobID(repository, blob)
            try writer.add(.data, id: id, plaintext: blob)
            ids.append(id)
        }
        var link = Node(name: Array("link-\(secret)".utf8), kind: .symlink, mode: 0o777, uid: 0, gid: 0,
                        mtimeSeconds: 0, mtimeNanoseconds: 0, size: 0)
        link.linkTarget = secretBytes
        let tree = Tree(nodes: [fileNode(secret, content: ids), link]).encoded()
        #expect(contains(tree, secretBytes))
        let treeID = blobID(repository, tree, .tree)
        try writer.add(.tree, id: treeID, plaintext: tree)
        _ = try writer.finish()
        let snapshotID = try repository.saveSnapshot(makeSnapshot(tree: treeID, tags: [secret], sources: ["/home/\(secret)"]))
        let lock = try RepositoryLock.acquire(repository, exclusive: false)
        defer { lock.release() }
        // Sanity: it all reads back.
        let fresh = try reopen(store.backend)
        #expect(try fresh.loadTree(treeID).node(named: secretBytes)?.content == ids)
        #expect(try fresh.loadSnapshot(snapshotID).tags == [secret])

        var needles: [(String, [UInt8])] = [("name", secretBytes), ("name (UTF-16)", Array(secret.utf16).flatMap { [UInt8($0), 0] })]
        for id in ids + [treeID] {
            needles.append(("id \(id.shortHex) binary", id.bytes))
            needles.append(("id \(id.shortHex) hex", Array(id.hex.utf8)))
            needles.append(("id \(id.shortHex) HEX", Array(id.hex.uppercased().utf8)))
        }
        needles.append(("master key", repository.keys.master))
        needles.append(("id key", repository.keys.idKey))
        needles.append(("repository id", repository.config.repositoryID.bytes))
        let files = try store.allFiles()
        #expect(files.count >= 7)  // config, key, 2 packs, index, snapshot, lock
        for (name, bytes) in files {
            for (what, needle) in needles {
                #expect(!contains(bytes, needle), "\(what) found in \(name)")
                #expect(!name.contains(secret), "\(what) in the file name \(name)")
            }
        }
    }
}
