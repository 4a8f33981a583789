/// SplitMix64 (Steele, Lea, Flood 2014): a tiny deterministic generator for test inputs and tables.
/// Deterministic across platforms and runs, unlike `SystemRandomNumberGenerator` or `Hasher`.
public struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    public init(seed: UInt64) {
        state = seed
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }

    /// `count` bytes: successive outputs written as little-endian words (the last one truncated).
    public mutating func bytes(_ count: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        var i = 0
        while i < count {
            let word = next()
            for k in 0..<min(8, count - i) { out[i + k] = UInt8(truncatingIfNeeded: word >> (8 * UInt64(k))) }
            i += 8
        }
        return out
    }
}
