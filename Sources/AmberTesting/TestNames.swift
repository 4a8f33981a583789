/// Deterministic file names for tests.
public enum TestNames {
    /// A 64-hex-digit name whose first digits spread `index` over the fan-out directories.
    public static func data(_ index: Int, salt: UInt8 = 0) -> String {
        var bytes = [UInt8](repeating: salt, count: 32)
        var value = UInt64(truncatingIfNeeded: index) &* 0x9e37_79b9_7f4a_7c15
        for i in 0..<8 {
            bytes[i] = UInt8(truncatingIfNeeded: value)
            value >>= 8
        }
        bytes[8] = UInt8(truncatingIfNeeded: index)
        bytes[9] = UInt8(truncatingIfNeeded: index >> 8)
        return hex(bytes)
    }

    public static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef")
        return String(bytes.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0xf)]] })
    }

    /// `count` bytes of a simple pattern.
    public static func bytes(_ count: Int, seed: Int = 0) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ seed &* 7 &+ ($0 >> 8)) }
    }
}
