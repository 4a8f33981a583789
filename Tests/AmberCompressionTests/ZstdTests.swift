import AmberCompression
import Testing
import AmberTesting

/// Deterministic pseudo-random bytes (``AmberTesting/SplitMix64``), so failures reproduce.
private func noise(_ count: Int, seed: UInt64) -> [UInt8] {
    var generator = SplitMix64(seed: seed)
    return generator.bytes(count)
}

struct ZstdTests {
    enum Input: String, CaseIterable, CustomTestStringConvertible {
        case empty, small, random5MiB, repetitive5MiB

        var bytes: [UInt8] {
            switch self {
            case .empty: []
            case .small: Array("hello, hello, hello zstd".utf8)
            case .random5MiB: noise(5 << 20, seed: 1)
            case .repetitive5MiB: Array(repeating: Array("Amber dedups and encrypts. ".utf8), count: (5 << 20) / 27).flatMap { $0 }
            }
        }

        var testDescription: String { rawValue }
    }

    @Test(arguments: Input.allCases)
    func roundTrip(input: Input) throws {
        let bytes = input.bytes
        let frame = ZstdCompressor().compress(bytes)
        #expect(frame.prefix(4) == [0x28, 0xb5, 0x2f, 0xfd], "zstd magic number")
        let decompressor = ZstdDecompressor()
        #expect(try decompressor.decompress(frame[...]) == bytes)
        #expect(try decompressor.decompress(frame[...], expectedCount: bytes.count) == bytes)
        if input == .repetitive5MiB { #expect(frame.count < bytes.count / 100) }
        if input == .random5MiB { #expect(frame.count < bytes.count + 1024) }
    }

    @Test func reusedCompressorMatchesFresh() throws {
        let compressor = ZstdCompressor(level: 1)
        let decompressor = ZstdDecompressor()
        for seed in UInt64(0)..<20 {
            let bytes = noise(Int(seed) * 1000, seed: seed) + Array(repeating: UInt8(seed), count: 5000)
            let frame = bytes.withUnsafeBytes { compressor.compress($0) }
            #expect(frame == ZstdCompressor(level: 1).compress(bytes))
            #expect(try decompressor.decompress(frame[...], expectedCount: bytes.count) == bytes)
        }
    }

    /// A frame at another level than the compressor's decodes the same, and the next frame is at
    /// the compressor's own level again.
    @Test func aFrameAtAnotherLevel() throws {
        let rows = (0..<3000).flatMap { Array("\($0 * 7919 % 100_003)\t\($0 % 10)\t\($0 * 31 % 9973)\t            \n".utf8) }
        let compressor = ZstdCompressor(level: 3)
        let plain = compressor.compress(rows)
        let dense = compressor.compress(rows, level: 9)
        #expect(dense != plain)
        #expect(try ZstdDecompressor().decompress(dense[...], expectedCount: rows.count) == rows)
        #expect(compressor.compress(rows) == plain)
        #expect(ZstdCompressor(level: 9).compress(rows) == dense)
    }

    @Test func decompressesAFrameInsideALargerBuffer() throws {
        let bytes = Array("inside a pack".utf8)
        let buffer = [1, 2, 3] + ZstdCompressor().compress(bytes) + [4, 5]
        #expect(try ZstdDecompressor().decompress(buffer[3..<(buffer.count - 2)]) == bytes)
    }

    @Test func expectedCountMismatchThrows() {
        let frame = ZstdCompressor().compress(Array(repeating: 7, count: 1000))
        #expect(throws: CompressionError.self) { try ZstdDecompressor().decompress(frame[...], expectedCount: 999) }
        #expect(throws: CompressionError.self) { try ZstdDecompressor().decompress(frame[...], expectedCount: 1001) }
    }

    @Test func sizeOverLimitThrows() throws {
        let frame = ZstdCompressor().compress(Array(repeating: 7, count: 1000))
        #expect(throws: CompressionError.self) { try ZstdDecompressor().decompress(frame[...], limit: 999) }
        #expect(try ZstdDecompressor().decompress(frame[...], limit: 1000).count == 1000)
    }

    @Test func corruptFramesThrow() {
        let bytes = noise(10_000, seed: 7) + Array(repeating: 0, count: 10_000)
        let frame = ZstdCompressor().compress(bytes)
        var badMagic = frame
        badMagic[0] ^= 0xff
        var badBlockHeader = frame
        badBlockHeader[frame.count / 2] ^= 0xff
        let corrupt: [(String, ArraySlice<UInt8>)] = [
            ("empty", []),
            ("garbage", noise(100, seed: 3)[...]),
            ("bad magic", badMagic[...]),
            ("truncated", frame.dropLast()),
            ("header only", frame.prefix(6)),
            ("trailing byte", (frame + [0])[...]),
            ("two frames", (frame + frame)[...]),
            ("followed by an empty frame", (frame + ZstdCompressor().compress([]))[...]),
        ]
        for (name, input) in corrupt {
            #expect(throws: CompressionError.self, "\(name)") { try ZstdDecompressor().decompress(input) }
        }
        // A flipped byte inside the data may or may not be caught by zstd itself (frames carry no
        // checksum; the AEAD tag protects them); it must never crash or return the original.
        let result = try? ZstdDecompressor().decompress(badBlockHeader[...])
        #expect(result != bytes)
    }

    @Test func decompressorSurvivesErrors() throws {
        let decompressor = ZstdDecompressor()
        let frame = ZstdCompressor().compress(Array("still works".utf8))
        _ = try? decompressor.decompress(frame.dropLast(2))
        #expect(try decompressor.decompress(frame[...]) == Array("still works".utf8))
    }

    @Test func errorsNameTheProblem() {
        let error = #expect(throws: CompressionError.self) { try ZstdDecompressor().decompress([1, 2, 3, 4, 5, 6, 7, 8]) }
        #expect(error?.message.isEmpty == false)
        #expect(error?.description.hasPrefix("zstd: ") == true)
    }

    @Test func versionString() {
        let parts = Zstd.versionString.split(separator: ".")
        #expect(parts.count == 3 && parts.allSatisfy { Int($0) != nil })
    }
}
