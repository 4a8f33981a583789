import AmberCore
import AmberRepository
import AmberSnapshot
import Testing

/// Blob ids are HMACs of the plaintext alone, so a data blob and a tree blob with the same bytes
/// share an id. Storing one must not make the other unloadable.
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
        let id = blobID(repository, emptyTree)
        let writer = BlobWriter(repository: repository)
        try writer.add(.data, id: id, plaintext: emptyTree)   // the file's content
        try writer.add(.tree, id: id, plaintext: emptyTree)   // the empty directory
        _ = try writer.finish()
        let fresh = try reopen(store.backend)
        #expect(try fresh.loadBlob(id, type: .data) == emptyTree)
        #expect(throws: Never.self) { try fresh.loadTree(id) }
    }
}
