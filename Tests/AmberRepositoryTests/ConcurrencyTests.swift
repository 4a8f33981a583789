import AmberCore
import AmberRepository
import AmberSnapshot
import AmberStorage
import Dispatch
import Foundation
import Synchronization
import Testing

@Suite("Concurrent writers")
struct ConcurrencyTests {
    @Test(arguments: BackendKind.allCases)
    func twoRepositoriesWriteOverlappingBlobsAtOnce(kind: BackendKind) throws {
        let store = try TestStore(kind)
        _ = try initRepository(store.backend, config: .smallPacks())
        let blobs = (0..<40).map { i in i % 3 == 0 ? randomBytes(100 << 10) : randomBytes(Int.random(in: 1...20_000)) }
        let sets = [Array(0..<28), Array(12..<40)]
        let repositories = try [Repository.open(backend: store.backend, password: password),
                                Repository.open(backend: store.backend, password: password)]
        let failures = Mutex<[String]>([])
        let snapshots = Mutex<[BlobID]>([])
        DispatchQueue.concurrentPerform(iterations: 2) { worker in
            do {
                let repository = repositories[worker]
                let writer = BlobWriter(repository: repository, workers: 2)
                var nodes = [Node]()
                for i in sets[worker] {
                    let id = blobID(repository, blobs[i])
                    try writer.add(.data, id: id, plaintext: blobs[i])
                    nodes.append(fileNode("file-\(i)", content: [id], size: UInt64(blobs[i].count)))
                }
                let tree = Tree(nodes: nodes).encoded()
                let treeID = blobID(repository, tree, .tree)
                try writer.add(.tree, id: treeID, plaintext: tree)
                let stats = try writer.finish()
                if stats.blobs != sets[worker].count + 1 { failures.withLock { $0.append("writer \(worker) stored \(stats.blobs)") } }
                let id = try repository.saveSnapshot(makeSnapshot(tree: treeID, time: Date().addingTimeInterval(Double(worker))))
                snapshots.withLock { $0.append(id) }
            } catch {
                failures.withLock { $0.append("writer \(worker): \(error)") }
            }
        }
        #expect(failures.withLock { $0 }.isEmpty, "\(failures.withLock { $0 })")

        let fresh = try reopen(store.backend)
        let listed = try fresh.listSnapshots()
        #expect(Set(listed.map(\.id)) == Set(snapshots.withLock { $0 }))
        #expect(listed.count == 2)
        #expect(try store.backend.list(.index).count == 2)
        for (i, blob) in blobs.enumerated() {
            #expect(try fresh.loadBlob(blobID(fresh, blob), type: .data) == blob, "blob \(i)")
        }
        for record in listed {
            let root = try #require(record.snapshot.treeID)
            var files = 0
            try fresh.walk(root) { _, node in
                files += 1
                for id in node.content { _ = try fresh.loadBlob(id) }
                return true
            }
            #expect(files == 28)
        }
        let report = try Checker(repository: try Repository.open(backend: store.backend, password: password)).run(readData: .all)
        #expect(report.errors.isEmpty, "\(report.errors)")
        #expect(report.warnings.isEmpty, "\(report.warnings)")
        #expect(report.snapshots == 2)
        #expect(report.damagedBlobs.isEmpty)
    }
}
