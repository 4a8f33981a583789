import AmberCore
import AmberRepository
import AmberSnapshot
import Testing

/// Data and tree blob ids are HMACs under different keys, so a data blob and a tree blob with the
/// same bytes get different ids. Storing one must not make the other unloadable.
@Suite("Blob types sharing an id")
struct BlobTypeTests {
    /// A 5-byte file containing 01 00 00 00 00 is byte-identical to the encoding of an empty
    /// directory's tree; backing both up must leave the tree loadable.
    @Test(arguments: BackendKind.allCases)
    func dataBlobEqualToATreeDoesNotHideTheTree(kind: BackendKind) throws {
        let store = try TestStore(kind)
        let repository = try initRepository(store.backend)
        let emptyTree = Tree(nodes: []).encoded()
        #expect(emptyTree == [1, 0, 0, 0, 0])
        let id = blobID(repository, emptyTree, .data)
        let treeID = blobID(repository, emptyTree, .tree)
        #expect(id != treeID)
        let writer = BlobWriter(repository: repository)
        try writer.add(.data, id: id, plaintext: emptyTree)   // the file's content
        try writer.add(.tree, id: treeID, plaintext: emptyTree)   // the empty directory
        #expect(try writer.finish().blobs == 2)
        let fresh = try reopen(store.backend)
        #expect(try fresh.loadBlob(id, type: .data) == emptyTree)
        #expect(throws: Never.self) { try fresh.loadTree(treeID) }
    }

    /// The other order (the archiver's, with an empty directory and a file holding 01 00 00 00 00):
    /// the tree is stored first and the file's data blob is deduplicated against it. The file must
    /// still restore, and if it cannot, `check` must not call the repository clean.
    @Test(arguments: BackendKind.allCases)
    func treeStoredFirstDoesNotHideTheFileContent(kind: BackendKind) throws {
        let store = try TestStore(kind)
        let repository = try initRepository(store.backend)
        let emptyTree = Tree(nodes: []).encoded()
        let id = blobID(repository, emptyTree, .data)
        let treeID = blobID(repository, emptyTree, .tree)
        let writer = BlobWriter(repository: repository)
        try writer.add(.tree, id: treeID, plaintext: emptyTree)
        try writer.add(.data, id: id, plaintext: emptyTree)
        let root = Tree(nodes: [fileNode("a", content: [id], size: 5), directoryNode("empty", subtree: treeID)]).encoded()
        let rootID = blobID(repository, root, .tree)
        try writer.add(.tree, id: rootID, plaintext: root)
        _ = try writer.finish()
        _ = try repository.saveSnapshot(makeSnapshot(tree: rootID))

        let fresh = try reopen(store.backend)
        let dataLoads = (try? fresh.loadBlob(id, type: .data)) == emptyTree
        let treeLoads = (try? fresh.loadTree(treeID)) != nil
        #expect(dataLoads, "the content of /a cannot be loaded as a data blob")
        #expect(treeLoads)
        let report = try Checker(repository: try Repository.open(backend: store.backend, password: password)).run(readData: .all)
        #expect(report.isClean == (dataLoads && treeLoads), "check: \(report.errors)")
    }
}
