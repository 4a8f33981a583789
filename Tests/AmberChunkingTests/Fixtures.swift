import AmberChunking
import AmberTesting

/// Shared fixtures for the chunking tests.
enum Fixtures {
    /// The seed of the golden gear table: the ASCII bytes "amber" read as a big-endian integer.
    static let gearSeed: UInt64 = 0x61_6d_62_65_72

    /// 256 values from SplitMix64(seed `gearSeed`).
    static func gearTable(seed: UInt64 = gearSeed) -> GearTable? {
        var rng = SplitMix64(seed: seed)
        return GearTable((0..<GearTable.count).map { _ in rng.next() })
    }

    /// `count` bytes from SplitMix64(seed 1), little-endian.
    static func input(_ count: Int, seed: UInt64 = 1) -> [UInt8] {
        var rng = SplitMix64(seed: seed)
        return rng.bytes(count)
    }

    /// min 16 KiB, normal 64 KiB, max 256 KiB, normalization 2.
    static let small = ChunkerParameters(minimum: 16 << 10, normal: 64 << 10, maximum: 256 << 10, normalization: 2)
}
