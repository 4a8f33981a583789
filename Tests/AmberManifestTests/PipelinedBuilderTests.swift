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
