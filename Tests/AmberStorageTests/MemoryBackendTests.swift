import Testing
import AmberStorage
import AmberTesting

@Suite("MemoryBackend")
struct MemoryBackendTests {
    @Test func conformance() throws {
        let backend = MemoryBackend()
        #expect(backend.location == "memory")
        try checkBackendConformance(backend)
    }

    /// The config file has one name, whatever name its handle carries.
    @Test func configHasOneName() throws {
        let backend = MemoryBackend()
        try backend.save(FileHandle(.config, "other"), [1])
        #expect(try backend.load(.config) == [1])
        #expect(try backend.list(.config).map(\.name) == ["config"])
    }
}
