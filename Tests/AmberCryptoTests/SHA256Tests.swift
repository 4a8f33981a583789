import AmberCore
import AmberCrypto
import Testing

struct SHA256Tests {
    /// FIPS 180-2 / NIST CSRC examples.
    static let vectors: [(message: String, digest: String)] = [
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
    ]

    @Test(arguments: vectors)
    func nistVector(message: String, digest: String) {
        let bytes = Array(message.utf8)
        #expect(SHA256.hash(bytes) == hex(digest))
        #expect(bytes.withUnsafeBytes { SHA256.hash($0) } == hex(digest))
        #expect(SHA256.id(bytes) == BlobID(hex: digest))
    }

    @Test(arguments: vectors)
    func hasherMatchesVector(message: String, digest: String) {
        let hasher = SHA256Hasher()
        for byte in message.utf8 { hasher.update([byte]) }
        #expect(hasher.finalize() == hex(digest))
    }

    @Test func incrementalEqualsOneShot() {
        var generator = SystemRandomNumberGenerator()
        let data = (0..<100_000).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let hasher = SHA256Hasher()
        var offset = 0
        for size in [0, 1, 63, 64, 65, 4096, 17, 0, 30_000] {
            data.withUnsafeBytes { hasher.update(UnsafeRawBufferPointer(rebasing: $0[offset..<offset + size])) }
            offset += size
        }
        hasher.update(Array(data[offset...]))
        #expect(hasher.finalize() == SHA256.hash(data))
    }

    @Test func hasherIsReusableAfterFinalize() {
        let hasher = SHA256Hasher()
        hasher.update(Array("something else".utf8))
        _ = hasher.finalize()
        hasher.update(Array("abc".utf8))
        #expect(hasher.finalize() == hex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"))
        #expect(hasher.finalize() == SHA256.hash([]))
    }
}
