import AmberCrypto
import Testing

struct AES256GCMTests {
    private static let key15 = "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308"
    private static let plaintext15 = "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255"
    private static let ciphertext15 = "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad"

    /// McGrew & Viega, "The Galois/Counter Mode of Operation", test cases 13-16 (256-bit keys,
    /// 96-bit IVs), checked against Python `cryptography`.
    static let vectors: [(name: String, key: String, nonce: String, plaintext: String, aad: String, sealed: String)] = [
        ("13", String(repeating: "00", count: 32), String(repeating: "00", count: 12), "", "",
         "530f8afbc74536b9a963b4f1c4cb738b"),
        ("14", String(repeating: "00", count: 32), String(repeating: "00", count: 12), String(repeating: "00", count: 16), "",
         "cea7403d4d606b6e074ec5d3baf39d18" + "d0d1c8a799996bf0265b98b5d48ab919"),
        ("15", key15, "cafebabefacedbaddecaf888", plaintext15, "",
         ciphertext15 + "b094dac5d93471bdec1a502270e3cc6c"),
        ("16", key15, "cafebabefacedbaddecaf888", String(plaintext15.dropLast(8)),
         "feedfacedeadbeeffeedfacedeadbeefabaddad2",
         String(ciphertext15.dropLast(8)) + "76fc6ece0f4e1768cddf8853bb2d551b"),
    ]

    @Test(arguments: vectors)
    func knownAnswer(name: String, key: String, nonce: String, plaintext: String, aad: String, sealed: String) throws {
        let gcm = AES256GCM()
        var output: [UInt8] = []
        try gcm.seal(key: hex(key), nonce: hex(nonce), plaintext: hex(plaintext), aad: hex(aad), appendingTo: &output)
        #expect(output == hex(sealed), "test case \(name)")
        #expect(try gcm.open(key: hex(key), nonce: hex(nonce), sealed: hex(sealed)[...], aad: hex(aad)) == hex(plaintext))
    }

    @Test func sealAppendsAndOpensASlice() throws {
        let gcm = AES256GCM()
        let key = SecureRandom.bytes(32), nonce = SecureRandom.bytes(12)
        var output: [UInt8] = [9, 9, 9]
        try gcm.seal(key: key, nonce: nonce, plaintext: Array("hello".utf8), aad: [1], appendingTo: &output)
        #expect(output.count == 3 + 5 + AES256GCM.tagCount)
        #expect(output.prefix(3) == [9, 9, 9])
        #expect(try gcm.open(key: key, nonce: nonce, sealed: output[3...], aad: [1]) == Array("hello".utf8))
    }

    @Test func everyFlippedByteIsDetected() throws {
        let gcm = AES256GCM()
        let key = SecureRandom.bytes(32), nonce = SecureRandom.bytes(12), aad = Array("header".utf8)
        var sealed: [UInt8] = []
        try gcm.seal(key: key, nonce: nonce, plaintext: Array("a small secret message".utf8), aad: aad, appendingTo: &sealed)
        for position in sealed.indices {
            for mask: UInt8 in [0x01, 0x80, 0xff] {
                var tampered = sealed
                tampered[position] ^= mask
                let error = #expect(throws: CryptoError.self) {
                    try gcm.open(key: key, nonce: nonce, sealed: tampered[...], aad: aad)
                }
                #expect(error?.code == .unauthenticated, "byte \(position) mask \(mask)")
                #expect(error?.message == "authentication failed")
            }
        }
        // The instance still works after all those failures.
        #expect(try gcm.open(key: key, nonce: nonce, sealed: sealed[...], aad: aad) == Array("a small secret message".utf8))
    }

    @Test func wrongContextIsUnauthenticated() throws {
        let gcm = AES256GCM()
        let key = SecureRandom.bytes(32), nonce = SecureRandom.bytes(12), aad = Array("header".utf8)
        var sealed: [UInt8] = []
        try gcm.seal(key: key, nonce: nonce, plaintext: Array("payload".utf8), aad: aad, appendingTo: &sealed)
        var otherKey = key
        otherKey[0] ^= 1
        var otherNonce = nonce
        otherNonce[11] ^= 1
        let attempts: [(String, () throws(CryptoError) -> [UInt8])] = [
            ("wrong aad", { () throws(CryptoError) in try gcm.open(key: key, nonce: nonce, sealed: sealed[...], aad: []) }),
            ("longer aad", { () throws(CryptoError) in try gcm.open(key: key, nonce: nonce, sealed: sealed[...], aad: aad + [0]) }),
            ("wrong key", { () throws(CryptoError) in try gcm.open(key: otherKey, nonce: nonce, sealed: sealed[...], aad: aad) }),
            ("wrong nonce", { () throws(CryptoError) in try gcm.open(key: key, nonce: otherNonce, sealed: sealed[...], aad: aad) }),
            ("truncated by one", { () throws(CryptoError) in try gcm.open(key: key, nonce: nonce, sealed: sealed.dropLast(), aad: aad) }),
            ("first byte dropped", { () throws(CryptoError) in try gcm.open(key: key, nonce: nonce, sealed: sealed.dropFirst(), aad: aad) }),
            ("shorter than a tag", { () throws(CryptoError) in try gcm.open(key: key, nonce: nonce, sealed: sealed.suffix(15), aad: aad) }),
            ("empty", { () throws(CryptoError) in try gcm.open(key: key, nonce: nonce, sealed: [], aad: aad) }),
            ("extended", { () throws(CryptoError) in try gcm.open(key: key, nonce: nonce, sealed: (sealed + [0])[...], aad: aad) }),
        ]
        for (name, attempt) in attempts {
            let error = #expect(throws: CryptoError.self, "\(name)") { try attempt() }
            #expect(error?.code == .unauthenticated, "\(name)")
        }
    }

    @Test func badSizesAreInvalidInput() {
        let gcm = AES256GCM()
        var output: [UInt8] = [7]
        for (key, nonce) in [(repeated(0, 31), repeated(0, 12)), (repeated(0, 32), repeated(0, 16)), ([], [])] {
            let sealError = #expect(throws: CryptoError.self) {
                try gcm.seal(key: key, nonce: nonce, plaintext: [1, 2, 3], aad: [], appendingTo: &output)
            }
            #expect(sealError?.code == .invalidInput)
            let openError = #expect(throws: CryptoError.self) {
                try gcm.open(key: key, nonce: nonce, sealed: repeated(0, 32)[...], aad: [])
            }
            #expect(openError?.code == .invalidInput)
        }
        #expect(output == [7])
    }

    @Test func reusedInstanceMatchesFreshInstances() throws {
        let reused = AES256GCM()
        for round in 0..<64 {
            let key = SecureRandom.bytes(32), nonce = SecureRandom.bytes(12)
            let plaintext = SecureRandom.bytes([0, 1, 15, 16, 17, 1000, 65_537][round % 7])
            let aad = SecureRandom.bytes(round % 5 * 7)
            var viaReused: [UInt8] = [], viaFresh: [UInt8] = []
            try reused.seal(key: key, nonce: nonce, plaintext: plaintext, aad: aad, appendingTo: &viaReused)
            try AES256GCM().seal(key: key, nonce: nonce, plaintext: plaintext, aad: aad, appendingTo: &viaFresh)
            #expect(viaReused == viaFresh, "round \(round)")
            #expect(try reused.open(key: key, nonce: nonce, sealed: viaFresh[...], aad: aad) == plaintext)
            #expect(try AES256GCM().open(key: key, nonce: nonce, sealed: viaReused[...], aad: aad) == plaintext)
        }
    }
}
