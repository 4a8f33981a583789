import AmberCore
@testable import AmberRepository
import AmberStorage
import Testing

@Suite("Sealed files and blob envelopes")
struct SealerTests {
    static let types: [RepositoryFileType] = [.config, .index, .snapshot, .lock]

    @Test(arguments: BackendKind.allCases)
    func sealFileRoundTripsEveryType(kind: BackendKind) throws {
        let store = try TestStore(kind)
        let repository = try initRepository(store.backend)
        for type in Self.types {
            for payload in [[], [0x42], randomBytes(1000), [UInt8](repeating: 7, count: 50_000)] {
                let sealed = try repository.withSealer { sealer throws(RepositoryError) in try sealer.sealFile(type, payload: payload) }
                #expect(Array(sealed.prefix(4)) == Array("AMBR".utf8))
                #expect(sealed[4] == type.rawValue)
                let opened = try repository.withSealer { sealer throws(RepositoryError) in try sealer.openFile(type, sealed, what: "t") }
                #expect(opened == payload)
            }
        }
        // Through the backend, with the name check.
        let (name, size) = try repository.saveFile(.snapshot, kind: .snapshots, payload: Array("hello".utf8))
        #expect(try store.backend.size(FileHandle(.snapshots, name)) == size)
        #expect(try repository.loadFile(.snapshot, FileHandle(.snapshots, name)) == Array("hello".utf8))
        let wrongType = #expect(throws: RepositoryError.self) { try repository.loadFile(.index, FileHandle(.snapshots, name)) }
        #expect(wrongType?.code == .damaged)
    }

    @Test(arguments: BackendKind.allCases)
    func wrongTypeIsDamaged(kind: BackendKind) throws {
        let store = try TestStore(kind)
        let repository = try initRepository(store.backend)
        try repository.withSealer { sealer throws(RepositoryError) in
            let sealed = try sealer.sealFile(.snapshot, payload: Array("payload".utf8))
            for other in Self.types where other != .snapshot {
                let error = #expect(throws: RepositoryError.self) { try sealer.openFile(other, sealed, what: "f") }
                #expect(error?.code == .damaged)
            }
        }
    }

    @Test(arguments: BackendKind.allCases)
    func everySingleFlippedByteIsDamaged(kind: BackendKind) throws {
        let store = try TestStore(kind)
        let repository = try initRepository(store.backend)
        try repository.withSealer { sealer throws(RepositoryError) in
            let sealed = try sealer.sealFile(.index, payload: Array("a small sealed payload, 40 bytes or so..".utf8))
            for i in sealed.indices {
                var bad = sealed
                bad[i] ^= 0x01
                let error = #expect(throws: RepositoryError.self, "flip at \(i)") { try sealer.openFile(.index, bad, what: "f") }
                #expect(error?.code == .damaged)
            }
            // Truncations and extensions too.
            for cut in [1, 16, 29, sealed.count - 40, sealed.count] {
                let error = #expect(throws: RepositoryError.self) { try sealer.openFile(.index, Array(sealed.dropLast(cut)), what: "f") }
                #expect(error?.code == .damaged)
            }
            let error = #expect(throws: RepositoryError.self) { try sealer.openFile(.index, sealed + [0], what: "f") }
            #expect(error?.code == .damaged)
        }
    }

    @Test(arguments: BackendKind.allCases)
    func samePlaintextSealsDifferentlyAsAFile(kind: BackendKind) throws {
        let store = try TestStore(kind)
        let repository = try initRepository(store.backend)
        let payload = Array("same plaintext".utf8)
        let a = try repository.withSealer { sealer throws(RepositoryError) in try sealer.sealFile(.snapshot, payload: payload) }
        let b = try repository.withSealer { sealer throws(RepositoryError) in try sealer.sealFile(.snapshot, payload: payload) }
        #expect(a != b)
        #expect(a[8..<40] != b[8..<40], "the salts differ")
        #expect(a.count == b.count)
    }

    @Test(arguments: BackendKind.allCases)
    func blobEnvelopeIsDeterministic(kind: BackendKind) throws {
        let store = try TestStore(kind)
        let repository = try initRepository(store.backend)
        for plaintext in [[], randomBytes(1000), [UInt8](repeating: 1, count: 10_000)] {
            let id = blobID(repository, plaintext)
            let seal = { () throws(RepositoryError) -> [UInt8] in
                try repository.withSealer { sealer throws(RepositoryError) in
                    try sealer.seal(plaintext, key: sealer.blobKey(.data, id), aad: Repository.blobAAD(.data, id))
                }
            }
            let first = try seal()
            let second = try seal()
            #expect(first == second, "synthetic nonce: same blob, same envelope")
            // The pack holds exactly this envelope.
            let writer = BlobWriter(repository: repository)
            try writer.add(.data, id: id, plaintext: plaintext)
            _ = try writer.finish()
            let location = try #require(repository.index.lookup(id))
            let stored = try store.backend.load(FileHandle(.data, location.pack.hex),
                                                offset: Int(location.entry.offset), length: Int(location.entry.length))
            #expect(stored == first)
            // A different type or id gives a different envelope.
            let asTree = try repository.withSealer { sealer throws(RepositoryError) in
                try sealer.seal(plaintext, key: sealer.blobKey(.tree, id), aad: Repository.blobAAD(.tree, id))
            }
            #expect(asTree != first)
        }
    }

    @Test(arguments: BackendKind.allCases)
    func envelopeOpenedWithAnotherIDFails(kind: BackendKind) throws {
        let store = try TestStore(kind)
        let repository = try initRepository(store.backend)
        let plaintext = randomBytes(100)
        let id = blobID(repository, plaintext)
        let other = blobID(repository, [1])
        try repository.withSealer { sealer throws(RepositoryError) in
            let envelope = try sealer.seal(plaintext, key: sealer.blobKey(.data, id), aad: Repository.blobAAD(.data, id))
            #expect(try sealer.open(envelope[...], key: sealer.blobKey(.data, id), aad: Repository.blobAAD(.data, id), what: "b") == plaintext)
            let error = #expect(throws: RepositoryError.self) {
                try sealer.open(envelope[...], key: sealer.blobKey(.data, other), aad: Repository.blobAAD(.data, other), what: "b")
            }
            #expect(error?.code == .damaged)
            let wrongCount = #expect(throws: RepositoryError.self) {
                try sealer.open(envelope[...], key: sealer.blobKey(.data, id), aad: Repository.blobAAD(.data, id), what: "b", expectedCount: 99)
            }
            #expect(wrongCount?.code == .damaged)
        }
    }
}
