import AmberCore
import AmberManifest
import Testing

/// The memcmp-based comparisons the builders and runs use agree with the standard library's
/// element-by-element ones, on short keys that are often equal or prefixes of each other.
struct ByteOrderTests {
    @Test func bytesPrecedeAndHaveSameBytesAsTheStandardComparisons() {
        var generator = SystemRandomNumberGenerator()
        let alphabet: [UInt8] = [0, 1, 0x7F, 0x80, 0xFF]
        func key() -> [UInt8] { (0..<Int.random(in: 0...5, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! } }
        for _ in 0..<20_000 {
            let a = key(), b = key()
            #expect(a.bytesPrecede(b) == a.lexicographicallyPrecedes(b), "\(a) \(b)")
            let order = a.compareBytes(b)
            #expect((order < 0) == a.lexicographicallyPrecedes(b) && (order > 0) == b.lexicographicallyPrecedes(a), "\(a) \(b)")
            #expect(a.hasSameBytes(as: b) == (a == b), "\(a) \(b)")
            let x = ManifestValue.inline(a), y = ManifestValue.inline(b)
            #expect((x == y) == (a == b))
        }
        #expect(ManifestValue.inline([]) != .tombstone)
        #expect(ManifestValue.tombstone == .tombstone)
    }
}
