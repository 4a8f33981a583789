import AmberCore
import AmberRepository
import AmberSnapshot
import AmberStorage
import Foundation
import Testing

@Suite("Snapshots")
struct SnapshotTests {
    @Test(arguments: BackendKind.allCases)
    func findSnapshotByLatestPrefixAndFullID(kind: BackendKind) throws {
        let store = try TestStore(kind)
        let repository = try initRepository(store.backend)
        let empty = #expect(throws: RepositoryError.self) { try repository.findSnapshot("latest") }
        #expect(empty?.code == .invalidArgument)

        let tree = try storeBlobs(repository, [(.tree, Tree(nodes: []).encoded())])[0]
        let base = Date(timeIntervalSince1970: 1_800_000_000)
        // 17 snapshots: two must share a first hex digit. Saved in an order unrelated to time.
        var byTime = [(Date, BlobID)]()
        for i in [5, 16, 0, 9, 3, 12, 1, 14, 7, 2, 11, 4, 15, 8, 6, 13, 10] {
            let time = base.addingTimeInterval(Double(i) * 3600)
            byTime.append((time, try repository.saveSnapshot(makeSnapshot(tree: tree, time: time, tags: ["n\(i)"]))))
        }
        byTime.sort { $0.0 < $1.0 }
        let listed = try repository.listSnapshots()
        #expect(listed.map(\.id) == byTime.map(\.1), "oldest first")
        #expect(try repository.findSnapshot("latest").id == byTime.last!.1)
        #expect(try repository.findSnapshot("latest").snapshot.tags == ["n16"])

        let names = byTime.map(\.1.hex)
        for name in names {
            #expect(try repository.findSnapshot(name).id.hex == name)
            #expect(try repository.findSnapshot(name.uppercased()).id.hex == name)
            // The shortest unique prefix finds it.
            let unique = (1...64).map { String(name.prefix($0)) }.first { p in names.filter { $0.hasPrefix(p) }.count == 1 }!
            #expect(try repository.findSnapshot(unique).id.hex == name)
        }
        let shared = Dictionary(grouping: names, by: { String($0.prefix(1)) }).first { $0.value.count >= 2 }!.key
        let ambiguous = #expect(throws: RepositoryError.self) { try repository.findSnapshot(shared) }
        #expect(ambiguous?.code == .invalidArgument)
        #expect(ambiguous?.message.contains("matches") == true)

        let unused = (0..<256).map { Hex.encode([UInt8($0)]) }.first { p in !names.contains { $0.hasPrefix(p) } }!
        for reference in [unused, "xyz", "", String(repeating: "0", count: 65), "lates"] {
            let error = #expect(throws: RepositoryError.self, "\(reference)") { try repository.findSnapshot(reference) }
            #expect(error?.code == .invalidArgument)
        }
    }

    @Test(arguments: BackendKind.allCases)
    func snapshotRoundTripsThroughASealedFile(kind: BackendKind) throws {
        let store = try TestStore(kind)
        let repository = try initRepository(store.backend)
        let tree = try storeBlobs(repository, [(.tree, Tree(nodes: []).encoded())])[0]
        var snapshot = makeSnapshot(tree: tree, tags: ["a", "b"], sources: ["/x", "/y z"])
        snapshot.parent = tree.hex
        snapshot.stats = Snapshot.Statistics(documents: 3, bytes: 4, addedBytes: 5, directories: 6, blobsAdded: 7)
        let id = try repository.saveSnapshot(snapshot)
        let loaded = try reopen(store.backend).loadSnapshot(id)
        #expect(loaded == snapshot)
        #expect(loaded.treeID == tree)
        // The same snapshot saved again is a different file (random salt).
        #expect(try repository.saveSnapshot(snapshot) != id)
        // A sealed file of another type under .snapshots is not a snapshot.
        let (other, _) = try repository.saveFile(.index, kind: .snapshots, payload: [1, 0, 0, 0, 0])
        let error = #expect(throws: RepositoryError.self) { try repository.loadSnapshot(BlobID(hex: other)!) }
        #expect(error?.code == .damaged)
        // A snapshot file whose payload is not a snapshot.
        let (junk, _) = try repository.saveFile(.snapshot, kind: .snapshots, payload: Array("{}".utf8))
        let junkError = #expect(throws: RepositoryError.self) { try repository.loadSnapshot(BlobID(hex: junk)!) }
        #expect(junkError?.code == .damaged)
    }
}
