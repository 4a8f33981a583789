import AmberCore
@testable import AmberManifest
@testable import AmberRepository
import Testing

/// A builder fed from another thread builds the same manifest, and reports its errors.
@Suite("Pipelined builder")
struct PipelinedBuilderTests {
    @Test(arguments: [0, 1, 5_000, 30_000])
    func buildsTheSameRootAsTheBuilderItself(count: Int) throws {
        let repository = makeRepository()
        let sorted = entries(makeEntries(count, seed: 3)).sorted { $0.key.lexicographicallyPrecedes($1.key) }
        let direct = try build(repository, sorted)
        let writer = BlobWriter(repository: repository)
        let pipelined = PipelinedBuilder(ManifestBuilder(repository: repository, writer: writer))
        for (key, value) in sorted { try pipelined.append(key: key, value: value) }
        let root = try pipelined.finish()
        _ = try writer.finish()
        #expect(root == direct)
    }

    /// Leaf boundaries hashed on the producer's thread (``LeafHasher``, the builder's or the
    /// repository's) cut the same canonical tree and the same packed base as the builder's own
    /// hashing, also when entries arrive in whole batches, some hashed and some not (rows read
    /// ahead before the repository was unlocked).
    @Test(arguments: [1, 5_000, 30_000])
    func leavesHashedByTheProducerCutTheSameTrees(count: Int) throws {
        let repository = makeRepository()
        let sorted = entries(makeEntries(count, seed: 5)).sorted { $0.key.lexicographicallyPrecedes($1.key) }
        var manifests = [CollectionManifest]()
        for mode in 0..<3 {
            let writer = BlobWriter(repository: repository)
            let pipelined = PipelinedBuilder(try CollectionBuilder(repository: repository, writer: writer, parent: nil),
                                             hashesLeaves: mode == 1)
            if mode == 2 {
                let hasher = LeafHasher(repository: repository)
                var batch = [PipelinedBuilder<CollectionBuilder>.Entry]()
                for (i, (key, value)) in sorted.enumerated() {
                    batch.append((key, value, i < count / 3 ? nil : hasher.hash(key)))
                    if batch.count == 700 { try pipelined.append(entries: batch); batch = [] }
                }
                try pipelined.append(entries: batch)
            } else {
                for (key, value) in sorted { try pipelined.append(key: key, value: value) }
            }
            manifests.append(try pipelined.finish())
            _ = try writer.finish()
        }
        #expect(manifests[0] == manifests[1] && manifests[0] == manifests[2])
        #expect(manifests[0].canonical == (try build(repository, sorted)))
        if count > 1_000 { #expect(manifests[0].canonical.height > 1) }
    }

    @Test func keysOutOfOrderFailTheAppendOrTheFinish() throws {
        let repository = makeRepository()
        let pipelined = PipelinedBuilder(ManifestBuilder(repository: repository, writer: BlobWriter(repository: repository)))
        #expect(throws: ManifestError.self) {
            for i in 0..<20_000 { try pipelined.append(key: key(i == 10_000 ? 3 : i), value: [1]) }
            _ = try pipelined.finish()
        }
        pipelined.cancel()  // after a failed append, as buildManifest does; harmless after finish
    }

    @Test func cancelStopsTheBuilder() throws {
        let repository = makeRepository()
        let pipelined = PipelinedBuilder(ManifestBuilder(repository: repository, writer: BlobWriter(repository: repository)))
        for i in 0..<5_000 { try pipelined.append(key: key(i), value: [1, 2, 3]) }
        pipelined.cancel()  // returns once the builder's thread has stopped
    }
}
