import Testing
@testable import AmberChunking

@Suite("FastCDC properties")
struct FastCDCTests {
    static let parameterSets: [ChunkerParameters] = [
        Fixtures.small,
        ChunkerParameters(minimum: 64, normal: 256, maximum: 1024, normalization: 1),
        ChunkerParameters(minimum: 2 << 10, normal: 8 << 10, maximum: 64 << 10, normalization: 3),
        // Odd minimum and a maximum that is no power of two: exercises the one-byte tails.
        ChunkerParameters(minimum: 1001, normal: 4096, maximum: 20001, normalization: 0),
    ]

    /// The two-byte loop and the one-byte reference loop agree on every cut.
    @Test(arguments: parameterSets)
    func twoByteLoopMatchesReference(_ parameters: ChunkerParameters) throws {
        let chunker = FastCDC(parameters: parameters, gear: try #require(Fixtures.gearTable(seed: 42)))
        let input = Fixtures.input(3 << 20, seed: 99)
        let fast = chunker.chunkLengths(of: input)
        #expect(fast.count > 10)
        #expect(fast == chunker.referenceChunkLengths(of: input))
    }

    /// Every chunk but the last is within `minimum...maximum`, and the chunks cover the input exactly.
    @Test(arguments: parameterSets)
    func boundsAndCoverage(_ parameters: ChunkerParameters) throws {
        let chunker = FastCDC(parameters: parameters, gear: try #require(Fixtures.gearTable()))
        let input = Fixtures.input(1 << 20, seed: 5)
        let lengths = chunker.chunkLengths(of: input)
        #expect(lengths.reduce(0, +) == input.count)
        for length in lengths.dropLast() {
            #expect((parameters.minimum...parameters.maximum).contains(length))
        }
        if let last = lengths.last { #expect((1...parameters.maximum).contains(last)) }
    }

    /// Inserting 100 bytes near the start disturbs only the first chunk or two.
    @Test func shiftResistance() throws {
        let chunker = FastCDC(parameters: Fixtures.small, gear: try #require(Fixtures.gearTable()))
        let original = Fixtures.input(4 << 20)
        var edited = original
        edited.insert(contentsOf: Fixtures.input(100, seed: 77), at: 1000)

        let before = Set(chunks(of: original, lengths: chunker.chunkLengths(of: original)))
        let afterChunks = chunks(of: edited, lengths: chunker.chunkLengths(of: edited))
        let changed = afterChunks.filter { !before.contains($0) }
        #expect(changed.count <= 2)
        #expect(afterChunks.count - changed.count >= before.count - 2)
    }

    @Test func emptyInput() throws {
        let chunker = FastCDC(parameters: Fixtures.small, gear: try #require(Fixtures.gearTable()))
        #expect(chunker.chunkLengths(of: []).isEmpty)
        #expect([UInt8]().withUnsafeBytes { chunker.cutPoint(in: $0) } == 0)
    }

    @Test func inputShorterThanMinimumIsOneChunk() throws {
        let chunker = FastCDC(parameters: Fixtures.small, gear: try #require(Fixtures.gearTable()))
        #expect(chunker.chunkLengths(of: Fixtures.input(1)) == [1])
        #expect(chunker.chunkLengths(of: Fixtures.input(10_000)) == [10_000])
        #expect(chunker.chunkLengths(of: Fixtures.input(16 << 10)) == [16 << 10])
    }

    /// The cut never exceeds the buffer or `maximum`, even with a buffer longer than `maximum`.
    @Test func cutPointStaysInRange() throws {
        let chunker = FastCDC(parameters: Fixtures.small, gear: try #require(Fixtures.gearTable()))
        let zeros = [UInt8](repeating: 0, count: 1 << 20)
        let cut = zeros.withUnsafeBytes { chunker.cutPoint(in: $0) }
        #expect((Fixtures.small.minimum...Fixtures.small.maximum).contains(cut))
    }

    @Test func changingOneGearValueChangesCutPoints() throws {
        let table = try #require(Fixtures.gearTable())
        var values = table.values
        values[Int(UInt8(ascii: "a"))] ^= 1 << 50
        values[0x5c] &+= 0x0123_4567_89ab_cdef
        let altered = try #require(GearTable(values))
        let input = Fixtures.input(2 << 20)
        let a = FastCDC(parameters: Fixtures.small, gear: table).chunkLengths(of: input)
        let b = FastCDC(parameters: Fixtures.small, gear: altered).chunkLengths(of: input)
        #expect(a != b)
    }

    @Test func gearTableNeedsExactly256Values() {
        #expect(GearTable([]) == nil)
        #expect(GearTable(Array(repeating: 1, count: 255)) == nil)
        #expect(GearTable(Array(repeating: 1, count: 257)) == nil)
        #expect(GearTable(Array(repeating: 1, count: 256))?.values.count == 256)
    }

    /// Nonsense parameters (as a corrupt config might hold) never trap.
    @Test(arguments: [
        ChunkerParameters(minimum: 0, normal: 0, maximum: 0, normalization: 0),
        ChunkerParameters(minimum: -5, normal: -1, maximum: -100, normalization: -7),
        ChunkerParameters(minimum: 1000, normal: 10, maximum: 500, normalization: 9),
        ChunkerParameters(minimum: .max, normal: .max, maximum: .max, normalization: .max),
        ChunkerParameters(minimum: .min, normal: .min, maximum: .min, normalization: .min),
    ])
    func invalidParametersDoNotTrap(_ parameters: ChunkerParameters) throws {
        #expect(!parameters.isValid)
        let chunker = FastCDC(parameters: parameters, gear: try #require(Fixtures.gearTable()))
        let input = Fixtures.input(10_000)
        let lengths = chunker.chunkLengths(of: input)
        #expect(lengths.reduce(0, +) == input.count)
        #expect(lengths == chunker.referenceChunkLengths(of: input))
    }

    private func chunks(of bytes: [UInt8], lengths: [Int]) -> [[UInt8]] {
        var offset = 0
        return lengths.map { length in
            defer { offset += length }
            return Array(bytes[offset..<offset + length])
        }
    }
}
