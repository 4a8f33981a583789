import AmberCore
@testable import AmberManifest
@testable import AmberRepository
import AmberStorage
import Testing
import AmberTesting

/// `ManifestReader.scan` reads manifests of more than one node ahead on another thread: it must
/// yield exactly the cursor's entries, stop when asked, start where asked, and report damage.
@Suite("Read-ahead scans")
struct PrefetchTests {
    @Test(arguments: [1, 2_000, 30_000])
    func scanYieldsTheCursorsEntries(count: Int) throws {
        let repository = makeRepository()
        let map = makeEntries(count, seed: 7)
        let reader = ManifestReader(repository: repository, root: try build(repository, entries(map)))
        var scanned = Entries()
        try reader.scan { key, value in
            scanned.append((key, value))
            return true
        }
        let expected = try readAll(reader).map { ($0.key, try reader.loader.resolve($0.value)) }
        #expect(scanned.map(\.key) == expected.map(\.0))
        #expect(scanned.map(\.value) == expected.map(\.1))
        #expect(scanned.count == count)
    }

    @Test func scanStopsWhenAskedAndStartsWhereAsked() throws {
        let repository = makeRepository()
        let reader = ManifestReader(repository: repository, root: try build(repository, entries(makeEntries(30_000))))
        #expect(reader.root.height > 1)
        var calls = 0
        try reader.scan { _, _ in
            calls += 1
            return calls < 1_500  // past the first batch
        }
        #expect(calls == 1_500)
        var keys = [[UInt8]]()
        try reader.scan(from: key(12_345)) { k, _ in
            keys.append(k)
            return keys.count < 3
        }
        #expect(keys == [key(12_345), key(12_346), key(12_347)])
    }

    @Test func scanRethrowsWhatTheBodyThrowsAndWhatALoadFinds() throws {
        let backend = MemoryBackend()
        let repository = Repository(backend: backend, config: .makeDefault(), keys: MasterKeys(master: testMaster))
        let reader = ManifestReader(repository: repository, root: try build(repository, entries(makeEntries(30_000))))
        #expect(throws: ManifestError.self) {
            try reader.scan { k, _ throws(ManifestError) -> Bool in
                if k == key(20_000) { throw ManifestError(.invalidArgument, "stop here") }
                return true
            }
        }
        // Remove every pack: the read-ahead thread's first load fails, and the scan says so.
        for (name, _) in try backend.list(.data) { try backend.remove(FileHandle(.data, name)) }
        var calls = 0
        #expect(throws: ManifestError.self) {
            try reader.scan { _, _ in
                calls += 1
                return true
            }
        }
        #expect(calls == 0)
    }
}
