import AmberChunking
import AmberCore
import AmberRepository
import AmberStorage
import Testing

@Suite("Repository config")
struct ConfigTests {
    @Test func roundTrip() throws {
        var config = RepositoryConfig.makeDefault()
        config.compressionLevel = -5
        config.packSize = 64 << 20
        config.chunkerParameters = ChunkerParameters(minimum: 1 << 10, normal: 4 << 10, maximum: 64 << 10, normalization: 1)
        let bytes = config.encoded()
        #expect(bytes.count == 56)  // docs/format.md §8
        #expect(try RepositoryConfig(decoding: bytes) == config)
        #expect(try RepositoryConfig(decoding: RepositoryConfig.makeDefault().encoded()) != config)
        var plain = RepositoryConfig.makeDefault()
        plain.compression = Algorithm.compressionNone
        #expect(try RepositoryConfig(decoding: plain.encoded()) == plain)
    }

    /// Offsets: version 0–1, id 2–33, idAlgorithm 34, cipher 35, compression 36, level 37, chunker 38.
    @Test(arguments: [(34, UInt8(2)), (34, 0), (35, 2), (35, 0), (36, 2), (36, 0xff), (38, 0), (38, 2)])
    func unknownAlgorithmIsRefused(offset: Int, value: UInt8) {
        var bytes = RepositoryConfig.makeDefault().encoded()
        bytes[offset] = value
        let error = #expect(throws: RepositoryError.self) { try RepositoryConfig(decoding: bytes) }
        #expect(error?.code == .damaged)
    }

    @Test func badVersionSizesAndParametersAreRefused() {
        let good = RepositoryConfig.makeDefault()
        var cases = [[UInt8]]()
        var version = good.encoded(); version[0] = 2; cases.append(version)
        cases.append(Array(good.encoded().dropLast()))
        cases.append(good.encoded() + [0])
        cases.append([])
        for packSize: UInt32 in [0, (1 << 20) - 1, (1 << 30) + 1] {
            var c = good; c.packSize = packSize; cases.append(c.encoded())
        }
        var chunker = good; chunker.chunkerParameters = ChunkerParameters(minimum: 4096, normal: 3000, maximum: 8192)
        cases.append(chunker.encoded())
        for bytes in cases {
            let error = #expect(throws: RepositoryError.self) { try RepositoryConfig(decoding: bytes) }
            #expect(error?.code == .damaged)
        }
        var edge = good; edge.packSize = 1 << 20
        #expect(throws: Never.self) { try RepositoryConfig(decoding: edge.encoded()) }
        edge.packSize = 1 << 30
        #expect(throws: Never.self) { try RepositoryConfig(decoding: edge.encoded()) }
    }

    @Test(arguments: BackendKind.allCases)
    func configIsSealedAndOpensWithTheRepository(kind: BackendKind) throws {
        let store = try TestStore(kind)
        let config = RepositoryConfig.smallPacks()
        _ = try initRepository(store.backend, config: config)
        let raw = try store.backend.load(.config)
        #expect(!contains(raw, config.repositoryID.bytes))
        #expect(try reopen(store.backend).config == config)
        // A flipped byte in the config and in its copy makes open fail as damaged, not as a
        // wrong password; with the copy whole, the copy is read and the damage noted.
        var bad = raw
        bad[raw.count - 3] ^= 1
        try store.overwrite(.config, bad)
        let viaCopy = try Repository.open(backend: store.backend, password: password)
        #expect(viaCopy.config == config && viaCopy.copyNotes.count == 1)
        try store.overwrite(AmberStorage.FileHandle(.copies, "config"), bad)
        let error = #expect(throws: RepositoryError.self) { try Repository.open(backend: store.backend, password: password) }
        #expect(error?.code == .damaged)
    }
}
