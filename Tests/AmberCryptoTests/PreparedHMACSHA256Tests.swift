import AmberCore
@testable import AmberCrypto
import Foundation
import Testing

/// The prepared HMAC gives HMAC-SHA256's MACs: RFC 4231's vectors, and OpenSSL's MAC
/// (``HMACSHA256``) on every message length around the block boundaries.
struct PreparedHMACSHA256Tests {
    static func hex(_ text: String) -> [UInt8] { Hex.decode(text)! }

    /// RFC 4231 §4.2, §4.3 and §4.7 (a key longer than a block).
    @Test(arguments: [true, false])
    func rfc4231Vectors(accelerated: Bool) {
        let cases: [(key: [UInt8], data: [UInt8], mac: String)] = [
            ([UInt8](repeating: 0x0B, count: 20), Array("Hi There".utf8),
             "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
            (Array("Jefe".utf8), Array("what do ya want for nothing?".utf8),
             "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
            ([UInt8](repeating: 0xAA, count: 131), Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8),
             "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
        ]
        for c in cases {
            let mac = PreparedHMACSHA256(key: c.key, accelerated: accelerated && PreparedHMACSHA256.isAccelerated)
            #expect(mac.mac(c.data) == Self.hex(c.mac))
        }
    }

    /// Every message length from 0 to 300 bytes (one, two and more blocks, and the lengths where
    /// the padding spills into a second block), under keys of 0 to 140 bytes.
    @Test func equalsOpenSSLOnEveryLength() {
        var generator = SystemRandomNumberGenerator()
        for keyLength in [0, 1, 16, 32, 63, 64, 65, 140] {
            let key = (0..<keyLength).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let prepared = PreparedHMACSHA256(key: key)
            let copy = prepared.copy()
            let openSSL = HMACSHA256(key: key)
            for length in 0...300 {
                let message = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
                let expected = openSSL.mac(message)
                #expect(prepared.mac(message) == expected, "key \(keyLength) bytes, message \(length) bytes")
                #expect(copy.mac(message) == expected)
            }
        }
    }

    /// The CI machines have the SHA extensions: the fast path is the one tested there.
    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/proc/cpuinfo")))
    func thisMachineRunsTheAcceleratedPath() {
        #expect(PreparedHMACSHA256.isAccelerated == (amberCPUFlags().contains("sha_ni")))
    }

    private func amberCPUFlags() -> Set<Substring> {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) else { return [] }
        return Set(line.split(separator: " "))
    }
}
