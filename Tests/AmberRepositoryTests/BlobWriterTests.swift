import AmberCore
import AmberCrypto
import AmberRepository
import AmberSnapshot
import AmberStorage
import Testing

@Suite("BlobWriter round trips, dedup and packing")
struct BlobWriterTests {
    static let sizes = [0, 1, 100 << 10, 3 << 20]

    static func content(_ size: Int) -> [UInt8] {
        // The 100 KiB case is compressible text; the others random.
        if size == 100 << 10 {
            let line = Array("the quick brown fox jumps over the lazy dog 0123456789\n".utf8)
            return Array((0..<(size / line.count + 1)).flatMap { _ in line }.prefix(size))
        }
        return randomBytes(size)
    }

    @Test(arguments: BackendKind.allCases, sizes)
    func blobRoundTrip(kind: BackendKind, size: Int) throws {
        let store = try TestStore(kind)
        let repository = try initRepository(store.backend)
        let data = Self.content(size)
        // The same bytes as a tree would share the id, so the tree gets a distinct last byte.
        let tree = data + [0x7e]
        let ids = try storeBlobs(repository, [(.data, data), (.tree, tree)])

        let fresh = try Repository.open(backend: store.backend, password: password)
        #expect(fresh.index.blobCount == 0)
        #expect(try fresh.loadIndex() == 1)
        #expect(fresh.index.blobCount == 2)
        #expect(try fresh.loadBlob(ids[0]) == data)
        #expect(try fresh.loadBlob(ids[0], type: .data) == data)
        #expect(try fresh.loadBlob(ids[1], type: .tree) == tree)
        let location = try #require(fresh.index.lookup(ids[0]))
        #expect(location.entry.rawLength == UInt32(size))
        #expect(location.entry.type == .data)
        let wrongType = #expect(throws: RepositoryError.self) { try fresh.loadBlob(ids[0], type: .tree) }
        #expect(wrongType?.code == .damaged)
        if size == 100 << 10 {
            #expect(location.entry.length < UInt32(size / 4), "compressible blob should be stored compressed")
        }
        if size == 3 << 20 {
            #expect(location.entry.length >= UInt32(size), "random blob cannot shrink")
        }
    }

    @Test(arguments: BackendKind.allCases)
    func unknownBlobIsMissing(kind: BackendKind) throws {
        let store = try TestStore(kind)
        let repository = try initRepository(store.backend)
        let error = #expect(throws: RepositoryError.self) { try repository.loadBlob(blobID(repository, [1, 2, 3])) }
        #expect(error?.code == .missingBlob)
    }

    @Test(arguments: BackendKind.allCases)
    func sameIDTwiceIsStoredOnce(kind: BackendKind) throws {
        let store = try TestStore(kind)
        let repository = try initRepository(store.backend)
        let writer = BlobWriter(repository: repository)
        let data = randomBytes(10_000)
        let id = blobID(repository, data)
        #expect(!writer.has(id))
        #expect(try writer.add(.data, id: id, plaintext: data))
        #expect(writer.has(id))
        #expect(try !writer.add(.data, id: id, plaintext: data))
        let stats = try writer.finish()
        #expect(stats.blobs == 1)
        #expect(stats.rawBytes == 10_000)
        #expect(stats.packs == 1)
        #expect(stats.indexFiles == 1)
        #expect(try store.backend.list(.data).count == 1)
        let fresh = try reopen(store.backend)
        #expect(fresh.index.blobCount == 1)
        #expect(fresh.index.packs.values.reduce(0, +) == 1)
    }

    @Test(arguments: BackendKind.allCases)
    func secondWriterOnReopenedRepositoryAddsNothingKnown(kind: BackendKind) throws {
        let store = try TestStore(kind)
        let repository = try initRepository(store.backend)
        let blobs = (0..<8).map { _ in randomBytes(5_000) }
        let ids = try storeBlobs(repository, blobs.map { (.data, $0) })
        let before = try store.backend.list(.data).count + store.backend.list(.index).count

        let fresh = try reopen(store.backend)
        let writer = BlobWriter(repository: fresh)
        for (id, data) in zip(ids, blobs) {
            #expect(writer.has(id))
            #expect(try !writer.add(.data, id: id, plaintext: data))
        }
        #expect(try writer.finish() == WriteStatistics())
        #expect(try store.backend.list(.data).count + store.backend.list(.index).count == before)
    }

    @Test(arguments: BackendKind.allCases)
    func packsSplitAtPackSizeAndNeverMixTypes(kind: BackendKind) throws {
        let store = try TestStore(kind)
        let config = RepositoryConfig.smallPacks()
        let repository = try initRepository(store.backend, config: config)
        let data = (0..<5).map { _ in randomBytes(400 << 10) }
        let trees = (0..<3).map { _ in randomBytes(300 << 10) }
        let writer = BlobWriter(repository: repository)
        var types = [BlobID: BlobType]()
        for (type, blobs) in [(BlobType.data, data), (.tree, trees)] {
            for blob in blobs {
                let id = blobID(repository, blob, type)
                types[id] = type
                try writer.add(type, id: id, plaintext: blob)
            }
        }
        let stats = try writer.finish()
        // 5 × 400 KiB data: closed after the third (≥ 1 MiB), then 2; 3 × 300 KiB trees: one pack.
        #expect(stats.packs == 3)
        #expect(stats.blobs == 8)

        let fresh = try reopen(store.backend)
        let packs = try store.backend.list(.data)
        #expect(packs.count == 3)
        var seen = Set<BlobID>()
        for (name, size) in packs {
            let pack = try #require(BlobID(hex: name))
            let entries = try packHeader(fresh, pack)
            #expect(Set(entries.map(\.type)).count == 1, "pack \(name.prefix(8)) mixes blob types")
            for entry in entries {
                #expect(types[entry.id] == entry.type)
                #expect(fresh.index.lookup(entry.id)?.pack == pack)
                #expect(fresh.index.lookup(entry.id)?.entry == entry)
                seen.insert(entry.id)
            }
            // A pack is closed as soon as it reaches packSize: at most one blob over.
            #expect(size < Int(config.packSize) + (400 << 10) + 4096)
        }
        #expect(seen == Set(types.keys))
        for blob in data { #expect(try fresh.loadBlob(blobID(fresh, blob)) == blob) }
        for blob in trees { #expect(try fresh.loadBlob(blobID(fresh, blob, .tree)) == blob) }
    }
}
