import Testing
import AmberChunking

@Suite("ChunkerParameters")
struct ChunkerParametersTests {
    @Test func defaultsAreValid() {
        #expect(ChunkerParameters.files.isValid)
        #expect(ChunkerParameters.files == ChunkerParameters(minimum: 512 << 10, normal: 1 << 20, maximum: 8 << 20))
        #expect(Fixtures.small.isValid)
        #expect(ChunkerParameters(minimum: 64, normal: 128, maximum: 129, normalization: 3).isValid)
    }

    @Test(arguments: [
        ChunkerParameters(minimum: 63, normal: 128, maximum: 256),  // minimum below 64
        ChunkerParameters(minimum: 128, normal: 128, maximum: 256),  // minimum not below normal
        ChunkerParameters(minimum: 64, normal: 256, maximum: 256),  // normal not below maximum
        ChunkerParameters(minimum: 64, normal: 200, maximum: 256),  // normal not a power of two
        ChunkerParameters(minimum: 64, normal: 128, maximum: 256, normalization: 4),
        ChunkerParameters(minimum: 64, normal: 128, maximum: 256, normalization: -1),
        ChunkerParameters(minimum: 64, normal: 1 << 62, maximum: .max, normalization: 3),  // mask past bit 62
    ])
    func invalid(_ parameters: ChunkerParameters) {
        #expect(!parameters.isValid)
    }
}
