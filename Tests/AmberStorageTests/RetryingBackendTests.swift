import Testing
import AmberStorage
import AmberTesting

@Suite("RetryingBackend")
struct RetryingBackendTests {
    let faulty = FaultyBackend(base: MemoryBackend())
    let handle = FileHandle(.index, "abcd")

    @Test func recoversFromThreeTransientSaveFailures() throws {
        faulty.failNextSaves(3, with: .transient)
        let backend = RetryingBackend(base: faulty, attempts: 5, initialDelay: 0.001)
        try backend.save(handle, [1, 2, 3])
        #expect(faulty.calls(.save) == 4)
        #expect(try faulty.base.load(handle) == [1, 2, 3])
    }

    @Test func recoversFromThreeTransientLoadFailures() throws {
        try faulty.save(handle, [9])
        faulty.failNextLoads(3, with: .transient)
        let backend = RetryingBackend(base: faulty, initialDelay: 0.001)
        #expect(try backend.load(handle) == [9])
        #expect(faulty.calls(.load) == 4)
    }

    @Test func backsOffExponentially() throws {
        faulty.failNext(.list, count: 3, with: .transient)
        let backend = RetryingBackend(base: faulty, attempts: 4, initialDelay: 0.01)
        let elapsed = try ContinuousClock().measure { _ = try backend.list(.index) }
        #expect(elapsed >= .milliseconds(70))  // 10 + 20 + 40 ms
        #expect(faulty.calls(.list) == 4)
    }

    @Test func givesUpAfterAttempts() {
        faulty.failNextSaves(10, with: .transient)
        let backend = RetryingBackend(base: faulty, attempts: 5, initialDelay: 0.001)
        #expect(backendErrorCode { try backend.save(handle, [1]) } == .transient)
        #expect(faulty.calls(.save) == 5)
    }

    @Test func doesNotRetryNotFound() {
        let backend = RetryingBackend(base: faulty, initialDelay: 0.001)
        #expect(backendErrorCode { try backend.load(handle) } == .notFound)
        #expect(backendErrorCode { try backend.size(handle) } == .notFound)
        #expect(faulty.calls(.load) == 1)
        #expect(faulty.calls(.size) == 1)
    }

    @Test func doesNotRetryPermanent() {
        faulty.failNextSaves(3, with: .permanent)
        let backend = RetryingBackend(base: faulty, initialDelay: 0.001)
        #expect(backendErrorCode { try backend.save(handle, [1]) } == .permanent)
        #expect(faulty.calls(.save) == 1)
    }

    @Test func clampsNonsenseSettings() throws {
        let backend = RetryingBackend(base: faulty, attempts: -3, initialDelay: -.infinity)
        #expect(backend.attempts == 1)
        #expect(backend.initialDelay == 0)
        faulty.failNextSaves(1, with: .transient)
        #expect(backendErrorCode { try backend.save(handle, [1]) } == .transient)
    }

    @Test func passesConformance() throws {
        try checkBackendConformance(RetryingBackend(base: MemoryBackend()))
    }
}
