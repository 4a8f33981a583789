import AmberCore
import AmberCrypto
import Testing

struct HMACSHA256Tests {
    /// RFC 4231 test cases 1, 2, 3, 4, 6 and 7 (case 5 truncates the output).
    static let vectors: [(name: String, key: [UInt8], data: [UInt8], mac: String)] = [
        ("1", repeated(0x0b, 20), Array("Hi There".utf8),
         "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
        ("2", Array("Jefe".utf8), Array("what do ya want for nothing?".utf8),
         "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
        ("3", repeated(0xaa, 20), repeated(0xdd, 50),
         "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"),
        ("4", Array(1...25), repeated(0xcd, 50),
         "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"),
        ("6", repeated(0xaa, 131), Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8),
         "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
        ("7", repeated(0xaa, 131),
         Array(("This is a test using a larger than block-size key and a larger than block-size data. "
                + "The key needs to be hashed before being used by the HMAC algorithm.").utf8),
         "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"),
    ]

    @Test(arguments: vectors)
    func rfc4231(name: String, key: [UInt8], data: [UInt8], mac: String) {
        let hmac = HMACSHA256(key: key)
        #expect(hmac.mac(data) == hex(mac), "test case \(name)")
        // The reused context gives the same answer the second time.
        #expect(data.withUnsafeBytes { hmac.mac($0) } == hex(mac), "test case \(name), second use")
        #expect(hmac.id(data) == BlobID(hex: mac))
        #expect(data.withUnsafeBytes { hmac.id($0) } == BlobID(hex: mac))
        #expect(hmac.copy().mac(data) == hex(mac))
    }

    @Test func reuseAcrossMessagesMatchesFreshInstances() {
        let key = SecureRandom.bytes(32)
        let reused = HMACSHA256(key: key)
        for size in [0, 1, 31, 32, 33, 64, 65, 1000, 100_000] {
            let message = SecureRandom.bytes(size)
            #expect(reused.mac(message) == HMACSHA256(key: key).mac(message), "size \(size)")
        }
    }

    @Test func copyKeepsTheKeyAndIsIndependent() {
        let hmac = HMACSHA256(key: Array("Jefe".utf8))
        _ = hmac.mac([1, 2, 3])
        let copy = hmac.copy()
        let data = Array("what do ya want for nothing?".utf8)
        #expect(copy.mac(data) == hex("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"))
        #expect(hmac.mac(data) == copy.mac(data))
        #expect(HMACSHA256(key: Array("Jeff".utf8)).mac(data) != copy.mac(data))
    }

    @Test func rekeyingMatchesFreshInstancesAndKeepsTheNewKey() {
        let hmac = HMACSHA256(key: [UInt8](repeating: 0, count: 32))
        let data = Array("what do ya want for nothing?".utf8)
        for key in [Array("Jefe".utf8), SecureRandom.bytes(32), [], SecureRandom.bytes(100)] {
            #expect(hmac.mac(data, rekeyingWith: key) == HMACSHA256(key: key).mac(data))
            #expect(hmac.mac([9, 9]) == HMACSHA256(key: key).mac([9, 9]))
        }
        #expect(hmac.mac(data, rekeyingWith: Array("Jefe".utf8)) == hex("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"))
    }

    @Test func emptyKey() {
        // Python: hmac.new(b"", b"", hashlib.sha256).hexdigest()
        #expect(HMACSHA256(key: []).mac([]) == hex("b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad"))
    }
}
