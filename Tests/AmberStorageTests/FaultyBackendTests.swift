import Testing
import AmberStorage
import AmberTesting

@Suite("FaultyBackend")
struct FaultyBackendTests {
    let faulty = FaultyBackend(base: MemoryBackend())
    let handle = FileHandle(.keys, "k1")

    @Test func failuresCountDownAndWriteNothing() throws {
        faulty.failNextSaves(2, with: .transient)
        #expect(backendErrorCode { try faulty.save(handle, [1]) } == .transient)
        #expect(backendErrorCode { try faulty.save(handle, [1]) } == .transient)
        #expect(try faulty.base.exists(handle) == false)
        try faulty.save(handle, [1])
        #expect(try faulty.load(handle) == [1])
        #expect(faulty.calls(.save) == 3)
    }

    @Test func crashBeforeRenameWritesNothing() throws {
        faulty.crashNextSavesBeforeRename()
        let error = #expect(throws: BackendError.self) { try faulty.save(handle, [1, 2]) }
        #expect(error?.code == .permanent)
        #expect(error?.message == "simulated crash before rename")
        #expect(try faulty.list(.keys).isEmpty)
    }

    @Test func failureAfterWritingStoresTheFile() throws {
        faulty.failNextSavesAfterWriting(1, with: .transient)
        #expect(backendErrorCode { try faulty.save(handle, [7]) } == .transient)
        #expect(try faulty.load(handle) == [7])
    }

    @Test func corruptsLoadedBytes() throws {
        let bytes: [UInt8] = [0, 1, 2, 3, 4, 5]
        try faulty.save(handle, bytes)
        faulty.corruptNextLoads()
        #expect(try faulty.load(handle) == [0, 1, 2, 0xfc, 4, 5])
        faulty.corruptNextLoads(1, atOffset: 0)
        #expect(try faulty.load(handle, offset: 2, length: 2) == [0xfd, 3])
        #expect(try faulty.load(handle) == bytes, "only the requested number of loads is corrupted")
        #expect(try faulty.base.load(handle) == bytes, "stored bytes are untouched")
    }

    @Test func otherOperationsAndReset() throws {
        faulty.failNext(.list, count: 1, with: .permanent)
        faulty.failNext(.size, count: 1, with: .notFound)
        faulty.failNext(.remove, count: 1, with: .transient)
        faulty.failNext(.create, count: 1, with: .permanent)
        #expect(backendErrorCode { try faulty.list(.keys) } == .permanent)
        #expect(backendErrorCode { try faulty.size(handle) } == .notFound)
        #expect(backendErrorCode { try faulty.remove(handle) } == .transient)
        #expect(backendErrorCode { try faulty.create() } == .permanent)
        faulty.failNextLoads(5, with: .transient)
        faulty.reset()
        #expect(faulty.calls(.list) == 0)
        #expect(backendErrorCode { try faulty.load(handle) } == .notFound)
    }

    @Test func passesConformance() throws {
        try checkBackendConformance(FaultyBackend(base: MemoryBackend()))
    }
}
