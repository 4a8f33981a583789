import AmberCrypto
import Testing

struct SecureRandomTests {
    @Test(arguments: [0, 1, 32, 100_000])
    func returnsTheRequestedCount(count: Int) {
        #expect(SecureRandom.bytes(count).count == count)
    }

    @Test func isNotConstant() {
        let a = SecureRandom.bytes(32), b = SecureRandom.bytes(32)
        #expect(a != b)
        #expect(a != repeated(0, 32))
    }
}
