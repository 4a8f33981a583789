import Testing
@testable import AmberChunking
import AmberTesting

/// Frozen cut points. These decide every chunk id in every repository: if one of these tests fails,
/// the chunker's output changed, which breaks deduplication against existing backups.
///
/// How the expected values were produced (once, then pasted here): the gear table is 256 outputs of
/// `SplitMix64(seed: 0x616d626572)` ("amber"); the input is `SplitMix64(seed: 1)` written as
/// little-endian 64-bit words; `FastCDC.chunkLengths(of:)` (two-byte loop, built with `swiftc -O`)
/// split it and the one-byte `referenceChunkLengths(of:)` gave the identical list.
@Suite("FastCDC golden vectors")
struct GoldenVectorTests {
    /// The fixtures themselves, so a broken generator is told apart from a changed chunker.
    @Test func fixturesAreStable() throws {
        let table = try #require(Fixtures.gearTable())
        #expect(table.values[0] == 0x2acd_51fa_b0ae_a37a)
        #expect(table.values[1] == 0x3946_23eb_c525_8a37)
        #expect(table.values[255] == 0x8358_2573_f1fe_059b)
        #expect(Fixtures.input(8) == [193, 92, 2, 137, 236, 45, 10, 145])
    }

    /// The masks: contiguous one-bits ending at bit 62, never bit 63.
    @Test func masks() throws {
        let table = try #require(Fixtures.gearTable())
        let small = FastCDC(parameters: Fixtures.small, gear: table)
        #expect(small.strictMask == 0x7fff_e000_0000_0000)  // 18 bits
        #expect(small.looseMask == 0x7ffe_0000_0000_0000)  // 14 bits
        let files = FastCDC(parameters: .files, gear: table)
        #expect(files.strictMask == 0x7fff_fe00_0000_0000)  // 22 bits
        #expect(files.looseMask == 0x7fff_e000_0000_0000)  // 18 bits
    }

    /// 4 MiB, min 16 KiB / normal 64 KiB / max 256 KiB / level 2: 57 chunks.
    @Test func smallParametersOn4MiB() throws {
        let chunker = FastCDC(parameters: Fixtures.small, gear: try #require(Fixtures.gearTable()))
        let input = Fixtures.input(4 << 20)
        let expected = [
            20377, 67471, 67791, 157875, 107326, 71570, 60025, 81214,
            100896, 35515, 69340, 90975, 66847, 19127, 17777, 69282,
            110840, 46980, 102791, 53125, 44471, 69562, 85281, 44866,
            64854, 70721, 66309, 69533, 73089, 75510, 88135, 66174,
            77948, 71441, 33980, 69748, 73926, 84926, 57649, 66929,
            79163, 132198, 65581, 83826, 76390, 71829, 96029, 118200,
            65802, 141562, 101014, 77268, 69520, 77105, 76185, 86521,
            3915,
        ]
        #expect(chunker.chunkLengths(of: input) == expected)
        #expect(chunker.referenceChunkLengths(of: input) == expected)
    }

    /// 24 MiB with ``ChunkerParameters/files`` (512 KiB / 1 MiB / 8 MiB / level 2): 21 chunks.
    @Test func fileParametersOn24MiB() throws {
        let chunker = FastCDC(parameters: .files, gear: try #require(Fixtures.gearTable()))
        let input = Fixtures.input(24 << 20)
        let expected = [
            552435, 1108889, 1190035, 2219399, 1221925, 1194904, 1071810, 1298534,
            1099852, 1338229, 609128, 1346683, 1192983, 1123769, 1180926, 1110680,
            1953009, 1081489, 1172331, 1135172, 963642,
        ]
        #expect(chunker.chunkLengths(of: input) == expected)
    }
}
