import AmberCore
import AmberRepository
import AmberSnapshot
import AmberStorage
import Testing
import AmberTesting

@Suite("Tamper detection and check")
struct TamperTests {
    /// Offsets inside the blob's envelope: nonce, first ciphertext byte, middle, last tag byte.
    static func positions(_ entry: PackEntry) -> [Int] {
        let start = Int(entry.offset), length = Int(entry.length)
        return [start, start + 12, start + length / 2, start + length - 1]
    }

    @Test(arguments: BackendKind.allCases)
    func flippedPackByteMakesTheBlobDamaged(kind: BackendKind) throws {
        let store = try TestStore(kind)
        let repository = try initRepository(store.backend)
        let (blob, _) = try backupOneFile(repository, data: randomBytes(10_000))
        let location = try #require(try reopen(store.backend).index.lookup(blob))
        let handle = FileHandle(.data, location.pack.hex)
        for offset in Self.positions(location.entry) {
            let original = try store.flip(handle, at: offset)
            let fresh = try reopen(store.backend)
            let error = #expect(throws: RepositoryError.self, "flip at \(offset)") { try fresh.loadBlob(blob) }
            #expect(error?.code == .damaged, "flip at \(offset)")
            try store.overwrite(handle, original)
            #expect(try fresh.loadBlob(blob).count == 10_000)
        }
    }

    @Test(arguments: BackendKind.allCases)
    func corruptedLoadViaFaultyBackendIsDamaged(kind: BackendKind) throws {
        let store = try TestStore(kind)
        let faulty = FaultyBackend(base: store.backend)
        let repository = try initRepository(faulty)
        let ids = try storeBlobs(repository, [(.data, randomBytes(4096))])
        let fresh = try reopen(faulty)
        faulty.corruptNextLoads(1)
        let error = #expect(throws: RepositoryError.self) { try fresh.loadBlob(ids[0]) }
        #expect(error?.code == .damaged)
        #expect(try fresh.loadBlob(ids[0]).count == 4096)
    }

    @Test(arguments: BackendKind.allCases)
    func checkReadDataReportsDamageAndTheAffectedPath(kind: BackendKind) throws {
        let store = try TestStore(kind)
        let repository = try initRepository(store.backend)
        let (blob, snapshot) = try backupOneFile(repository, data: randomBytes(10_000))
        let location = try #require(try reopen(store.backend).index.lookup(blob))
        try store.flip(FileHandle(.data, location.pack.hex), at: Int(location.entry.offset) + 100)

        let report = try Checker(repository: try Repository.open(backend: store.backend, password: password)).run(readData: .all)
        #expect(!report.isClean)
        #expect(report.damagedBlobs == [blob])
        #expect(affected(report) == ["\(snapshot.hex) /docs/report.txt"])
        #expect(report.errors.contains { $0.contains(location.pack.shortHex) && $0.contains("do not match its name") })
        #expect(report.errors.contains { $0.contains(blob.shortHex) })
        #expect(report.packsRead == 2)

        // Structure only does not read the blob area, so it cannot see this damage.
        let structure = try Checker(repository: try Repository.open(backend: store.backend, password: password)).run(readData: .none)
        #expect(structure.isClean)
        #expect(structure.packsRead == 0)
    }

