import AmberCrypto
import Testing

struct HKDFTests {
    /// RFC 5869 appendix A, test cases 1-3 (SHA-256).
    static let vectors: [(name: String, key: [UInt8], salt: [UInt8], info: [UInt8], okm: String)] = [
        ("1", repeated(0x0b, 22), Array(0x00...0x0c), Array(0xf0...0xf9),
         "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865"),
        ("2", Array(0x00...0x4f), Array(0x60...0xaf), Array(0xb0...0xff),
         "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71cc30c58179ec3e87c14c01d5c1f3434f1d87"),
        ("3", repeated(0x0b, 22), [], [],
         "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8"),
    ]

    @Test(arguments: vectors)
    func rfc5869(name: String, key: [UInt8], salt: [UInt8], info: [UInt8], okm: String) {
        let expected = hex(okm)
        #expect(HKDF.sha256(key: key, salt: salt, info: info, count: expected.count) == expected, "test case \(name)")
    }

    @Test func differentInfoGivesDifferentKeys() {
        let key = SecureRandom.bytes(32)
        let a = HKDF.sha256(key: key, salt: [], info: Array("id".utf8), count: 32)
        let b = HKDF.sha256(key: key, salt: [], info: Array("data".utf8), count: 32)
        #expect(a != b)
        #expect(a == HKDF.sha256(key: key, salt: [], info: Array("id".utf8), count: 32))
    }
}