    /// A pack whose blobs and header cover every byte has no SHA-256 taken when it is intact;
    /// yet a flip of any one of its bytes (blob, header, salt, header length, version, key
    /// generation, reserved, magic) is found, and the pack is named as damaged, as when every pack is hashed.
    @Test func everyByteOfACoveredPackIsVerified() throws {
        let store = try TestStore(.memory)
        let repository = try initRepository(store.backend)
        let ids = try storeBlobs(repository, [(.data, randomBytes(300)), (.data, randomBytes(40)), (.data, Array(repeating: 7, count: 500))])
        let location = try #require(try reopen(store.backend).index.lookup(ids[0]))
        let handle = FileHandle(.data, location.pack.hex)
        let original = try store.backend.load(handle)
        let entries = try reopen(store.backend).index.allBlobs.values.filter { $0.pack == location.pack }.map(\.entry)
        #expect(entries.count == 3)
        #expect(Pack.isCovered(original, by: entries))
        #expect(!Pack.isCovered(original, by: Array(entries.dropLast())), "a blob the index does not list")
        var reserved = original
        reserved[reserved.count - Pack.trailerCount + 39] = 1
        #expect(!Pack.isCovered(reserved, by: entries))
        #expect(try Checker(repository: reopen(store.backend)).run(readData: .all).isClean)

        for offset in original.indices {
            try store.flip(handle, at: offset)
            let report = try Checker(repository: reopen(store.backend)).run(readData: .all)
            #expect(!report.isClean, "flip at \(offset) of \(original.count)")
            #expect(report.errors.contains { $0.contains(location.pack.shortHex) && $0.contains("do not match its name") },
                    "flip at \(offset) of \(original.count)")
            try store.overwrite(handle, original)
        }
    }

    /// `check --read-data` on a local repository hashes the packs while the key is derived and
    /// takes their digests from there: the findings are the same as hashing while reading.
    @Test(arguments: BackendKind.allCases)
    func packsHashedAheadGiveTheSameFindings(kind: BackendKind) throws {
        let store = try TestStore(kind)
        let repository = try initRepository(store.backend)
        let (blob, _) = try backupOneFile(repository, data: randomBytes(10_000))
        _ = try backupOneFile(repository, data: randomBytes(20_000))
        let location = try #require(try reopen(store.backend).index.lookup(blob))
        try store.flip(FileHandle(.data, location.pack.hex), at: Int(location.entry.offset) + 100)

        let digests = PackDigests.start(store.backend)
        #expect((digests != nil) == (kind == .local), "only a local repository is read twice")
        digests?.wait()
        if let digests { #expect(digests.count == (try store.backend.list(.data).count)) }
        let ahead = try Checker(repository: try Repository.open(backend: store.backend, password: password)).run(readData: .all, digests: digests)
        let plain = try Checker(repository: try Repository.open(backend: store.backend, password: password)).run(readData: .all)
        #expect(ahead.errors == plain.errors)
        #expect(ahead.damagedBlobs == [blob])
        #expect(ahead.errors.contains { $0.contains(location.pack.shortHex) && $0.contains("do not match its name") })
        #expect(ahead.packsRead == plain.packsRead)
        #expect(ahead.blobsRead == plain.blobsRead)
    }

    @Test(arguments: BackendKind.allCases)
    func intactRepositoryChecksClean(kind: BackendKind) throws {
        let store = try TestStore(kind)
        let repository = try initRepository(store.backend)
        _ = try backupOneFile(repository, data: randomBytes(10_000))
        for selection in [ReadDataSelection.none, .all] {
            let report = try Checker(repository: try Repository.open(backend: store.backend, password: password)).run(readData: selection)
            #expect(report.errors.isEmpty, "\(selection): \(report.errors)")
            #expect(report.warnings.isEmpty)
            #expect(report.damagedBlobs.isEmpty)
            #expect(report.snapshots == 1)
            #expect(report.trees == 2)
            #expect(report.packs == 2)
            #expect(report.blobsRead == (selection == .all ? 3 : 0))
        }
    }

    @Test(arguments: BackendKind.allCases)
    func deletedPackIsReportedMissing(kind: BackendKind) throws {
        let store = try TestStore(kind)
        let repository = try initRepository(store.backend)
        let (blob, snapshot) = try backupOneFile(repository, data: randomBytes(10_000))
        let location = try #require(try reopen(store.backend).index.lookup(blob))
        try store.backend.remove(FileHandle(.data, location.pack.hex))

        let fresh = try reopen(store.backend)
        let error = #expect(throws: RepositoryError.self) { try fresh.loadBlob(blob) }
        #expect(error?.code == .storage)
        let report = try Checker(repository: try Repository.open(backend: store.backend, password: password)).run(readData: .none)
        #expect(report.errors.contains { $0.contains("pack \(location.pack.shortHex) is missing") }, "\(report.errors)")
        #expect(report.damagedBlobs.contains(blob))
        #expect(affected(report).contains("\(snapshot.hex) /docs/report.txt"))
    }

    @Test(arguments: BackendKind.allCases)
    func damagedSnapshotFileIsNamed(kind: BackendKind) throws {
        let store = try TestStore(kind)
        let repository = try initRepository(store.backend)
        let (_, snapshot) = try backupOneFile(repository, data: randomBytes(1000))
        let handle = FileHandle(.snapshots, snapshot.hex)
        let size = try store.backend.size(handle)
        for offset in [0, 5, 20, size / 2, size - 1] {
            let original = try store.flip(handle, at: offset)
            let fresh = try reopen(store.backend)
            let error = #expect(throws: RepositoryError.self) { try fresh.loadSnapshot(snapshot) }
            #expect(error?.code == .damaged)
            let report = try Checker(repository: fresh).run(readData: .none)
            #expect(report.errors.count == 1)
            #expect(report.errors.first?.contains("snapshot \(snapshot.shortHex)") == true, "\(report.errors)")
            try store.overwrite(handle, original)
        }
    }

    @Test(arguments: BackendKind.allCases)
    func damagedTreeAffectsItsDirectory(kind: BackendKind) throws {
        let store = try TestStore(kind)
        let repository = try initRepository(store.backend)
        let (blob, snapshot) = try backupOneFile(repository, data: randomBytes(1000))
        let fresh = try reopen(store.backend)
        let dataPack = try #require(fresh.index.lookup(blob)).pack
        let treePack = try #require(fresh.index.packs.keys.first { $0 != dataPack })
        let root = try #require(fresh.loadSnapshot(snapshot).treeID)
        let sub = try #require(fresh.loadTree(root).node(named: Array("docs".utf8))?.subtree)
        let entry = try #require(fresh.index.lookup(sub)).entry
        try store.flip(FileHandle(.data, treePack.hex), at: Int(entry.offset) + 20)

        let report = try Checker(repository: try Repository.open(backend: store.backend, password: password)).run(readData: .none)
        #expect(report.damagedBlobs == [sub])
        #expect(affected(report) == ["\(snapshot.hex) /docs/"])
    }
}
